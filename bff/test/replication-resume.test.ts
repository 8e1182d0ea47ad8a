import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaTypes } from "../core/media-types.ts";
import { createV2Client, type V2Client } from "../replication/v2-client.ts";
import { api } from "./api-fixtures.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import { startTestServer, stopTestServer, type TestServer } from "./harness.ts";
import {
	addEndpoint,
	addPolicy,
	adminClient,
	ended,
	eventually,
	execution,
	startExecution,
	tasksOf,
} from "./replication-fixtures.ts";

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;

/**
 * The test's own pass-through proxy in front of docker-registry: counts the blob bytes uploaded through it and the
 * blobs whose upload completed (by digest), and can be stopped (connections dropped, nothing listening) and started
 * again on the same port, as a remote that goes away and comes back. While `oneAtATime` is set, large uploads pass
 * one at a time (the others wait for it), so what has arrived when the remote stops is exact.
 */
async function startCountingProxy(target: string) {
	const to = new URL(target);
	const counts = {
		uploadBytes: 0,
		completed: [] as string[],
		onCompleted: (_digest: string) => {},
	};
	let oneAtATime = true;
	let leader: Promise<void> | undefined;
	const server = http.createServer((req, res) => {
		const upload =
			/\/blobs\/uploads\//.test(req.url ?? "") &&
			(req.method === "PUT" || req.method === "PATCH");
		const large = Number(req.headers["content-length"] ?? 0) >= MiB;
		let lead: () => void = () => {};
		// The first large upload leads; the others wait for it to finish.
		let wait = Promise.resolve();
		if (upload && large && oneAtATime) {
			if (leader) wait = leader;
			else
				leader = new Promise<void>((r) => {
					lead = r;
				});
		}
		if (upload)
			req.on("data", (chunk: Buffer) => {
				counts.uploadBytes += chunk.length;
			});
		req.pause();
		void wait.then(() => {
			const out = http.request(
				{
					host: to.hostname,
					port: to.port,
					method: req.method,
					path: req.url,
					headers: req.headers,
				},
				(answer) => {
					const digest = new URL(req.url ?? "/", "http://x").searchParams.get(
						"digest",
					);
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
					if (
						upload &&
						req.method === "PUT" &&
						answer.statusCode === 201 &&
						digest
					) {
						counts.completed.push(digest);
						if (large) {
							counts.onCompleted(digest);
							lead();
						}
					}
				},
			);
			out.on("error", () => res.destroy());
			req.pipe(out);
			req.resume();
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		counts,
		stop: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
		start: () => {
			oneAtATime = false;
			return new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
		},
	};
}

/** An image of three random layers of `layerBytes` each, pushed to `c`; answers its digest and the layers' digests. */
async function pushBigImage(
	c: V2Client,
	repo: string,
	tag: string,
	layerBytes: number,
) {
	const layers: string[] = [];
	const descriptors = [];
	for (let i = 0; i < 3; i++) {
		const layer = randomBytes(layerBytes);
		const digest = sha256(layer);
		await c.putBlob(repo, digest, Readable.from([layer]), layer.length);
		layers.push(digest);
		descriptors.push({
			mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
			digest,
			size: layer.length,
		});
	}
	const config = Buffer.from(
		JSON.stringify({
			architecture: "amd64",
			os: "linux",
			rootfs: { type: "layers" },
		}),
	);
	await c.putBlob(repo, sha256(config), Readable.from([config]), config.length);
	const manifest = Buffer.from(
		JSON.stringify({
			schemaVersion: 2,
			mediaType: mediaTypes.ociManifest,
			config: {
				mediaType: "application/vnd.oci.image.config.v1+json",
				digest: sha256(config),
				size: config.length,
			},
			layers: descriptors,
		}),
	);
	await c.putManifest(repo, tag, manifest, mediaTypes.ociManifest);
	return { digest: sha256(manifest), layers };
}

describe("a replication that fails halfway resumes", () => {
	let a: TestServer;
	let dist: DistributionServer;
	let local: V2Client;
	let plain: V2Client;

	beforeAll(async () => {
		[a, dist] = await Promise.all([
			startTestServer("sqlite", { WHARF_REPLICATION_RETRY_SECONDS: "0.2" }),
			startDistributionServer(),
		]);
		local = adminClient(a);
		plain = createV2Client({ url: dist.url });
	}, 60_000);
	afterAll(async () => {
		await Promise.all([local?.close(), plain?.close()]);
		await Promise.all([stopTestServer(a), dist?.stop()]);
	});

	it('the remote stopped halfway through 3 × 64 MiB: the task fails; back again, "retry" sends only the blobs not there', async () => {
		const image = await pushBigImage(local, "library/big", "v1", 64 * MiB);
		const proxy = await startCountingProxy(dist.url);
		try {
			const endpoint = await addEndpoint(a, {
				name: "dist-via-proxy",
				type: "docker-registry",
				url: proxy.url,
			});
			const policy = await addPolicy(a, {
				name: "big",
				dest_registry: { id: endpoint },
				filters: [{ type: "name", value: "library/big" }],
			});
			// Once the first layer has arrived, the remote goes away mid-copy and stays away through every try.
			let stopping = false;
			proxy.counts.onCompleted = () => {
				if (stopping) return;
				stopping = true;
				void proxy.stop().catch(() => undefined);
			};
			const id = await startExecution(a, policy);
			const failed = await ended(a, id);
			expect(failed).toMatchObject({ status: "Failed", total: 1, failed: 1 });
			const [task] = await tasksOf(a, id);
			expect(task.status).toBe("Failed");
			const log = await (
				await api(a)(`/replication/executions/${id}/tasks/${task.id}/log`)
			).text();
			expect(log).toMatch(/attempt 3 failed/);

			const there = [];
			for (const l of image.layers)
				if (await plain.headBlob("library/big", l)) there.push(l);
			expect(there, `${log}\n${JSON.stringify(proxy.counts)}`).toHaveLength(1); // one layer arrived before the remote went away
			expect(proxy.counts.uploadBytes).toBeGreaterThan(64 * MiB); // and the next was on its way

			await proxy.start();
			proxy.counts.onCompleted = () => {};
			const bytesBefore = proxy.counts.uploadBytes;
			const completedBefore = proxy.counts.completed.length;
			const retry = await api(a)(`/replication/executions/${id}/retry`, {
				method: "POST",
			});
			expect(retry.status).toBe(200);
			expect(await retry.json()).toEqual({ retried: 1 });
			expect(await ended(a, id)).toMatchObject({
				status: "Succeed",
				total: 1,
				succeed: 1,
				failed: 0,
			});
			// Only the missing layers went again: none of those already there, and less than the whole image.
			const resent = proxy.counts.completed.slice(completedBefore);
			for (const l of there) expect(resent).not.toContain(l);
			expect(proxy.counts.uploadBytes - bytesBefore).toBeLessThanOrEqual(
				(3 - there.length) * 64 * MiB + MiB,
			);
			expect((await plain.headManifest("library/big", "v1"))?.digest).toBe(
				image.digest,
			);
		} finally {
			await proxy.stop().catch(() => undefined);
		}
	});

	it("refuses a retry (412) while the execution is in progress, and stops it: running and pending tasks end Stopped", async () => {
		for (let i = 0; i < 3; i++)
			await pushBigImage(local, `library/slow${i}`, "v1", 4 * MiB);
		const endpoint = await addEndpoint(a, {
			name: "dist-slow",
			type: "docker-registry",
			url: dist.url,
		});
		// 1 MB/s per task: each takes seconds, so the execution is caught running.
		const policy = await addPolicy(a, {
			name: "slow",
			dest_registry: { id: endpoint },
			speed: 1024,
			filters: [{ type: "name", value: "library/slow*" }],
		});
		const id = await startExecution(a, policy);
		await eventually(
			async () =>
				((await execution(a, id)).in_progress as number) > 0 &&
				(await tasksOf(a, id)).some((t) => t.status === "InProgress"),
		);
		const early = await api(a)(`/replication/executions/${id}/retry`, {
			method: "POST",
		});
		expect(early.status).toBe(412);
		expect(
			(await api(a)(`/replication/policies/${policy}`, { method: "DELETE" }))
				.status,
		).toBe(412);
		expect(
			(await api(a)(`/replication/executions/${id}`, { method: "PUT" })).status,
		).toBe(200);
		const e = await ended(a, id, 30_000);
		expect(e).toMatchObject({ status: "Stopped", total: 3, succeed: 0 });
		expect((await tasksOf(a, id)).map((t) => t.status)).toEqual([
			"Stopped",
			"Stopped",
			"Stopped",
		]);
		// Ended: the policy may go now.
		expect(
			(await api(a)(`/replication/policies/${policy}`, { method: "DELETE" }))
				.status,
		).toBe(200);
	});

	it("a restart of Wharf mid-execution resumes it", async () => {
		const image = await pushBigImage(local, "library/restart", "v1", 4 * MiB);
		const endpoint = await addEndpoint(a, {
			name: "dist-restart",
			type: "docker-registry",
			url: dist.url,
		});
		const policy = await addPolicy(a, {
			name: "restart",
			dest_registry: { id: endpoint },
			speed: 2048,
			filters: [{ type: "name", value: "library/restart" }],
		});
		const id = await startExecution(a, policy);
		await eventually(async () =>
			(await tasksOf(a, id)).some((t) => t.status === "InProgress"),
		);
		await a.close();
		a = await startTestServer("sqlite", a.env, { dataDir: a.dataDir });
		await local.close();
		local = adminClient(a);
		expect(await ended(a, id)).toMatchObject({
			status: "Succeed",
			total: 1,
			succeed: 1,
		});
		expect((await plain.headManifest("library/restart", "v1"))?.digest).toBe(
			image.digest,
		);
	});
});
