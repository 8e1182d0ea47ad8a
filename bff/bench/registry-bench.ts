/**
 * `npm run bench`: Wharf against Debian's docker-registry (CNCF distribution 2.8) on this machine, side by side.
 *
 * Both registries run as child processes on free 127.0.0.1 ports with temporary folders; every figure is measured the
 * same way on both, and the run ends with a table (ratio = wharf/baseline, > 1.0 means Wharf is better; for memory
 * baseline/wharf) and the targets. A script, not a test: it asserts nothing and never runs in `npm test`.
 *
 *   1. push and pull MB/s (10^6 bytes/s) of a 3 × 64 MiB-layer image with skopeo after one untimed small push to each
 *      (warm-up), several repetitions, a fresh image and repository per repetition (skopeo's blob-info cache would
 *      otherwise mount blobs instead of sending them),
 *      then, as a diagnostic, one 64 MiB layer fetched with curl: the send path without skopeo's own work;
 *   2. manifest GET requests/s at concurrency 32 for ~10 s (wrk, or a Node load generator), Wharf with basic
 *      credentials and with a bearer token from /service/token, plus Wharf's core without the BFF hop as a diagnostic;
 *   3. peak resident memory (VmHWM, reset before the phase, cross-checked by sampling VmRSS) while a 1 GiB layer is
 *      pushed and pulled (run before 2, whose 32-way load grows Node's heap; the end-of-run VmHWM shows that too).
 *
 * Wharf runs as `npm start` runs it, `node dist/server/main.mjs` (bundled first), started directly so its pid is the
 * server's own for /proc/<pid>/status. Rows marked "diag" carry no target.
 *
 * Knobs (environment):
 *   BENCH_REPS (5), BENCH_LAYERS (3), BENCH_LAYER_MIB (64), BENCH_BIG_MIB (1024), BENCH_RPS_SECONDS (10),
 *   BENCH_CONCURRENCY (32), BENCH_LOADGEN (wrk | node; default wrk when installed), BENCH_PHASES (push,blob,rps,big; blob needs push),
 *   BENCH_RPS_TARGETS (baseline,basic,bearer,core), BENCH_RPS_WARMUP_S (2),
 *   BENCH_BUDGET_S (270: later repetitions are skipped past about half of it),
 *   BENCH_WHARF_ROOT (another checkout to run Wharf from, for before/after comparisons; default this one),
 *   BENCH_WHARF_NODE_ARGS (extra node flags for Wharf, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
 *   BENCH_TMPDIR (where the temporary folder goes; /dev/shm takes the disk, and Wharf's fsyncs, out of the figures),
 *   BENCH_KEEP=1 (keep the temporary folder).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { makeOciLayout } from "../test/fixtures/oci-layout.ts";
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
import { runTool } from "./run-tool.ts";
import {
	listeningPorts,
	memOf,
	resetPeak,
	rssSampler,
	type Server,
	startDistribution,
	startWharfProcess,
} from "./servers.ts";

const cfg = {
	reps: intEnv("BENCH_REPS", 5, 1, 10),
	layers: intEnv("BENCH_LAYERS", 3, 1, 16),
	layerMiB: intEnv("BENCH_LAYER_MIB", 64, 1, 1024),
	bigMiB: intEnv("BENCH_BIG_MIB", 1024, 1, 4096),
	rpsSeconds: intEnv("BENCH_RPS_SECONDS", 10, 1, 60),
	concurrency: intEnv("BENCH_CONCURRENCY", 32, 1, 1024),
	budgetS: intEnv("BENCH_BUDGET_S", 270, 30, 3600),
	loadgen: loadgenFromEnv(),
	phases: new Set(
		(process.env.BENCH_PHASES ?? "push,blob,rps,big")
			.split(",")
			.map((s) => s.trim()),
	),
	rpsTargets: new Set(
		(process.env.BENCH_RPS_TARGETS ?? "baseline,basic,bearer,core")
			.split(",")
			.map((s) => s.trim()),
	),
	rpsWarmupS: intEnv("BENCH_RPS_WARMUP_S", 2, 0, 30),
	wharfRoot: path.resolve(process.env.BENCH_WHARF_ROOT ?? repoRoot),
	wharfNodeArgs: (process.env.BENCH_WHARF_NODE_ARGS ?? "")
		.split(/\s+/)
		.filter(Boolean),
	keep: process.env.BENCH_KEEP === "1",
	tmpdir: path.resolve(process.env.BENCH_TMPDIR || os.tmpdir()),
};

const { elapsedS, log } = benchClock();

// ---------------------------------------------------------------- clean-up of everything this run starts or makes
let root = "";
const servers: Server[] = [];
const tools = new Set<ChildProcess>();
let cleaning: Promise<void> | null = null;
/** Kills every child and removes the temporary folder; every caller (signal, normal end) waits on the same run. */
function cleanup(): Promise<void> {
	cleaning ??= (async () => {
		for (const c of [...tools, ...activeChildren]) c.kill("SIGKILL");
		await Promise.allSettled(servers.map((s) => s.stop()));
		if (root && !cfg.keep)
			await rm(root, { recursive: true, force: true, maxRetries: 3 });
		else if (root) log(`kept ${root}`);
	})();
	return cleaning;
}
cleanupOnSignals(cleanup, log);

