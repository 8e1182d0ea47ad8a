import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManifestService } from "../core/manifests.ts";
import { createFilesystemDriver } from "../core/storage/filesystem.ts";
import { createRegistryStore } from "../core/store.ts";
import { collectGarbage } from "../gc/collector.ts";
import { createGcStore } from "../gc/store.ts";
import {
	client,
	descriptor,
	imageManifest,
	mt,
	sha256,
	sleep,
} from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const pushers = 4;
const pushingMs = 6000;

/**
 * THE race: several clients push images (a fresh layer each, plus layers shared across repositories, reused by HEAD
 * and by cross-repository mount) and delete some, while GC runs back to back with a time window of 0. Whatever a push
 * was told succeeded must then pull whole, every blob matching its digest. A push GC raced may be refused
 * (MANIFEST_BLOB_UNKNOWN): the client then pushes again, as docker does on a retry.
 */
describe.each(engines)("GC racing pushes on %s", (engine) => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer(engine, { GC_TIME_WINDOW_HOURS: "0" });
	});
	afterAll(() => stopTestServer(s));

	it("loses nothing a push was told it kept", async () => {
		const c = client(s);
		const shared = Array.from({ length: 3 }, () => randomBytes(3000));
		const content = new Map<string, Buffer>(shared.map((b) => [sha256(b), b]));
		const pushed = new Map<string, string>(); // "repo:tag" → manifest digest
		let stop = false;
		let refused = 0;
		let mounts = 0;
		let heads = 0;

		const upload = async (repo: string, data: Buffer, from?: string) => {
			const digest = sha256(data);
			if (
				(await c.call(`/v2/${repo}/blobs/${digest}`, { method: "HEAD" }))
					.status === 200
			) {
				heads++;
				return;
			}
			if (from) {
				const m = await c.call(
					`/v2/${repo}/blobs/uploads/?mount=${digest}&from=${from}`,
					{ method: "POST" },
				);
				if (m.status === 201) {
					mounts++;
					return;
				}
				if (m.status === 202)
					await c.call(m.headers.get("location")!, { method: "DELETE" });
			}
			const r = await c.call(`/v2/${repo}/blobs/uploads/?digest=${digest}`, {
				method: "POST",
				body: data,
				headers: { "Content-Type": "application/octet-stream" },
			});
			expect(r.status, await r.clone().text()).toBe(201);
		};

		async function pushOnce(repo: string, tag: string, from: string) {
			const config = Buffer.from(
				JSON.stringify({ nonce: randomBytes(8).toString("hex") }),
			);
			const layers = [
				randomBytes(2000),
				shared[Math.floor(Math.random() * shared.length)],
			];
			for (const b of [config, ...layers]) content.set(sha256(b), b);
			const body = imageManifest({
				config: descriptor(mt.ociConfig, config),
				layers: layers.map((l) => descriptor(mt.ociLayer, l)),
			});
			// Pushed again until it lands (on a loaded machine a push may lose to several runs in a row), or the test ends.
			while (!stop) {
				await upload(repo, config);
				for (const l of layers) await upload(repo, l, from);
				const r = await c.putManifest(repo, tag, body);
				if (r.status === 201) {
					pushed.set(`${repo}:${tag}`, sha256(body));
					return;
				}
				const text = await r.text();
				expect([r.status, text]).toEqual([
					400,
					expect.stringContaining("MANIFEST_BLOB_UNKNOWN"),
				]);
				refused++;
			}
		}

		async function pusher(n: number) {
			const repo = `library/race-${n}`;
			const from = `library/race-${(n + 1) % pushers}`;
			for (let i = 0; !stop; i++) {
				await pushOnce(repo, `t${i}`, from);
				// Some images are deleted again: their layers, shared ones included, become garbage in this repository.
				if (i % 3 === 2 && pushed.has(`${repo}:t${i - 1}`)) {
					const victim = `${repo}:t${i - 1}`;
					const r = await c.call(
						`/v2/${repo}/manifests/${pushed.get(victim)}`,
						{ method: "DELETE" },
					);
					expect(r.status).toBe(202);
					pushed.delete(victim);
				}
			}
		}

		const storage = createFilesystemDriver(path.join(s.dataDir, "storage"));
		const manifests = createManifestService({
			store: createRegistryStore(s.db),
			storage,
		});
		const gcStore = createGcStore(s.db);
		let runs = 0;
		let freed = 0;
		async function collector() {
			while (!stop) {
				const r = await collectGarbage(
					{
						store: gcStore,
						storage,
						manifests,
						windowHours: 0,
						purgeUploads: async () => 0,
						log: async () => {},
						progress: async () => {},
						signal: new AbortController().signal,
					},
					{ delete_untagged: false, dry_run: false, workers: 3 },
				);
				runs++;
				freed += r.blobs;
				// With a window of 0, back-to-back runs would take every upload before its manifest came: runs are spaced
				// at random, so some pushes fit between two and the others overlap one.
				await sleep(Math.random() * 300);
			}
		}

		const work = [
			...Array.from({ length: pushers }, (_, n) => pusher(n)),
			collector(),
		];
		// At least `pushingMs`, and on until enough pushes and runs met (a loaded machine pushes slower), within a limit.
		const started = Date.now();
		while (
			Date.now() - started < pushingMs ||
			((pushed.size < 12 || runs < 10) && Date.now() - started < 40_000)
		)
			await sleep(100);
		stop = true;
		await Promise.all(work);

		// Every tag a push was told it kept pulls whole.
		for (const [ref, digest] of pushed) {
			const [repo, tag] = ref.split(":");
			const m = await c.call(`/v2/${repo}/manifests/${tag}`, {
				headers: { Accept: mt.ociManifest },
			});
			expect(m.status, ref).toBe(200);
			const body = Buffer.from(await m.arrayBuffer());
			expect(sha256(body), ref).toBe(digest);
			const parsed = JSON.parse(body.toString()) as {
				config: { digest: string };
				layers: { digest: string }[];
			};
			for (const d of [
				parsed.config.digest,
				...parsed.layers.map((l) => l.digest),
			]) {
				const b = await c.call(`/v2/${repo}/blobs/${d}`);
				expect(b.status, `${ref} ${d}`).toBe(200);
				expect(sha256(Buffer.from(await b.arrayBuffer())), `${ref} ${d}`).toBe(
					d,
				);
			}
		}
		// The race was real: GC ran many times, freed the deleted images' blobs, and pushes met it.
		expect(runs).toBeGreaterThan(10);
		expect(freed).toBeGreaterThan(0);
		expect(pushed.size).toBeGreaterThan(10);
		console.log(
			`${engine}: ${pushed.size} tags kept, ${runs} GC runs freed ${freed} blobs; ${refused} manifests refused and pushed again, ${heads} blobs reused by HEAD, ${mounts} mounted`,
		);
	}, 90_000);
});
