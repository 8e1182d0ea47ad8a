/**
 * `npm run bench:gc`: GC's time grows with the garbage, not with the registry. Two registries on the same engine, one
 * of N artifacts and one of 10 × N, each with the same garbage (N / 100 artifacts deleted, their blobs left behind);
 * one GC is timed on each and the two times printed side by side with their ratio (near 1 is the claim).
 *
 * The registries are made by bulk SQL (a manifest, a config and two layers per artifact, 100 repositories) and a first
 * GC that leaves nothing to do; only the garbage's blobs have files (GC never looks at the others'). The database is
 * the embedded SQLite, or Postgres with BENCH_DATABASE_URL (each registry in its own schema). A script: asserts nothing.
 *
 * Knobs: BENCH_ARTIFACTS (N, default 10000), BENCH_GARBAGE_PERCENT (of N, default 1), BENCH_WORKERS (GC workers, 1),
 * BENCH_SCALES (registries as multiples of N, default "1,10"; "1" times one registry), BENCH_DATABASE_URL, BENCH_TMPDIR.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createManifestService } from "../core/manifests.ts";
import { createFilesystemDriver } from "../core/storage/filesystem.ts";
import { createRegistryStore } from "../core/store.ts";
import { chunks } from "../db/chunks.ts";
import { type Db, dropSchema, migrate, openDatabase } from "../db/database.ts";
import { collectGarbage } from "../gc/collector.ts";
import { createGcStore } from "../gc/store.ts";

const n = Number(process.env.BENCH_ARTIFACTS ?? 10_000);
const workers = Number(process.env.BENCH_WORKERS ?? 1);
const garbagePercent = Number(process.env.BENCH_GARBAGE_PERCENT ?? 1);
const scales = (process.env.BENCH_SCALES ?? "1,10").split(",").map(Number);
const databaseUrl = process.env.BENCH_DATABASE_URL;
const root = await mkdtemp(
	path.join(process.env.BENCH_TMPDIR ?? os.tmpdir(), "wharf-gc-bench-"),
);
const digest = () => `sha256:${randomBytes(32).toString("hex")}`;
const earlier = new Date(Date.now() - 3600_000).toISOString();

async function registry(artifacts: number, name: string) {
	const schema = databaseUrl
		? `gc_bench_${name}_${randomBytes(3).toString("hex")}`
		: undefined;
	const db = await openDatabase({
		dataDir: path.join(root, name),
		databaseUrl,
		schema,
	});
	await migrate(db, schema);
	const t = earlier;
	const project = await db
		.insertInto("projects")
		.values({
			name: "bench",
			owner_id: 1,
			public: 0,
			creation_time: t,
			update_time: t,
		})
		.returning("id")
		.executeTakeFirstOrThrow();
	const repos: number[] = [];
	for (let r = 0; r < 100; r++) {
		repos.push(
			(
				await db
					.insertInto("repositories")
					.values({
						project_id: project.id,
						name: `bench/r${r}`,
						description: "",
						pull_count: 0,
						creation_time: t,
						update_time: t,
					})
					.returning("id")
					.executeTakeFirstOrThrow()
			).id,
		);
	}
	const made: { id: number; repo: number; blobs: string[] }[] = [];
	for (const slice of chunks(
		Array.from({ length: artifacts }, (_, i) => i),
		100,
	)) {
		await db.transaction().execute(async (tx) => {
			const rows = slice.map((i) => ({
				repo: repos[i % repos.length],
				blobs: [digest(), digest(), digest(), digest()],
			}));
			const blobs = rows.flatMap((r) => r.blobs);
			await tx
				.insertInto("blobs")
				.values(
					blobs.map((d) => ({
						digest: d,
						size: 1000,
						media_type: "application/octet-stream",
						creation_time: t,
					})),
				)
				.execute();
			await tx
				.insertInto("repository_blobs")
				.values(
					rows.flatMap((r) =>
						r.blobs.map((d) => ({
							repository_id: r.repo,
							digest: d,
							linked_at: t,
						})),
					),
				)
				.execute();
			const ids = await tx
				.insertInto("artifacts")
				.values(
					rows.map((r) => ({
						project_id: project.id,
						repository_id: r.repo,
						digest: r.blobs[0],
						type: "IMAGE",
						media_type: "application/vnd.oci.image.config.v1+json",
						manifest_media_type: "application/vnd.oci.image.manifest.v1+json",
						artifact_type: null,
						size: 1000,
						subject_digest: null,
						annotations: null,
						push_time: t,
						pull_time: null,
					})),
				)
				.returning("id")
				.execute();
			await tx
				.insertInto("artifact_blobs")
				.values(
					rows.flatMap((r, i) =>
						r.blobs
							.slice(1)
							.map((d) => ({ artifact_id: ids[i].id, digest: d })),
					),
				)
				.execute();
			rows.forEach((r, i) => {
				made.push({ id: ids[i].id, ...r });
			});
		});
	}
	const storage = createFilesystemDriver(path.join(root, name, "storage"));
	const gc = (store = createGcStore(db)) =>
		collectGarbage(
			{
				store,
				storage,
				manifests: createManifestService({
					store: createRegistryStore(db),
					storage,
				}),
				windowHours: 0,
				purgeUploads: async () => 0,
				log: async () => {},
				progress: async () => {},
				signal: new AbortController().signal,
			},
			{ delete_untagged: false, dry_run: false, workers },
		);
	await gc(); // the registry as it stands: every candidate looked at once, nothing to free
	return { db, schema, storage, made, gc };
}

/** Deletes `count` artifacts (spread over the registry) and gives their blobs files, then times one GC. */
async function collect(r: Awaited<ReturnType<typeof registry>>, count: number) {
	const step = Math.floor(r.made.length / count);
	const victims = Array.from({ length: count }, (_, i) => r.made[i * step]);
	for (const v of victims)
		for (const d of v.blobs) await r.storage.put(d, Buffer.alloc(1000));
	for (const slice of chunks(victims.map((v) => v.id)))
		await r.db.deleteFrom("artifacts").where("id", "in", slice).execute();
	const start = performance.now();
	const result = await r.gc();
	return { ms: performance.now() - start, ...result };
}

async function close(db: Db, schema?: string) {
	if (schema) await dropSchema(db, schema);
	await db.destroy();
}

try {
	const garbage = Math.max(1, Math.floor((n * garbagePercent) / 100));
	const rows = [];
	for (const size of scales.map((k) => k * n)) {
		const madeAt = performance.now();
		const r = await registry(size, `n${size}`);
		const built = ((performance.now() - madeAt) / 1000).toFixed(1);
		const c = await collect(r, garbage);
		rows.push({ size, ...c });
		console.log(
			`registry of ${size} artifacts (${size * 4} blobs, built in ${built} s): GC freed ${c.blobs} blobs (${c.bytes} bytes) in ${c.ms.toFixed(0)} ms`,
		);
		await close(r.db, r.schema);
	}
	console.log(
		`\n${databaseUrl ? "postgres" : "sqlite"}, ${garbage} garbage artifacts (${garbage * 4} blobs), ${workers} worker(s)`,
	);
	for (const r of rows)
		console.log(
			`  ${String(r.size).padStart(8)} artifacts: ${r.ms.toFixed(0).padStart(6)} ms`,
		);
	if (rows.length > 1)
		console.log(
			`  ratio (largest registry / smallest): ${(rows[rows.length - 1].ms / rows[0].ms).toFixed(2)}`,
		);
} finally {
	await rm(root, { recursive: true, force: true });
}