// ---------------------------------------------------------------- skopeo
let transfers: ReturnType<typeof skopeoTransfers>;
const isWharf = (s: Server) => s.label === "wharf";
const push: typeof transfers.push = (...a) => transfers.push(...a);
const pull: typeof transfers.pull = (...a) => transfers.pull(...a);
const flushDisk = () => transfers.flushDisk();

// ---------------------------------------------------------------- results
type Row = {
	metric: string;
	wharf: number;
	baseline: number;
	unit: string;
	lowerIsBetter?: boolean;
	target: string;
	pass: boolean | null;
	note?: string;
};
const rows: Row[] = [];
const details: string[] = [];

const accept = [
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

async function checkManifest(
	url: string,
	headers: Record<string, string>,
	what: string,
) {
	const r = await fetch(url, {
		headers: { Accept: accept, ...headers },
		signal: AbortSignal.timeout(10_000),
	});
	const body = await r.arrayBuffer();
	if (r.status !== 200)
		throw new Error(
			`${what}: GET ${url} answered ${r.status}: ${Buffer.from(body).toString().slice(0, 300)}`,
		);
	return `${r.headers.get("content-type")}, ${body.byteLength} bytes`;
}

// ---------------------------------------------------------------- phases
async function phasePushPull(
	baseline: Server,
	wharf: Server,
): Promise<string | null> {
	const bytes = cfg.layerMiB * 1024 * 1024;
	const speeds = {
		push: { wharf: [] as number[], baseline: [] as number[] },
		pull: { wharf: [] as number[], baseline: [] as number[] },
	};
	let firstRepo: string | null = null;
	// Untimed, as the GET phase's warm-up: a first push pays what later ones do not (Wharf's JIT, and the scrypt of the
	// first credential check, ~0.3 s, which the credential cache then spares every push for 60 s).
	await ensureSmallImage(baseline, wharf);
	for (let rep = 0; rep < cfg.reps; rep++) {
		if (rep > 0 && elapsedS() > cfg.budgetS * 0.45) {
			log(`time budget: skipping repetitions ${rep + 1}..${cfg.reps}`);
			break;
		}
		const layout = path.join(root, `layout-${rep}`);
		const g0 = performance.now();
		await makeOciLayout(layout, { layers: cfg.layers, layerBytes: bytes });
		const total = await layoutBytes(layout);
		log(
			`rep ${rep + 1}: layout of ${cfg.layers} × ${cfg.layerMiB} MiB (${(total / MB).toFixed(1)} MB) made in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
		);
		const repo = `bench${rep + 1}`;
		firstRepo ??= repo;
		// Alternate which registry goes first, so neither always gets the warmer page cache.
		const order = rep % 2 === 0 ? [baseline, wharf] : [wharf, baseline];
		for (const s of order) {
			const key = isWharf(s) ? "wharf" : "baseline";
			await flushDisk();
			const tp = await push(s, layout, repo);
			const out = path.join(root, `pull-${key}-${rep}`);
			await flushDisk();
			const tl = await pull(s, repo, out);
			const got = await layoutBytes(out);
			await rm(out, { recursive: true, force: true });
			if (got !== total)
				log(
					`warning: ${s.label} pull of ${repo} holds ${got} bytes, pushed ${total}`,
				);
			speeds.push[key].push(total / MB / tp);
			speeds.pull[key].push(total / MB / tl);
			log(
				`rep ${rep + 1}: ${s.label.padEnd(15)} push ${tp.toFixed(2)} s = ${(total / MB / tp).toFixed(1)} MB/s, pull ${tl.toFixed(2)} s = ${(total / MB / tl).toFixed(1)} MB/s`,
			);
		}
		await rm(layout, { recursive: true, force: true });
	}
	for (const dir of ["push", "pull"] as const) {
		const w = median(speeds[dir].wharf);
		const b = median(speeds[dir].baseline);
		rows.push({
			metric: `${dir} MB/s (median of ${speeds[dir].wharf.length})`,
			wharf: w,
			baseline: b,
			unit: "MB/s",
			target: "≥ 1.0×",
			pass: w / b >= 1,
		});
		details.push(
			`${dir} MB/s each repetition: wharf ${speeds[dir].wharf.map((x) => x.toFixed(1)).join(", ")}; baseline ${speeds[dir].baseline.map((x) => x.toFixed(1)).join(", ")}`,
		);
	}
	return firstRepo;
}

/**
 * Diagnostic: one layer of the pushed image fetched whole with curl into /dev/null, alternating registries: the
 * server's send path alone, without skopeo's hashing and writing (which bound the pull figure above on 2 cores).
 */
async function phaseBlobGet(baseline: Server, wharf: Server, repo: string) {
	const manifest = await fetch(`${wharf.base}/v2/library/${repo}/manifests/1`, {
		headers: { Accept: accept, Authorization: basicHeader },
	});
	const layer = (
		(await manifest.json()) as { layers: { digest: string; size: number }[] }
	).layers[0];
	const speeds = { wharf: [] as number[], baseline: [] as number[] };
	for (let i = 0; i < 10; i++) {
		for (const s of i % 2 === 0 ? [baseline, wharf] : [wharf, baseline]) {
			const t = await runTool(
				tools,
				"curl",
				[
					"-sf",
					"-o",
					"/dev/null",
					...(isWharf(s) ? ["-u", creds] : []),
					`${s.base}/v2/library/${repo}/blobs/${layer.digest}`,
				],
				60,
			);
			speeds[isWharf(s) ? "wharf" : "baseline"].push(layer.size / MB / t);
		}
	}
	rows.push({
		metric: `diag: blob GET MB/s, curl (median of 10)`,
		wharf: median(speeds.wharf),
		baseline: median(speeds.baseline),
		unit: "MB/s",
		target: "(diagnostic)",
		pass: null,
	});
	details.push(
		`blob GET of ${(layer.size / MB).toFixed(0)} MB with curl, each: wharf ${speeds.wharf.map((x) => x.toFixed(0)).join(", ")}; baseline ${speeds.baseline.map((x) => x.toFixed(0)).join(", ")}`,
	);
}

async function ensureSmallImage(
	baseline: Server,
	wharf: Server,
): Promise<string> {
	const layout = path.join(root, "layout-small");
	await makeOciLayout(layout, { layers: 2, layerBytes: 64 * 1024 });
	for (const s of [baseline, wharf])
		await push(s, layout, "manifest-bench", 60);
	await rm(layout, { recursive: true, force: true });
	return "manifest-bench";
}

type Target = {
	key: "baseline" | "basic" | "bearer" | "core";
	what: string;
	url: string;
	headers: Record<string, string>;
};

async function phaseManifestRps(baseline: Server, wharf: Server, repo: string) {
	const pathname = `/v2/library/${repo}/manifests/1`;
	const bUrl = `${baseline.base}${pathname}`;
	const wUrl = `${wharf.base}${pathname}`;
	details.push(
		`manifest GET ${pathname}: baseline ${await checkManifest(bUrl, {}, "baseline")}; wharf ${await checkManifest(wUrl, { Authorization: basicHeader }, "wharf")}`,
	);

	// What real clients do: one token from /service/token (with the user's credentials), then Bearer on every request.
	const tokenRes = await fetch(
		`${wharf.base}/service/token?service=harbor-registry&scope=repository:library/${repo}:pull`,
		{
			headers: { Authorization: basicHeader },
			signal: AbortSignal.timeout(10_000),
		},
	);
	const token = ((await tokenRes.json()) as { token?: string }).token;
	if (!token)
		throw new Error(`no token from /service/token (${tokenRes.status})`);
	const bearer = { Authorization: `Bearer ${token}` };
	await checkManifest(wUrl, bearer, "wharf bearer");

	const targets: Target[] = [
		{ key: "baseline", what: "baseline", url: bUrl, headers: {} },
		{
			key: "basic",
			what: "wharf, basic",
			url: wUrl,
			headers: { Authorization: basicHeader },
		},
		{ key: "bearer", what: "wharf, bearer", url: wUrl, headers: bearer },
	];
	// Diagnostic: the same GET straight to Wharf's internal core port, i.e. without the BFF's proxy hop.
	const corePorts = (await listeningPorts(wharf.pid)).filter(
		(p) => p !== wharf.port,
	);
	if (corePorts.length === 1) {
		const coreUrl = `http://127.0.0.1:${corePorts[0]}${pathname}`;
		await checkManifest(coreUrl, bearer, "wharf core");
		targets.push({
			key: "core",
			what: "wharf core, bearer, no BFF hop",
			url: coreUrl,
			headers: bearer,
		});
	} else {
		details.push(
			`core port not measured (found ${corePorts.length} other listening ports)`,
		);
	}
	const chosen = targets.filter((t) => cfg.rpsTargets.has(t.key));

	// Warm-up (JIT, caches, the one scrypt of basic credentials), then the measured seconds in rounds that rotate the
	// order, so a drift of the machine's speed during the phase does not land on one target.
	const rounds = cfg.rpsSeconds >= 6 ? 2 : 1;
	const perRound = Math.max(1, Math.round(cfg.rpsSeconds / rounds));
	log(
		`manifest GET at concurrency ${cfg.concurrency} with ${cfg.loadgen}: ${cfg.rpsWarmupS} s warm-up, then ${rounds} × ${perRound} s per target`,
	);
	for (const t of chosen)
		if (cfg.rpsWarmupS > 0) await loadFor(t, cfg.rpsWarmupS);
	const runs = new Map<string, LoadResult[]>(chosen.map((t) => [t.key, []]));
	for (let round = 0; round < rounds; round++) {
		for (let i = 0; i < chosen.length; i++) {
			const t = chosen[(i + round) % chosen.length];
			const r = await loadFor(t, perRound);
			runs.get(t.key)!.push(r);
			log(`round ${round + 1}: ${t.what.padEnd(30)} ${describeLoad(r)}`);
		}
	}
	const result = (k: string) =>
		runs.get(k)?.length ? combineLoads(runs.get(k)!) : undefined;
	const b = result("baseline");
	for (const t of chosen)
		details.push(
			`manifest GET ${t.what.padEnd(30)} ${describeLoad(result(t.key)!)}`,
		);
	const rowFor = (key: string, metric: string, diagnostic = false) => {
		const w = result(key);
		if (!w) return;
		rows.push({
			metric,
			wharf: w.rps,
			baseline: b?.rps ?? NaN,
			unit: "req/s",
			target: diagnostic ? "(diagnostic)" : "≥ 1.0×",
			pass: diagnostic
				? null
				: w.rps / (b?.rps ?? NaN) >= 1 && w.failures === 0,
		});
	};
	rowFor("basic", "manifest GET req/s, basic auth");
	rowFor("bearer", "manifest GET req/s, bearer token");
	rowFor("core", "diag: core without BFF hop, bearer", true);
}

async function loadFor(t: Target, seconds: number): Promise<LoadResult> {
	const o = {
		concurrency: cfg.concurrency,
		durationS: seconds,
		maxRequests: 5_000_000,
		headers: { Accept: accept, ...t.headers },
	};
	return runLoad(cfg.loadgen, t.url, o);
}

async function phaseBigLayer(baseline: Server, wharf: Server) {
	const layout = path.join(root, "layout-big");
	const g0 = performance.now();
	await makeOciLayout(layout, {
		layers: 1,
		layerBytes: cfg.bigMiB * 1024 * 1024,
	});
	const total = await layoutBytes(layout);
	log(
		`big layout: 1 × ${cfg.bigMiB} MiB (${(total / MB).toFixed(0)} MB) made in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
	);
	const peaks: Record<string, number> = {};
	for (const s of [baseline, wharf]) {
		await flushDisk();
		const idle = await memOf(s.pid);
		const reset = await resetPeak(s.pid);
		const sampler = rssSampler(s.pid, 50);
		const tp = await push(s, layout, "big", 300);
		const out = path.join(root, `pull-big-${s.label}`);
		await flushDisk();
		const tl = await pull(s, "big", out, 300);
		const sampled = sampler.stop();
		await rm(out, { recursive: true, force: true });
		const after = await memOf(s.pid);
		// VmHWM was reset just before the phase (when the kernel allows it): it is then this phase's peak.
		const peakKiB = Math.max(
			reset ? (after?.hwmKiB ?? 0) : 0,
			sampled.maxRssKiB,
		);
		peaks[s.label] = (peakKiB * 1024) / MB;
		const line =
			`${s.label}: idle RSS ${(((idle?.rssKiB ?? 0) * 1024) / MB).toFixed(0)} MB; 1 GiB-layer push ${tp.toFixed(1)} s (${(total / MB / tp).toFixed(0)} MB/s), ` +
			`pull ${tl.toFixed(1)} s (${(total / MB / tl).toFixed(0)} MB/s); VmHWM ${(((after?.hwmKiB ?? 0) * 1024) / MB).toFixed(0)} MB` +
			`${reset ? " (reset before the phase)" : " (lifetime: clear_refs refused)"}, max sampled VmRSS ${((sampled.maxRssKiB * 1024) / MB).toFixed(0)} MB over ${sampled.samples} samples`;
		log(line);
		details.push(line);
	}
	await rm(layout, { recursive: true, force: true });
	const w = peaks.wharf;
	const b = peaks["docker-registry"];
	rows.push({
		metric: "peak RSS MB, 1 GiB layer push+pull",
		wharf: w,
		baseline: b,
		unit: "MB",
		lowerIsBetter: true,
		target: "< 250 MB",
		pass: w < 250,
	});
}

// ---------------------------------------------------------------- report
function report() {
	const fmt = (x: number) =>
		Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : "n/a";
	const ratio = (r: Row) =>
		r.lowerIsBetter ? r.baseline / r.wharf : r.wharf / r.baseline;
	const head = ["metric", "wharf", "baseline", "ratio", "target", "verdict"];
	const body = rows.map((r) => [
		r.metric,
		fmt(r.wharf),
		fmt(r.baseline),
		`${ratio(r).toFixed(2)}×`,
		r.target,
		r.pass === null ? "-" : r.pass ? "PASS" : "FALL SHORT",
	]);
	const widths = head.map((h, i) =>
		Math.max(h.length, ...body.map((b) => b[i].length)),
	);
	const line = (cells: string[]) =>
		cells
			.map((c, i) =>
				i === 0 || i >= 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]),
			)
			.join("  ");
	const out: string[] = [];
	out.push(
		"",
		`Wharf vs docker-registry (${"CNCF distribution 2.8, Debian"}), ${os.cpus().length} CPUs, node ${process.version}, load generator ${cfg.loadgen}`,
	);
	out.push(
		"ratio = wharf/baseline (> 1.0 means Wharf is better; for memory baseline/wharf); MB = 10^6 bytes",
		"",
	);
	out.push(
		line(head),
		widths.map((w) => "-".repeat(w)).join("  "),
		...body.map(line),
		"",
	);
	out.push("Details:", ...details.map((d) => `  ${d}`), "");
	out.push("Summary:");
	for (const r of rows) {
		if (r.pass === null) continue;
		out.push(
			`  ${r.metric.padEnd(widths[0])}  wharf ${fmt(r.wharf)}  baseline ${fmt(r.baseline)}  ratio ${ratio(r).toFixed(2)}  target ${r.target}  ${r.pass ? "PASS" : "FALL SHORT"}`,
		);
	}
	out.push(`  total run time ${elapsedS().toFixed(0)} s`, "");
	process.stdout.write(out.join("\n"));
}

async function main() {
	root = await mkdtemp(path.join(cfg.tmpdir, "wharf-bench-"));
	transfers = skopeoTransfers({ root, tools, creds });
	log(
		`temp folder ${root}; ${cfg.reps} repetitions, ${cfg.layers} × ${cfg.layerMiB} MiB layers, load generator ${cfg.loadgen}`,
	);
	// Both start at once; allSettled so a failure of one never leaves the other running unseen by the clean-up.
	const started = await Promise.allSettled([
		startDistribution(path.join(root, "distribution")),
		startWharfProcess(path.join(root, "wharf"), cfg.wharfRoot, {
			adminPassword,
			nodeArgs: cfg.wharfNodeArgs,
		}),
	]);
	for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
	for (const s of started) if (s.status === "rejected") throw s.reason;
	const [baseline, wharf] = servers;
	log(
		`docker-registry pid ${baseline.pid} on ${baseline.base}; wharf pid ${wharf.pid} on ${wharf.base}`,
	);

	let repo: string | null = null;
	if (cfg.phases.has("push")) repo = await phasePushPull(baseline, wharf);
	if (repo && cfg.phases.has("blob")) await phaseBlobGet(baseline, wharf, repo);
	// The 1 GiB phase runs before the manifest storm: its peak is then what a big transfer costs a process that has
	// served pushes and pulls, not the heap a 32-way GET storm left behind (reported below as the lifetime peak).
	if (cfg.phases.has("big")) await phaseBigLayer(baseline, wharf);
	if (cfg.phases.has("rps"))
		await phaseManifestRps(
			baseline,
			wharf,
			repo ?? (await ensureSmallImage(baseline, wharf)),
		);
	const end: Record<string, number> = {};
	for (const s of servers) {
		const m = await memOf(s.pid);
		if (!m) continue;
		end[s.label] = (m.hwmKiB * 1024) / MB;
		details.push(
			`${s.label} at the end: VmRSS ${((m.rssKiB * 1024) / MB).toFixed(0)} MB, VmHWM ${((m.hwmKiB * 1024) / MB).toFixed(0)} MB (since the reset before the 1 GiB phase, if any)`,
		);
	}
	if (end.wharf !== undefined && end["docker-registry"] !== undefined) {
		rows.push({
			metric: "diag: peak RSS MB incl. GET load",
			wharf: end.wharf,
			baseline: end["docker-registry"],
			unit: "MB",
			lowerIsBetter: true,
			target: "(diagnostic)",
			pass: null,
		});
	}
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
if (rows.length) report();
process.exit(failed ? 1 : 0);
