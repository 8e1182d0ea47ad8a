/**
 * `npm run bench:replicas`: what scaling out costs (issue 14's figures), on Postgres (a database this run creates and
 * drops), S3 (s3rver, started here) and Redis (keys under a prefix of this run's, removed at the end). This machine's
 * cores are few, so replicas cannot add throughput here: the figures show that coordinating them costs little.
 *
 *   1. push and pull MB/s of an image of 20 × 8 MiB layers with skopeo, to Wharf on S3, to Wharf on its filesystem
 *      driver (both on Postgres), and to Debian's docker-registry on the filesystem as the reference line; median of
 *      BENCH_REPS, a fresh image and repository per repetition, the registries' order rotating;
 *   2. manifest GET requests/s at concurrency 32 for ~10 s through the tests' round-robin proxy (a process of its own):
 *      one replica is started and measured directly (diagnostic), two more join it on the same database, bucket and
 *      Redis, then 2-second rounds alternate between a proxy to the first replica alone and a proxy to all three; the ratio
 *      three/one is the figure (target ≥ 0.8×). Every request carries one bearer token from /service/token;
 *   3. pull-after-push on another replica: BENCH_TRIES (10,000) times, a manifest PUT on replica A, then at once a GET
 *      of it by tag and of the repository's tag list on replica B (A and B rotate over the three); counts every
 *      MANIFEST_UNKNOWN and every tag missing from the list (target 0) and gives p50/p95 of the gap from the PUT's
 *      201 to B's two answers. The tries spread over 100 repositories, BENCH_TRY_WORKERS at a time.
 *
 * Wharf runs as `npm start` runs it (the bundle, built first). A script, not a test: it asserts nothing.
 *
 * Knobs (environment): BENCH_STORAGE (s3 | fs: the replicas' storage; fs gives them one shared data folder),
 *   BENCH_PHASES (transfer,rps,visibility), BENCH_REPS (3), BENCH_LAYERS (20), BENCH_LAYER_MIB (8),
 *   BENCH_RPS_SECONDS (10), BENCH_RPS_WARMUP_REQUESTS (1000 per replica), BENCH_CONCURRENCY (32), BENCH_LOADGEN (wrk | node),
 *   BENCH_TRIES (10000), BENCH_TRY_WORKERS (4), BENCH_POSTGRES_URL (where the database is made; default
 *   postgres://postgres@127.0.0.1:5432/test), BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_WHARF_ROOT (another
 *   checkout to run Wharf from), BENCH_TMPDIR, BENCH_KEEP=1 (keep the temporary folder).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import pg from "pg";
import { makeOciLayout } from "../test/fixtures/oci-layout.ts";
import { startS3Server } from "../test/s3-server.ts";
import {
	adminPassword,
	basicHeader,
	benchClock,
	cleanupOnSignals,
	creds,
	intEnv,
	layoutBytes,
	MB,
	median,
	repoRoot,
	skopeoTransfers,
} from "./kit.ts";
import {
	activeChildren,
	combineLoads,
	describeLoad,
	type LoadResult,
	loadgenFromEnv,
	runLoad,
} from "./loadgen.ts";
import {
	cpuSecondsOf,
	type Server,
	startDistribution,
	startWharfProcess,
	stopChild,
} from "./servers.ts";

const ociManifest = "application/vnd.oci.image.manifest.v1+json";

const cfg = {
	storage: process.env.BENCH_STORAGE === "fs" ? "fs" : "s3",
	phases: new Set(
		(process.env.BENCH_PHASES ?? "transfer,rps,visibility")
			.split(",")
			.map((s) => s.trim()),
	),
	reps: intEnv("BENCH_REPS", 3, 1, 10),
	layers: intEnv("BENCH_LAYERS", 20, 1, 64),
	layerMiB: intEnv("BENCH_LAYER_MIB", 8, 1, 1024),
	rpsSeconds: intEnv("BENCH_RPS_SECONDS", 10, 1, 60),
	rpsWarmupRequests: intEnv("BENCH_RPS_WARMUP_REQUESTS", 1000, 0, 100_000),
	concurrency: intEnv("BENCH_CONCURRENCY", 32, 1, 1024),
	loadgen: loadgenFromEnv(),
	tries: intEnv("BENCH_TRIES", 10_000, 1, 1_000_000),
	tryWorkers: intEnv("BENCH_TRY_WORKERS", 4, 1, 64),
	postgresUrl:
		process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
	redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
	wharfRoot: path.resolve(process.env.BENCH_WHARF_ROOT ?? repoRoot),
	tmpdir: path.resolve(process.env.BENCH_TMPDIR || os.tmpdir()),
	keep: process.env.BENCH_KEEP === "1",
};
const { elapsedS, log } = benchClock();
const run = randomBytes(4).toString("hex");
const database = `wharf_bench_${run}`;
const redisPrefix = `wharf-bench-${run}`;

// ---------------------------------------------------------------- clean-up of everything this run starts or makes
let root = "";
let s3: Awaited<ReturnType<typeof startS3Server>> | undefined;
let databaseMade = false;
const servers: Server[] = [];
const balancers = new Set<ChildProcess>();
const tools = new Set<ChildProcess>();
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
	cleaning ??= (async () => {
		for (const c of [...tools, ...activeChildren]) c.kill("SIGKILL");
		await Promise.allSettled([
			...servers.map((s) => s.stop()),
			...[...balancers].map((b) => stopChild(b)),
		]);
		await s3?.stop().catch(() => {});
		if (databaseMade)
			await withPostgres((c) =>
				c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
			).catch((e) => log(`could not drop database ${database}: ${e}`));
		await dropRedisKeys().catch((e) => log(`could not clear Redis: ${e}`));
		if (root && !cfg.keep)
			await rm(root, { recursive: true, force: true, maxRetries: 3 });
		else if (root) log(`kept ${root}`);
	})();
	return cleaning;
}
cleanupOnSignals(cleanup, log);

async function withPostgres<T>(work: (c: pg.Client) => Promise<T>) {
	const c = new pg.Client({ connectionString: cfg.postgresUrl });
	await c.connect();
	try {
		return await work(c);
	} finally {
		await c.end();
	}
}

/** Every key this run's replicas made (job queues, sessions, the login throttle), found by prefix. */
async function dropRedisKeys() {
	const redis = new Redis(cfg.redisUrl, { maxRetriesPerRequest: 2 });
	try {
		for (const prefix of [redisPrefix, `${redisPrefix}-other`]) {
			let cursor = "0";
			do {
				const [next, keys] = await redis.scan(
					cursor,
					"MATCH",
					`${prefix}*`,
					"COUNT",
					1000,
				);
				if (keys.length) await redis.del(...keys);
				cursor = next;
			} while (cursor !== "0");
		}
	} finally {
		redis.disconnect();
	}
}

