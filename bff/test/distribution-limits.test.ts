import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	client,
	type Descriptor,
	descriptor,
	expectError,
	imageIndex,
	imageManifest,
	mt,
	sha256,
	uniqueRepo,
} from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

/**
 * Issue 9, findings 6 and 11: manifests past the registry's limits, and foreign layers whose `urls` name local files
 * or internal hosts, are refused as MANIFEST_INVALID, and leave no bytes, rows or repository behind.
 */
describe.each(engines)("manifest limits on %s", (engine) => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer(engine);
	});
	afterAll(() => stopTestServer(s));

	const blobFile = (digest: string) =>
		path.join(
			s.dataDir,
			"storage",
			"blobs",
			"sha256",
			digest.slice(7, 9),
			digest.slice(7),
		);

	/** Refused with MANIFEST_INVALID, and nothing of it stored: no bytes, no blob row, no repository. */
	async function expectRefused(
		repo: string,
		body: Buffer,
		contentType: string = mt.ociManifest,
	) {
		const c = client(s);
		await expectError(
			await c.putManifest(repo, "v1", body, contentType),
			400,
			"MANIFEST_INVALID",
		);
		expect(existsSync(blobFile(sha256(body)))).toBe(false);
		expect(
			await s.db
				.selectFrom("blobs")
				.select("digest")
				.where("digest", "=", sha256(body))
				.executeTakeFirst(),
		).toBeUndefined();
	}

	/** A repository holding a config and one layer, and manifests that list that layer `n` times. */
	async function repoWithLayer(prefix: string) {
		const c = client(s);
		const repo = uniqueRepo(prefix);
		const config = Buffer.from("{}");
		const layer = randomBytes(32);
		await c.pushBlob(repo, config);
		await c.pushBlob(repo, layer);
		const withLayers = (n: number) =>
			imageManifest({
				config: descriptor(mt.ociEmpty, config),
				layers: Array.from({ length: n }, () => descriptor(mt.ociLayer, layer)),
			});
		return { c, repo, withLayers };
	}

	it("refuses 20,000 layers and a 7,000-child index with MANIFEST_INVALID, leaving nothing behind", async () => {
		const { c, repo, withLayers } = await repoWithLayer("huge");
		await expectRefused(repo, withLayers(20_000));

		const child = withLayers(1);
		expect((await c.putManifest(repo, sha256(child), child)).status).toBe(201);
		const children: Descriptor[] = Array.from({ length: 7000 }, () =>
			descriptor(mt.ociManifest, child),
		);
		const fresh = uniqueRepo("huge-index");
		await expectRefused(fresh, imageIndex(children), mt.ociIndex);
		// The refused push created no repository.
		expect(
			await s.db
				.selectFrom("repositories")
				.select("id")
				.where("name", "=", fresh)
				.executeTakeFirst(),
		).toBeUndefined();
	});

	it("accepts 4,096 descriptors and refuses one more", async () => {
		const { c, repo, withLayers } = await repoWithLayer("edge");
		expect((await c.putManifest(repo, "fits", withLayers(4095))).status).toBe(
			201,
		);
		const over = await c.putManifest(repo, "over", withLayers(4096));
		expect(over.status).toBe(400);
		expect((await over.json()).errors[0]).toMatchObject({
			code: "MANIFEST_INVALID",
			message:
				"manifest lists 4097 descriptors (config and layers); this registry accepts at most 4096",
		});
	});

	it("refuses foreign layers with file:// or internal URLs, and accepts those from the allowed hosts", async () => {
		const c = client(s);
		const repo = uniqueRepo("foreign");
		const config = Buffer.from("{}");
		await c.pushBlob(repo, config);
		const foreign = (urls: string[]) =>
			imageManifest({
				config: descriptor(mt.ociEmpty, config),
				layers: [
					{
						mediaType:
							"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
						digest: sha256(randomBytes(8)),
						size: 1234,
						urls,
					} as Descriptor,
				],
			});
		for (const url of [
			"file:///etc/passwd",
			"http://169.254.169.254/latest/meta-data/",
			"http://127.0.0.1:5432/",
			"https://mcr.microsoft.com.evil.example/x",
			"gopher://mcr.microsoft.com/x",
			"https://user:pw@mcr.microsoft.com/x",
		]) {
			await expectRefused(repo, foreign([url]));
		}
		// One bad URL among good ones is enough to refuse.
		await expectRefused(
			repo,
			foreign([
				"https://mcr.microsoft.com/v2/windows/blobs/sha256:00",
				"http://localhost/x",
			]),
		);
		for (const url of [
			"https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:00",
			"https://winlayers.blob.core.windows.net/x",
		]) {
			expect((await c.putManifest(repo, "win", foreign([url]))).status).toBe(
				201,
			);
		}
	});
});

describe("foreign layer hosts from WHARF_FOREIGN_LAYER_HOSTS", () => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer("sqlite", {
			WHARF_FOREIGN_LAYER_HOSTS: "layers.example.com, *.cdn.example.org",
		});
	});
	afterAll(() => stopTestServer(s));

	it("allows exactly the configured hosts", async () => {
		const c = client(s);
		const repo = uniqueRepo("foreign");
		const config = Buffer.from("{}");
		await c.pushBlob(repo, config);
		const put = (url: string) =>
			c.putManifest(
				repo,
				"v1",
				imageManifest({
					config: descriptor(mt.ociEmpty, config),
					layers: [
						{
							mediaType:
								"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
							digest: sha256(randomBytes(8)),
							size: 1,
							urls: [url],
						} as Descriptor,
					],
				}),
			);
		expect((await put("https://layers.example.com/a")).status).toBe(201);
		expect((await put("https://eu.cdn.example.org/a")).status).toBe(201);
		await expectError(
			await put("https://cdn.example.org/a"),
			400,
			"MANIFEST_INVALID",
		);
		await expectError(
			await put("https://mcr.microsoft.com/a"),
			400,
			"MANIFEST_INVALID",
		);
	});
});
