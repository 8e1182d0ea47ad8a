import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	client,
	descriptor,
	imageIndex,
	imageManifest,
	mt,
	sha256,
	uniqueRepo,
} from "./distribution-helpers.ts";
import { startTestServer, stopTestServer, type TestServer } from "./harness.ts";

/**
 * Every /v2 response that names a media type names exactly that type: OCI clients and the conformance suite compare
 * the header byte for byte, so `application/json; charset=utf-8` (what Express's res.json writes) fails them. Both
 * transports: the proxy must pass the core's header through as it is.
 */
describe.each(["embedded", "proxy"] as const)(
	"Content-Type of /v2 responses, core %s",
	(transport) => {
		let s: TestServer;
		let c: ReturnType<typeof client>;
		const repo = uniqueRepo("types");
		let image: Awaited<ReturnType<ReturnType<typeof client>["pushImage"]>>;
		let index: Buffer;
		beforeAll(async () => {
			s = await startTestServer("sqlite", { WHARF_CORE_TRANSPORT: transport });
			c = client(s);
			image = await c.pushImage(repo, "v1");
			index = imageIndex([
				{
					...descriptor(mt.ociManifest, image.body),
					platform: { os: "linux", architecture: "amd64" },
				},
			]);
			expect(
				(await c.putManifest(repo, "multi", index, mt.ociIndex)).status,
			).toBe(201);
			const empty = Buffer.from("{}");
			await c.pushBlob(repo, empty);
			const referrer = imageManifest({
				config: descriptor(mt.ociEmpty, empty),
				layers: [],
				artifactType: "application/vnd.example.sbom",
				subject: descriptor(mt.ociManifest, image.body),
			});
			expect(
				(await c.putManifest(repo, sha256(referrer), referrer)).status,
			).toBe(201);
		});
		afterAll(() => stopTestServer(s));

		const cases: [
			what: string,
			request: () => [
				path: string,
				init?: Parameters<ReturnType<typeof client>["call"]>[1],
			],
			status: number,
			type: string,
		][] = [
			["GET /v2/", () => ["/v2/"], 200, "application/json"],
			["the catalog", () => ["/v2/_catalog"], 200, "application/json"],
			["a tags list", () => [`/v2/${repo}/tags/list`], 200, "application/json"],
			[
				"referrers",
				() => [`/v2/${repo}/referrers/${image.digest}`],
				200,
				mt.ociIndex,
			],
			[
				"referrers filtered by artifactType",
				() => [
					`/v2/${repo}/referrers/${image.digest}?artifactType=application/vnd.example.sbom`,
				],
				200,
				mt.ociIndex,
			],
			[
				"referrers of an unknown digest",
				() => [`/v2/${repo}/referrers/${sha256(randomBytes(8))}`],
				200,
				mt.ociIndex,
			],
			[
				"GET of an OCI manifest",
				() => [`/v2/${repo}/manifests/v1`],
				200,
				mt.ociManifest,
			],
			[
				"HEAD of an OCI manifest",
				() => [`/v2/${repo}/manifests/v1`, { method: "HEAD" }],
				200,
				mt.ociManifest,
			],
			[
				"GET of an OCI index",
				() => [`/v2/${repo}/manifests/multi`],
				200,
				mt.ociIndex,
			],
			[
				"HEAD of an OCI index",
				() => [`/v2/${repo}/manifests/multi`, { method: "HEAD" }],
				200,
				mt.ociIndex,
			],
			[
				"GET of a blob",
				() => [`/v2/${repo}/blobs/${image.layer}`],
				200,
				"application/octet-stream",
			],
			[
				"HEAD of a blob",
				() => [`/v2/${repo}/blobs/${image.layer}`, { method: "HEAD" }],
				200,
				"application/octet-stream",
			],
			[
				"a range of a blob",
				() => [
					`/v2/${repo}/blobs/${image.layer}`,
					{ headers: { Range: "bytes=0-9" } },
				],
				206,
				"application/octet-stream",
			],
			[
				"an unknown manifest (404)",
				() => [`/v2/${repo}/manifests/nosuch`],
				404,
				"application/json",
			],
			[
				"an unknown repository (404)",
				() => [`/v2/${uniqueRepo("gone")}/tags/list`],
				404,
				"application/json",
			],
			[
				"a bad digest (400)",
				() => [`/v2/${repo}/blobs/sha256:nothex`],
				400,
				"application/json",
			],
			[
				"an anonymous push (401)",
				() => [`/v2/${repo}/blobs/uploads/`, { method: "POST", auth: null }],
				401,
				"application/json",
			],
			[
				"a wrong method (405)",
				() => [`/v2/${repo}/blobs/${image.layer}`, { method: "PUT" }],
				405,
				"application/json",
			],
		];

		it.each(cases)("%s", async (_what, request, status, type) => {
			const [path, init] = request();
			const r = await c.call(path, init);
			expect({ status: r.status, type: r.headers.get("content-type") }).toEqual(
				{ status, type },
			);
		});

		it("answers a path with `//` with 400 and a bare application/json", async () => {
			// fetch keeps `//` in the path (it normalises only dot segments); the BFF refuses it before the core sees it.
			const r = await fetch(`${s.url}/v2/library//x/tags/list`);
			expect({ status: r.status, type: r.headers.get("content-type") }).toEqual(
				{ status: 400, type: "application/json" },
			);
		});
	},
);