// ---------------------------------------------------------------- servers
const databaseUrl = () => {
	const u = new URL(cfg.postgresUrl);
	u.pathname = `/${database}`;
	return u.toString();
};
/** What every replica shares: database, Redis, master key, and (on the filesystem) one data folder. */
const shared = () => ({
	DATABASE_URL: databaseUrl(),
	REDIS_URL: cfg.redisUrl,
	WHARF_REDIS_PREFIX: redisPrefix,
	WHARF_MASTER_KEY: masterKey,
	...(cfg.storage === "s3"
		? s3!.env("replicas")
		: { WHARF_DATA_DIR: path.join(root, "shared-data") }),
});
const masterKey = randomBytes(32).toString("base64");

async function startReplica(i: number): Promise<Server> {
	const s = await startWharfProcess(
		path.join(root, `replica-${i}`),
		cfg.wharfRoot,
		{ adminPassword, env: shared() },
	);
	servers.push(s);
	log(`replica ${i} (pid ${s.pid}) on ${s.base}`);
	return s;
}

/** Wharf on the other storage driver (same Postgres, its own schema), for the transfer comparison only. */
async function startOtherStorage(): Promise<Server> {
	const s = await startWharfProcess(path.join(root, "other"), cfg.wharfRoot, {
		adminPassword,
		env: {
			DATABASE_URL: databaseUrl(),
			WHARF_DB_SCHEMA: "other_storage",
			REDIS_URL: cfg.redisUrl,
			WHARF_REDIS_PREFIX: `${redisPrefix}-other`,
			...(cfg.storage === "s3" ? {} : s3!.env("other")),
		},
	});
	servers.push(s);
	return s;
}

/** The round-robin proxy in a process of its own, in front of `targets`. */
async function startBalancer(targets: Server[]): Promise<string> {
	const child = spawn(
		process.execPath,
		[
			"--import",
			"tsx",
			path.join(repoRoot, "bff", "bench", "round-robin-main.ts"),
			...targets.map((t) => t.base),
		],
		{ cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] },
	);
	balancers.add(child);
	return new Promise((resolve, reject) => {
		let out = "";
		child.stdout!.on("data", (c: Buffer) => {
			out += c.toString();
			const line = out.split("\n")[0];
			if (out.includes("\n")) resolve(line.trim());
		});
		child.once("exit", (code) =>
			reject(new Error(`the round-robin proxy exited (${code})`)),
		);
	});
}

