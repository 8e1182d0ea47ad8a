import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox, loadMasterKey } from "../auth/secrets.ts";
import { createTokenService } from "../auth/tokens.ts";
import { foreground } from "../core/foreground.ts";
import { createLinkedBlobs } from "../core/linked-blobs.ts";
import { createFilesystemDriver } from "../core/storage/filesystem.ts";
import { createRegistryStore } from "../core/store.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "../test/distribution-server.ts";
import {
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../test/harness.ts";
import {
	pushChart,
	pushImage,
	pushIndex,
	pushSignature,
	sha256,
	signatureType,
} from "../test/oci-fixtures.ts";
import {
	type CopyOptions,
	copyArtifact,
	deleteArtifact,
} from "./copy-artifact.ts";
import { createLocalRegistry } from "./local-registry.ts";
import { createV2Client, type V2Client } from "./v2-client.ts";

const user = { username: "replicator", password: "S3cret-pass" };
const unique = (name: string) =>
	`library/${name}-${randomBytes(3).toString("hex")}`;

/**
 * A pass-through HTTP proxy in front of a registry that counts blob uploads finished through it, and can be cut off
 * (every connection dropped, nothing listening) and brought back on the same port: a remote that goes away mid-copy.
 */
async function startCuttableProxy(target: string) {
	const to = new URL(target);
	const state = { uploads: 0, blobGets: 0, onUpload: (_n: number) => {} };
	const server = http.createServer((req, res) => {
		if (req.method === "GET" && /\/blobs\/sha/.test(req.url ?? ""))
			state.blobGets++;
		const out = http.request(
			{
				host: to.hostname,
				port: to.port,
				method: req.method,
				path: req.url,
				headers: req.headers,
			},
			(answer) => {
				if (
					req.method === "PUT" &&
					/\/blobs\/uploads\//.test(req.url ?? "") &&
					answer.statusCode === 201
				)
					state.onUpload(++state.uploads);
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		out.on("error", () => res.destroy());
		req.pipe(out);
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		state,
		cut: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
		restore: () =>
			new Promise<void>((r) => server.listen(port, "127.0.0.1", r)),
		close: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
	};
}

function options(
	over: Partial<CopyOptions> = {},
): CopyOptions & { lines: string[] } {
	const lines: string[] = [];
	return {
		override: true,
		speedKb: -1,
		copyByChunk: false,
		signal: new AbortController().signal,
		log: async (l) => {
			lines.push(l);
		},
		lines,
		...over,
	};
}

/** Every manifest and blob of the tree under `digest` is at `c`, and the manifest's bytes are those pushed. */
async function expectSame(
	c: V2Client,
	repo: string,
	pushed: { digest: string; body: Buffer; blobs: string[] },
) {
	const got = await c.getManifest(repo, pushed.digest);
	expect(got.body.equals(pushed.body)).toBe(true);
	for (const b of pushed.blobs)
		expect(await c.headBlob(repo, b), b).not.toBeNull();
}

describe("copyArtifact between real registries", () => {
	let wharf: TestServer;
	let wharfB: TestServer;
	let withAuth: DistributionServer;
	let open: DistributionServer;
	let local: V2Client;
	let blobs: ReturnType<typeof createLinkedBlobs>;
	let toB: V2Client;
	let toAuth: V2Client;
	let toOpen: V2Client;
	let localTokens: {
		tokens: Parameters<typeof createLocalRegistry>[0]["tokens"];
		adminId: number;
	};

	beforeAll(async () => {
		[wharf, wharfB, withAuth, open] = await Promise.all([
			startTestServer("sqlite"),
			startTestServer("sqlite"),
			startDistributionServer(user),
			startDistributionServer(),
		]);
		// Wharf as replication reaches itself: tokens minted in-process for the built-in admin.
		const tokens = await createTokenService({
			db: wharf.db,
			box: createSecretBox(loadMasterKey(wharf.dataDir)),
			service: "harbor-registry",
			expirySeconds: async () => 1800,
		});
		const admin = await wharf.db
			.selectFrom("users")
			.select("id")
			.where("username", "=", "admin")
			.executeTakeFirstOrThrow();
		// As bff/wharf.ts gives it: the source's blob bytes straight from storage.
		blobs = createLinkedBlobs(
			createRegistryStore(wharf.db),
			createFilesystemDriver(path.join(wharf.dataDir, "storage")),
		);
		local = createLocalRegistry({
			url: wharf.url,
			tokens,
			adminId: admin.id,
			blobs,
		});
		localTokens = { tokens, adminId: admin.id };
		toB = createV2Client({
			url: wharfB.url,
			credential: { username: "admin", password: adminPassword },
		});
		toAuth = createV2Client({ url: withAuth.url, credential: user });
		toOpen = createV2Client({ url: open.url });
	}, 60_000);
	afterAll(async () => {
		await Promise.all([local, toB, toAuth, toOpen].map((c) => c?.close()));
		await Promise.all([
			stopTestServer(wharf),
			stopTestServer(wharfB),
			withAuth?.stop(),
			open?.stop(),
		]);
	});

	it("pushes a multi-arch index, a Helm chart and a signed image from Wharf to docker-registry with identical digests", async () => {
		const repo = unique("push");
		const index = await pushIndex(local, repo, "multi");
		const chart = await pushChart(local, repo, "1.0.0");
		const image = await pushImage(local, repo, "signed");
		const signature = await pushSignature(local, repo, image);

		const dstRepo = unique("mirror");
		const viaChunks = await copyArtifact(
			{ client: local, repo, reference: "multi" },
			{ client: toAuth, repo: dstRepo, tags: ["multi"] },
			options({ copyByChunk: true }),
		);
		expect(viaChunks).toMatchObject({
			digest: index.digest,
			skipped: false,
			blobsSent: 4,
		});
		expect((await toAuth.headManifest(dstRepo, "multi"))?.digest).toBe(
			index.digest,
		);
		await expectSame(toAuth, dstRepo, index);
		for (const child of index.children)
			await expectSame(toAuth, dstRepo, child);

		expect(
			(
				await copyArtifact(
					{ client: local, repo, reference: "1.0.0" },
					{ client: toAuth, repo: dstRepo, tags: ["1.0.0"] },
					options(),
				)
			).digest,
		).toBe(chart.digest);
		await expectSame(toAuth, dstRepo, chart);

		const signed = await copyArtifact(
			{ client: local, repo, reference: image.digest },
			{ client: toAuth, repo: dstRepo, tags: ["signed"] },
			options(),
		);
		expect(signed.digest).toBe(image.digest);
		await expectSame(toAuth, dstRepo, image);
		await expectSame(toAuth, dstRepo, signature);
		// docker-registry has no referrers API: the signature is listed in the referrers tag, as OCI 1.1 clients look for it.
		const listed = JSON.parse(
			(
				await toAuth.getManifest(dstRepo, image.digest.replace(":", "-"))
			).body.toString(),
		) as { manifests: { digest: string; artifactType?: string }[] };
		expect(listed.manifests).toEqual([
			expect.objectContaining({
				digest: signature.digest,
				artifactType: signatureType,
			}),
		]);
	}, 60_000);

	it("reads a push's source blobs from storage, not through /v2; a blob the repository does not link is asked of /v2", async () => {
		const repo = unique("direct");
		const image = await pushImage(local, repo, "v1", {
			layerBytes: 256 * 1024,
		});
		const counting = await startCuttableProxy(wharf.url);
		const viaProxy = createLocalRegistry({
			url: counting.url,
			...localTokens,
			blobs,
		});
		try {
			const dstRepo = unique("direct-copy");
			const copied = await copyArtifact(
				{ client: viaProxy, repo, reference: "v1" },
				{ client: toOpen, repo: dstRepo, tags: ["v1"] },
				options(),
			);
			expect(copied).toMatchObject({
				digest: image.digest,
				blobsSent: 2,
				bytesSent:
					256 * 1024 + (await viaProxy.headBlob(repo, image.blobs[0]))!,
			});
			await expectSame(toOpen, dstRepo, image);
			expect(counting.state.blobGets).toBe(0);

			// Not linked in that repository: /v2's answer, as any client gets it, even though the bytes are in storage.
			await expect(
				viaProxy.getBlob(unique("elsewhere"), image.blobs[1]),
			).rejects.toThrow(/404 blob unknown/);
			expect(counting.state.blobGets).toBe(1);
			expect(
				await viaProxy.headBlob(unique("elsewhere"), image.blobs[1]),
			).toBeNull();

			// Linked but its bytes gone: refused as /v2 would, not an empty blob.
			const lost = await pushImage(local, repo, "lost");
			await createFilesystemDriver(path.join(wharf.dataDir, "storage")).delete(
				lost.blobs[1],
			);
			await expect(viaProxy.getBlob(repo, lost.blobs[1])).rejects.toThrow(
				/ENOENT/,
			);
		} finally {
			await viaProxy.close();
			await counting.close();
		}
	}, 60_000);

	it("gives way to pushes into Wharf, yet finishes while they keep coming", async () => {
		const repo = unique("busy");
		const image = await pushImage(local, repo, "v1", {
			layerBytes: 3 * 1024 * 1024,
		});
		const pusher = createV2Client({
			url: wharf.url,
			credential: { username: "admin", password: adminPassword },
		});
		const state = { pushing: true, pushes: 0 };
		const pushes = (async () => {
			while (state.pushing) {
				const b = randomBytes(1024 * 1024);
				await pusher.putBlob(
					`${repo}-pushes`,
					sha256(b),
					Readable.from([b]),
					b.length,
				);
				state.pushes++;
			}
		})();
		try {
			while (!foreground.busy()) await new Promise((r) => setTimeout(r, 5));
			const dstRepo = unique("busy-copy");
			const copied = await copyArtifact(
				{ client: local, repo, reference: "v1" },
				{ client: toOpen, repo: dstRepo, tags: ["v1"] },
				options(),
			);
			expect(copied).toMatchObject({ digest: image.digest, blobsSent: 2 });
			await expectSame(toOpen, dstRepo, image);
			expect(state.pushes).toBeGreaterThan(0);
		} finally {
			state.pushing = false;
			await pushes;
			await pusher.close();
		}
	}, 60_000);

	it("pulls the same three from docker-registry into Wharf, where the referrers API lists the signature", async () => {
		const repo = unique("upstream");
		const index = await pushIndex(toOpen, repo, "multi");
		const chart = await pushChart(toOpen, repo, "2.0.0");
		const image = await pushImage(toOpen, repo, "signed");
		const signature = await pushSignature(toOpen, repo, image, {
			referrersTag: true,
		});

		const dstRepo = unique("pulled");
		for (const [pushed, tag] of [
			[index, "multi"],
			[chart, "2.0.0"],
			[image, "signed"],
		] as const) {
			const r = await copyArtifact(
				{ client: toOpen, repo, reference: tag },
				{ client: local, repo: dstRepo, tags: [tag] },
				options(),
			);
			expect(r.digest).toBe(pushed.digest);
			expect((await local.headManifest(dstRepo, tag))?.digest).toBe(
				pushed.digest,
			);
			await expectSame(local, dstRepo, pushed);
		}
		await expectSame(local, dstRepo, signature);
		expect(await local.referrers(dstRepo, image.digest)).toEqual([
			expect.objectContaining({
				digest: signature.digest,
				artifactType: signatureType,
			}),
		]);
		// The signature came as a referrer, by digest: the source's referrers tag is not copied as an artifact of its own.
		expect(await local.tags(dstRepo)).not.toContain(
			image.digest.replace(":", "-"),
		);
	}, 60_000);

	it("copies Wharf to Wharf with the signature following through the referrers API, and a cosign tag accessory", async () => {
		const repo = unique("w2w");
		const image = await pushImage(local, repo, "v1");
		const signature = await pushSignature(local, repo, image);
		const cosignTag = `${image.digest.replace(":", "-")}.sig`;
		const cosign = await pushImage(local, repo, cosignTag);

		const r = await copyArtifact(
			{ client: local, repo, reference: "v1" },
			{ client: toB, repo, tags: ["v1"] },
			options(),
		);
		expect(r).toMatchObject({ digest: image.digest, skipped: false });
		expect(await toB.referrers(repo, image.digest)).toEqual([
			expect.objectContaining({ digest: signature.digest }),
		]);
		expect((await toB.headManifest(repo, cosignTag))?.digest).toBe(
			cosign.digest,
		);
	}, 60_000);

	it("resumes: blobs the destination already has are not sent again, and a finished copy sends nothing", async () => {
		const repo = unique("resume");
		const layer = randomBytes(64 * 1024);
		const image = await pushImage(local, repo, "v1", { layer });
		const dstRepo = unique("resume-dst");
		// As after a task that failed halfway: the layer made it, the config and the manifest did not.
		await pushImage(toAuth, dstRepo, undefined, { layer });

		const first = await copyArtifact(
			{ client: local, repo, reference: "v1" },
			{ client: toAuth, repo: dstRepo, tags: ["v1"] },
			options(),
		);
		expect(first).toMatchObject({
			skipped: false,
			blobsSkipped: 1,
			blobsSent: 1,
		});
		expect(first.bytesSent).toBeLessThan(1024);
		await expectSame(toAuth, dstRepo, image);

		const again = await copyArtifact(
			{ client: local, repo, reference: "v1" },
			{ client: toAuth, repo: dstRepo, tags: ["v1"] },
			options(),
		);
		expect(again).toMatchObject({
			digest: image.digest,
			skipped: "exists",
			blobsSent: 0,
			bytesSent: 0,
		});
	}, 60_000);

	it("fails clearly when the destination goes away mid-copy, and the retry sends only the blobs that did not arrive", async () => {
		const repo = unique("interrupted");
		const small = randomBytes(128 * 1024);
		const big = randomBytes(3 * 1024 * 1024);
		await pushImage(local, repo, undefined, { layer: small }); // the small layer's bytes, in the source repository
		const image = await pushImage(local, repo, "v1", { layer: big });
		// One manifest naming config, small and big layers: the small one lands first, then the remote is cut.
		const parsed = JSON.parse(image.body.toString()) as { layers: object[] };
		const manifest = Buffer.from(
			JSON.stringify({
				...parsed,
				layers: [
					{
						mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
						digest: sha256(small),
						size: small.length,
					},
					...parsed.layers,
				],
			}),
		);
		const digest = await local.putManifest(
			repo,
			"v2",
			manifest,
			image.mediaType,
		);

		const proxy = await startCuttableProxy(open.url);
		const viaProxy = createV2Client({ url: proxy.url, retries: 0 });
		try {
			proxy.state.onUpload = (n) => {
				if (n === 2) void proxy.cut();
			};
			const dstRepo = unique("interrupted-dst");
			const failed = await copyArtifact(
				{ client: local, repo, reference: "v2" },
				{ client: viaProxy, repo: dstRepo, tags: ["v2"] },
				options({ speedKb: 2048 }),
			).then(
				() => null,
				(e: unknown) => e,
			);
			expect((failed as Error).message).toBe(
				`cannot reach ${proxy.url}: UND_ERR_SOCKET`,
			);
			expect(await toOpen.headManifest(dstRepo, digest)).toBeNull();

			await proxy.restore();
			proxy.state.onUpload = () => {};
			const before = proxy.state.uploads;
			const retried = await copyArtifact(
				{ client: local, repo, reference: "v2" },
				{ client: viaProxy, repo: dstRepo, tags: ["v2"] },
				options(),
			);
			expect(retried).toMatchObject({
				digest,
				skipped: false,
				blobsSkipped: 2,
				blobsSent: 1,
				bytesSent: big.length,
			});
			expect(proxy.state.uploads - before).toBe(1);
			expect((await toOpen.headManifest(dstRepo, "v2"))?.digest).toBe(digest);
		} finally {
			await viaProxy.close();
			await proxy.close();
		}
	}, 60_000);

	it("names the source when the source goes away mid-blob", async () => {
		const repo = unique("source-gone");
		await pushImage(toOpen, repo, "v1", { layerBytes: 2 * 1024 * 1024 });
		const proxy = await startCuttableProxy(open.url);
		const viaProxy = createV2Client({ url: proxy.url, retries: 0 });
		try {
			setTimeout(() => void proxy.cut(), 500);
			const failed = await copyArtifact(
				{ client: viaProxy, repo, reference: "v1" },
				{ client: toAuth, repo, tags: ["v1"] },
				options({ speedKb: 1024 }),
			).then(
				() => null,
				(e: unknown) => e,
			);
			expect((failed as Error).message).toMatch(
				new RegExp(
					`^reading blob sha256:[0-9a-f]{64} from ${proxy.url} failed`,
				),
			);
			expect(await toAuth.headManifest(repo, "v1")).toBeNull();
		} finally {
			await viaProxy.close();
			await proxy.close();
		}
	}, 60_000);

	it("mounts a blob it already sent to another repository of the same destination", async () => {
		const repo = unique("mount");
		const image = await pushImage(local, repo, "v1", { layerBytes: 32 * 1024 });
		await copyArtifact(
			{ client: local, repo, reference: "v1" },
			{ client: toAuth, repo: unique("m1"), tags: ["v1"] },
			options(),
		);
		const second = unique("m2");
		const r = await copyArtifact(
			{ client: local, repo, reference: "v1" },
			{ client: toAuth, repo: second, tags: ["v1"] },
			options(),
		);
		expect(r).toMatchObject({ blobsMounted: 2, blobsSent: 0, bytesSent: 0 });
		await expectSame(toAuth, second, image);
	}, 60_000);

	it("leaves a destination tag that points elsewhere alone when override is off, and moves it when on", async () => {
		const repo = unique("override");
		const image = await pushImage(local, repo, "v1");
		const dstRepo = unique("override-dst");
		const other = await pushImage(toAuth, dstRepo, "v1");

		const kept = await copyArtifact(
			{ client: local, repo, reference: "v1" },
			{ client: toAuth, repo: dstRepo, tags: ["v1"] },
			options({ override: false }),
		);
		expect(kept).toMatchObject({
			digest: image.digest,
			skipped: "not-overridden",
			blobsSent: 0,
		});
		expect((await toAuth.headManifest(dstRepo, "v1"))?.digest).toBe(
			other.digest,
		);
		expect(await toAuth.headManifest(dstRepo, image.digest)).toBeNull();

		const moved = await copyArtifact(
			{ client: local, repo, reference: "v1" },
			{ client: toAuth, repo: dstRepo, tags: ["v1"] },
			options({ override: true }),
		);
		expect(moved.skipped).toBe(false);
		expect((await toAuth.headManifest(dstRepo, "v1"))?.digest).toBe(
			image.digest,
		);
	}, 60_000);

	it("deletes an artifact at the destination by tag, and answers false when it is not there", async () => {
		const repo = unique("delete");
		const image = await pushImage(toAuth, repo, "v1");
		const opts = options();
		expect(
			await deleteArtifact({ client: toAuth, repo, reference: "v1" }, opts),
		).toBe(true);
		expect(await toAuth.headManifest(repo, image.digest)).toBeNull();
		expect(
			await deleteArtifact({ client: toAuth, repo, reference: "v1" }, opts),
		).toBe(false);
		const onWharf = await pushImage(local, repo, "v1");
		expect(
			await deleteArtifact(
				{ client: local, repo, reference: onWharf.digest },
				opts,
			),
		).toBe(true);
		expect(await local.headManifest(repo, onWharf.digest)).toBeNull();
	}, 60_000);

	it("paces blob bytes to speedKb", async () => {
		const repo = unique("paced");
		await pushImage(local, repo, "v1", { layerBytes: 64 * 1024 });
		const started = Date.now();
		const r = await copyArtifact(
			{ client: local, repo, reference: "v1" },
			{ client: toOpen, repo, tags: ["v1"] },
			options({ speedKb: 64 }),
		);
		// 64 KiB and a config at 64 KiB/s: at least a second (a guard that the limit holds, not a benchmark).
		expect(r.bytesSent).toBeGreaterThan(64 * 1024);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	}, 60_000);

	it("stops promptly when aborted mid-blob and leaves no manifest at the destination", async () => {
		const repo = unique("abort");
		const image = await pushImage(local, repo, "v1", {
			layerBytes: 4 * 1024 * 1024,
		});
		const controller = new AbortController();
		const progress: number[] = [];
		setTimeout(() => controller.abort(new Error("stopped by the test")), 700);
		const started = Date.now();
		const failed = await copyArtifact(
			{ client: local, repo, reference: "v1" },
			{ client: toOpen, repo, tags: ["v1"] },
			options({
				speedKb: 1024,
				signal: controller.signal,
				progress: (done) => progress.push(done),
			}),
		).then(
			() => null,
			(e: unknown) => e,
		);
		expect((failed as Error).message).toBe("stopped by the test");
		expect(Date.now() - started).toBeLessThan(3000);
		expect(progress.some((n) => n > 0)).toBe(true);
		expect(await toOpen.headManifest(repo, "v1")).toBeNull();
		expect(await toOpen.headManifest(repo, image.digest)).toBeNull();
		expect(await toOpen.headBlob(repo, image.blobs[1])).toBeNull();
	}, 60_000);

	/** What copyArtifact says of a source that serves only this one manifest (as `big/one:v1`). */
	async function copyFromOneManifest(
		body: Buffer,
		mediaType: string,
	): Promise<unknown> {
		const server = http.createServer((req, res) => {
			if (req.url === "/v2/") {
				res.end("{}");
				return;
			}
			res.writeHead(200, {
				"content-type": mediaType,
				"docker-content-digest": sha256(body),
			});
			res.end(req.method === "HEAD" ? undefined : body);
		});
		await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
		const c = createV2Client({
			url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		});
		try {
			return await copyArtifact(
				{ client: c, repo: "big/one", reference: "v1" },
				{ client: toOpen, repo: "big/one", tags: ["v1"] },
				options(),
			).then(
				() => null,
				(err: unknown) => err,
			);
		} finally {
			await c.close();
			await new Promise((r) => server.close(r));
		}
	}

	it("refuses a source manifest larger than 4 MiB with a clear error", async () => {
		const e = await copyFromOneManifest(
			Buffer.alloc(4 * 1024 * 1024 + 1, 0x20),
			"application/vnd.oci.image.manifest.v1+json",
		);
		expect((e as Error).message).toMatch(
			/manifest big\/one:v1 at .* is larger than 4194304 bytes/,
		);
	});

	it("refuses a Docker schema 1 manifest, saying to push it again as schema 2 or OCI", async () => {
		const schema1 = Buffer.from(
			JSON.stringify({
				schemaVersion: 1,
				name: "big/one",
				tag: "v1",
				architecture: "amd64",
				fsLayers: [],
				history: [],
			}),
		);
		const e = await copyFromOneManifest(
			schema1,
			"application/vnd.docker.distribution.manifest.v1+prettyjws",
		);
		expect((e as Error).message).toBe(
			"big/one:v1 is a Docker schema 1 manifest, which is deprecated and not replicated; push it again as Docker schema 2 or OCI",
		);
		expect(await toOpen.headManifest("big/one", "v1")).toBeNull();
	});

	it("copies an image with a foreign layer without its bytes, which live at the layer's URLs", async () => {
		const repo = unique("foreign");
		const image = await pushImage(local, repo, "base");
		const parsed = JSON.parse(image.body.toString()) as { layers: object[] };
		const foreign = {
			mediaType: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
			digest: sha256(randomBytes(16)),
			size: 123,
			urls: ["https://mcr.microsoft.com/v2/windows/blobs/x"],
		};
		const body = Buffer.from(
			JSON.stringify({ ...parsed, layers: [foreign, ...parsed.layers] }),
		);
		const digest = await local.putManifest(
			repo,
			"windows",
			body,
			image.mediaType,
		);

		const r = await copyArtifact(
			{ client: local, repo, reference: "windows" },
			{ client: toB, repo, tags: ["windows"] },
			options(),
		);
		expect(r).toMatchObject({ digest, skipped: false, blobsSent: 2 });
		expect((await toB.getManifest(repo, "windows")).body.equals(body)).toBe(
			true,
		);
		expect(await toB.headBlob(repo, foreign.digest)).toBeNull();
	}, 60_000);
});