// ---------------------------------------------------------------- results
const lines: string[] = [];
const verdicts: string[] = [];
const fmt = (x: number) =>
	Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : "n/a";

// ---------------------------------------------------------------- 1. transfers
async function phaseTransfer(
	wharfS3: Server,
	wharfFs: Server,
	reference: Server,
) {
	const t = skopeoTransfers({ root, tools, creds });
	const targets = [
		{ key: "wharf, S3", server: wharfS3 },
		{ key: "wharf, filesystem", server: wharfFs },
		{ key: "docker-registry, filesystem", server: reference },
	];
	const speeds = new Map(
		targets.map((x) => [x.key, { push: [] as number[], pull: [] as number[] }]),
	);
	for (let rep = 0; rep < cfg.reps; rep++) {
		const layout = path.join(root, `layout-${rep}`);
		await makeOciLayout(layout, {
			layers: cfg.layers,
			layerBytes: cfg.layerMiB * 1024 * 1024,
		});
		const total = await layoutBytes(layout);
		for (let i = 0; i < targets.length; i++) {
			const { key, server } = targets[(i + rep) % targets.length];
			const repo = `transfer${rep + 1}`;
			await t.flushDisk();
			const tp = await t.push(server, layout, repo);
			const out = path.join(root, `pulled-${rep}-${i}`);
			await t.flushDisk();
			const tl = await t.pull(server, repo, out);
			const got = await layoutBytes(out);
			await rm(out, { recursive: true, force: true });
			if (got !== total)
				throw new Error(`${key}: pulled ${got} bytes of ${total}`);
			speeds.get(key)!.push.push(total / MB / tp);
			speeds.get(key)!.pull.push(total / MB / tl);
			log(
				`rep ${rep + 1}: ${key.padEnd(28)} push ${(total / MB / tp).toFixed(1)} MB/s, pull ${(total / MB / tl).toFixed(1)} MB/s (${(total / MB).toFixed(0)} MB)`,
			);
		}
		await rm(layout, { recursive: true, force: true });
	}
	const head = [
		`skopeo, ${cfg.layers} × ${cfg.layerMiB} MiB layers, median of ${cfg.reps}`,
		...targets.map((x) => x.key),
		"S3/fs",
		"S3/docker-registry",
	];
	const rows = (["push", "pull"] as const).map((dir) => {
		const m = targets.map((x) => median(speeds.get(x.key)![dir]));
		return [
			`${dir} MB/s`,
			...m.map(fmt),
			`${(m[0] / m[1]).toFixed(2)}×`,
			`${(m[0] / m[2]).toFixed(2)}×`,
		];
	});
	lines.push(...table(head, rows), "");
	for (const x of targets)
		lines.push(
			`  ${x.key}: push ${speeds
				.get(x.key)!
				.push.map(fmt)
				.join(", ")}; pull ${speeds.get(x.key)!.pull.map(fmt).join(", ")} MB/s`,
		);
	lines.push("");
}

function table(head: string[], rows: string[][]): string[] {
	const widths = head.map((h, i) =>
		Math.max(h.length, ...rows.map((r) => r[i].length)),
	);
	const line = (cells: string[]) =>
		cells
			.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
			.join("  ");
	return [
		line(head),
		widths.map((w) => "-".repeat(w)).join("  "),
		...rows.map(line),
	];
}

// ---------------------------------------------------------------- 2. manifest GETs through one and three replicas
async function bearerFor(s: Server, repo: string) {
	const r = await fetch(
		`${s.base}/service/token?service=harbor-registry&scope=repository:${repo}:pull`,
		{ headers: { Authorization: basicHeader } },
	);
	const token = ((await r.json()) as { token?: string }).token;
	if (!token) throw new Error(`no token from /service/token (${r.status})`);
	return `Bearer ${token}`;
}

async function expectManifest(url: string, auth: string) {
	const r = await fetch(url, {
		headers: { Accept: ociManifest, Authorization: auth },
	});
	const body = await r.text();
	if (r.status !== 200)
		throw new Error(`GET ${url} answered ${r.status}: ${body.slice(0, 300)}`);
}

/** CPU seconds the given Wharf processes have used, together. */
const wharfCpu = async (replicas: Server[]) =>
	(await Promise.all(replicas.map((s) => cpuSecondsOf(s.pid)))).reduce(
		(a, b) => a + b,
		0,
	);

async function phaseRps(first: Server, startOthers: () => Promise<Server[]>) {
	const t = skopeoTransfers({ root, tools, creds });
	const layout = path.join(root, "layout-small");
	await makeOciLayout(layout, { layers: 2, layerBytes: 64 * 1024 });
	await t.push(first, layout, "manifest-bench", 60);
	const pathname = "/v2/library/manifest-bench/manifests/1";
	const auth = await bearerFor(first, "library/manifest-bench");
	const load = (url: string, seconds: number, maxRequests = 5_000_000) =>
		runLoad(cfg.loadgen, url, {
			concurrency: cfg.concurrency,
			durationS: seconds,
			maxRequests,
			headers: { Accept: ociManifest, Authorization: auth },
		});
	// Each process's hot paths compiled before the clock runs: on a loaded machine a few seconds are too few requests,
	// and three replicas each see a third of them (measured: 50% more CPU per request through three after 2 s).
	const warm = (url: string, requests = cfg.rpsWarmupRequests) =>
		requests ? load(url, 60, requests) : undefined;

	await expectManifest(`${first.base}${pathname}`, auth);
	await warm(`${first.base}${pathname}`);
	const directCpu0 = await cpuSecondsOf(first.pid);
	const direct = await load(`${first.base}${pathname}`, cfg.rpsSeconds);
	const directCpu = (await cpuSecondsOf(first.pid)) - directCpu0;
	log(`one replica, direct (diagnostic): ${describeLoad(direct)}`);

	const all = [first, ...(await startOthers())];
	const viaOne = await startBalancer([first]);
	const viaThree = await startBalancer(all);
	// The one token works on every replica (one signing key); each answers through the proxy before the clock runs.
	for (const s of all) await expectManifest(`${s.base}${pathname}`, auth);
	for (let i = 0; i < 3; i++)
		await expectManifest(`${viaThree}${pathname}`, auth);
	const targets = [
		{ key: "one", what: "one replica via the proxy", url: viaOne },
		{ key: "three", what: "three replicas via the proxy", url: viaThree },
	];
	for (const s of all.slice(1)) await warm(`${s.base}${pathname}`);
	for (const x of targets)
		await warm(`${x.url}${pathname}`, cfg.rpsWarmupRequests / 2);
	// Rounds alternate the order, so a drift of the machine's speed does not land on one of them.
	// Short rounds, many of them: other work on the machine comes and goes within seconds.
	const perRound = Math.min(cfg.rpsSeconds, 2);
	const rounds = Math.max(1, Math.round(cfg.rpsSeconds / perRound));
	const runs = new Map<string, LoadResult[]>(targets.map((x) => [x.key, []]));
	// CPU the Wharf processes spend per request: what spreading the load over three costs them, apart from the machine.
	const cpu = new Map<string, number>();
	for (let round = 0; round < rounds; round++) {
		for (let i = 0; i < targets.length; i++) {
			const x = targets[(i + round) % targets.length];
			const cpu0 = await wharfCpu(all);
			const r = await load(`${x.url}${pathname}`, perRound);
			cpu.set(x.key, (cpu.get(x.key) ?? 0) + (await wharfCpu(all)) - cpu0);
			runs.get(x.key)!.push(r);
			log(`round ${round + 1}: ${x.what.padEnd(30)} ${describeLoad(r)}`);
		}
	}
	const one = combineLoads(runs.get("one")!);
	const three = combineLoads(runs.get("three")!);
	const ratio = three.rps / one.rps;
	const pass = ratio >= 0.8 && three.failures === 0 && one.failures === 0;
	const rows: [string, LoadResult, number][] = [
		["one replica, direct (diagnostic)", direct, directCpu],
		["one replica via the round-robin proxy", one, cpu.get("one")!],
		["three replicas via the round-robin proxy", three, cpu.get("three")!],
	];
	lines.push(
		...table(
			[
				`manifest GET, concurrency ${cfg.concurrency}, ${cfg.loadgen}, bearer`,
				"req/s",
				"p50 ms",
				"p99 ms",
				"failures",
				"Wharf CPU ms/req",
			],
			rows.map(([what, r, cpuS]) => [
				what,
				fmt(r.rps),
				r.p50ms?.toFixed(2) ?? "?",
				r.p99ms?.toFixed(2) ?? "?",
				String(r.failures),
				r.requests ? ((cpuS * 1000) / r.requests).toFixed(2) : "n/a",
			]),
		),
		"",
	);
	verdicts.push(
		`manifest GET req/s, three replicas / one (both via the proxy): ${fmt(three.rps)} / ${fmt(one.rps)} = ${ratio.toFixed(2)}×, target ≥ 0.8×: ${pass ? "PASS" : "FALL SHORT"}`,
	);
	return all;
}

// ---------------------------------------------------------------- 3. pull-after-push on another replica
const sha256 = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;

async function call(
	s: Server,
	pathname: string,
	init: {
		method?: string;
		body?: Buffer;
		headers?: Record<string, string>;
	} = {},
) {
	const r = await fetch(`${s.base}${pathname}`, {
		method: init.method ?? "GET",
		body: init.body as BodyInit | undefined,
		headers: { Authorization: basicHeader, ...init.headers },
	});
	return { status: r.status, headers: r.headers, body: await r.text() };
}

async function phaseVisibility(replicas: Server[]) {
	const repos = 100;
	// One config and one layer, pushed once and mounted into every repository the tries use.
	const config = Buffer.from(
		JSON.stringify({
			architecture: "amd64",
			os: "linux",
			rootfs: { type: "layers", diff_ids: [] },
		}),
	);
	const layer = randomBytes(1024);
	const blobs = [
		{ mediaType: "application/vnd.oci.image.config.v1+json", data: config },
		{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", data: layer },
	].map((b) => ({ ...b, digest: sha256(b.data), size: b.data.length }));
	for (const b of blobs) {
		const r = await call(
			replicas[0],
			`/v2/library/visible-base/blobs/uploads/?digest=${b.digest}`,
			{
				method: "POST",
				body: b.data,
				headers: { "Content-Type": "application/octet-stream" },
			},
		);
		if (r.status !== 201)
			throw new Error(`blob push answered ${r.status}: ${r.body}`);
	}
	for (let k = 0; k < repos; k++)
		for (const b of blobs) {
			const r = await call(
				replicas[k % replicas.length],
				`/v2/library/visible-${k}/blobs/uploads/?mount=${b.digest}&from=library/visible-base`,
				{ method: "POST" },
			);
			if (r.status !== 201)
				throw new Error(`mount answered ${r.status}: ${r.body}`);
		}
	log(
		`pull-after-push: ${cfg.tries} tries over ${repos} repositories, ${cfg.tryWorkers} at a time, across ${replicas.length} replicas`,
	);
	const gaps: number[] = [];
	let manifestUnknown = 0;
	let missingTag = 0;
	let otherFailures = 0;
	let pushFailures = 0;
	const examples: string[] = [];
	let next = 0;
	const started = performance.now();
	const worker = async () => {
		for (let i = next++; i < cfg.tries; i = next++) {
			const repo = `library/visible-${i % repos}`;
			const tag = `t${i}`;
			const a = replicas[i % replicas.length];
			const b = replicas[(i + 1) % replicas.length];
			const body = Buffer.from(
				JSON.stringify({
					schemaVersion: 2,
					mediaType: ociManifest,
					config: {
						mediaType: blobs[0].mediaType,
						digest: blobs[0].digest,
						size: blobs[0].size,
					},
					layers: [
						{
							mediaType: blobs[1].mediaType,
							digest: blobs[1].digest,
							size: blobs[1].size,
						},
					],
					annotations: { "bench.try": String(i) },
				}),
			);
			const put = await call(a, `/v2/${repo}/manifests/${tag}`, {
				method: "PUT",
				body,
				headers: { "Content-Type": ociManifest },
			});
			if (put.status !== 201) {
				pushFailures++;
				if (examples.length < 5)
					examples.push(
						`PUT ${repo}:${tag} on ${a.base}: ${put.status} ${put.body.slice(0, 200)}`,
					);
				continue;
			}
			const t0 = performance.now();
			const [got, list] = await Promise.all([
				call(b, `/v2/${repo}/manifests/${tag}`, {
					headers: { Accept: ociManifest },
				}),
				call(b, `/v2/${repo}/tags/list`),
			]);
			gaps.push(performance.now() - t0);
			if (got.status === 404 && got.body.includes("MANIFEST_UNKNOWN"))
				manifestUnknown++;
			else if (
				got.status !== 200 ||
				got.headers.get("docker-content-digest") !== sha256(body)
			)
				otherFailures++;
			if (
				list.status !== 200 ||
				!(JSON.parse(list.body) as { tags?: string[] }).tags?.includes(tag)
			)
				missingTag++;
			if ((got.status !== 200 || list.status !== 200) && examples.length < 5)
				examples.push(
					`${repo}:${tag} pushed on ${a.base}, asked on ${b.base}: manifest ${got.status}, tags ${list.status}`,
				);
			if ((i + 1) % 1000 === 0) log(`  ${i + 1} tries`);
		}
	};
	await Promise.all(Array.from({ length: cfg.tryWorkers }, worker));
	const seconds = (performance.now() - started) / 1000;
	gaps.sort((x, y) => x - y);
	const pct = (p: number) =>
		gaps[Math.min(gaps.length - 1, Math.floor((p / 100) * gaps.length))];
	const pass =
		manifestUnknown === 0 &&
		missingTag === 0 &&
		otherFailures === 0 &&
		pushFailures === 0 &&
		gaps.length === cfg.tries;
	lines.push(
		`pull-after-push on another replica: ${cfg.tries} tries in ${seconds.toFixed(0)} s (${cfg.tryWorkers} at a time): ` +
			`MANIFEST_UNKNOWN ${manifestUnknown}, tag missing from the list ${missingTag}, other failures ${otherFailures}, failed pushes ${pushFailures}; ` +
			`gap from the 201 to B's answers p50 ${pct(50).toFixed(2)} ms, p95 ${pct(95).toFixed(2)} ms, max ${gaps[gaps.length - 1].toFixed(2)} ms`,
		...examples.map((e) => `  e.g. ${e}`),
		"",
	);
	verdicts.push(
		`pull-after-push on another replica: ${manifestUnknown + missingTag + otherFailures} misses in ${gaps.length} tries, target 0: ${pass ? "PASS" : "FALL SHORT"}`,
	);
}

// ---------------------------------------------------------------- main
async function main() {
	root = await mkdtemp(path.join(cfg.tmpdir, "wharf-replicas-bench-"));
	const load = os
		.loadavg()
		.map((x) => x.toFixed(2))
		.join(", ");
	log(
		`temp folder ${root}; replicas on ${cfg.storage === "s3" ? "S3 (s3rver)" : "one shared data folder"}; database ${database}; load average ${load}`,
	);
	await withPostgres((c) => c.query(`CREATE DATABASE "${database}"`));
	databaseMade = true;
	s3 = await startS3Server("wharf-bench");
	const first = await startReplica(1);
	const startOthers = async () => [
		await startReplica(2),
		await startReplica(3),
	];
	let all: Server[] | undefined;

	lines.push(
		`Wharf replicas on Postgres (${database}), ${cfg.storage === "s3" ? "S3 (s3rver in the bench's process)" : "a shared data folder"} and Redis; ` +
			`${os.cpus().length} CPUs, node ${process.version}; load average at the start ${load}; MB = 10^6 bytes`,
		"",
	);
	if (cfg.phases.has("transfer")) {
		const started = await Promise.allSettled([
			startOtherStorage(),
			startDistribution(path.join(root, "distribution")),
		]);
		for (const s of started)
			if (s.status === "fulfilled" && !servers.includes(s.value))
				servers.push(s.value);
		for (const s of started) if (s.status === "rejected") throw s.reason;
		const [other, reference] = started.map(
			(s) => (s as PromiseFulfilledResult<Server>).value,
		);
		const [onS3, onFs] = cfg.storage === "s3" ? [first, other] : [other, first];
		await phaseTransfer(onS3, onFs, reference);
		// Out of the way of the figures that follow.
		for (const s of [other, reference]) {
			await s.stop();
			servers.splice(servers.indexOf(s), 1);
		}
	}
	if (cfg.phases.has("rps")) all = await phaseRps(first, startOthers);
	if (cfg.phases.has("visibility"))
		await phaseVisibility(all ?? [first, ...(await startOthers())]);
}

let failed = false;
try {
	await main();
} catch (e) {
	failed = true;
	log(`benchmark stopped: ${(e as Error).stack ?? e}`);
} finally {
	await cleanup();
}
process.stdout.write(
	[
		...lines,
		"Summary:",
		...verdicts.map((v) => `  ${v}`),
		`  total run time ${elapsedS().toFixed(0)} s`,
		"",
	].join("\n"),
);
process.exit(failed ? 1 : 0);
