/**
 * `npm run bench:proxy`: pulls through a Wharf proxy cache against pulls straight from its upstream, Debian's
 * docker-registry (CNCF distribution 2.8), with skopeo into a fresh `oci:` folder each time, side by side:
 *
 *   direct   skopeo copy docker://<docker-registry>/bench/rN:1          (the baseline)
 *   first    skopeo copy docker://<wharf>/cache/bench/rN:1               (nothing cached: upstream → Wharf → client,
 *                                                                         stored while it streams)      target ≤ 1.2× direct
 *   cached   the same pull again, once the cache holds the image          target ≥ 1.0× direct's speed
 *
 * Each repetition pulls a new image in a new repository, so the first pull is a real miss (no blob of it cached);
 * the order of direct and first alternates so neither always meets a warm page cache. Wharf runs as `npm start` runs
 * it (dist/server/main.mjs, bundled first), both servers on free 127.0.0.1 ports in a temporary folder that is removed
 * at the end. A script, not a test: it asserts nothing.
 *
 * Knobs (environment): BENCH_REPS (3), BENCH_LAYERS (3), BENCH_LAYER_MIB (64), BENCH_KEEP=1 (keep the folder),
 * BENCH_TMPDIR (where the folder goes), BENCH_WHARF_NODE_ARGS (extra node flags for Wharf, e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof").
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { makeOciLayout } from "../test/fixtures/oci-layout.ts";
import { runTool } from "./run-tool.ts";
import {
	type Server,
	startDistribution,
	startWharfProcess,
} from "./servers.ts";

const repoRoot = path.resolve(
	path.dirname(fileURLToPath(import.meta.url)),
	"..",
	"..",
);
const adminPassword = "Harbor12345";
const creds = `admin:${adminPassword}`;
const basicHeader = `Basic ${Buffer.from(creds).toString("base64")}`;
const int = (name: string, dflt: number, max: number) =>
	Math.min(
		Math.max(Math.round(Number(process.env[name] ?? dflt)) || dflt, 1),
		max,
	);
const cfg = {
	reps: int("BENCH_REPS", 3, 10),
	layers: int("BENCH_LAYERS", 3, 16),
	layerMiB: int("BENCH_LAYER_MIB", 64, 1024),
	keep: process.env.BENCH_KEEP === "1",
	nodeArgs: (process.env.BENCH_WHARF_NODE_ARGS ?? "")
		.split(/\s+/)
		.filter(Boolean),
	tmpdir: path.resolve(process.env.BENCH_TMPDIR || os.tmpdir()),
};

const t0 = performance.now();
const log = (msg: string) =>
	process.stderr.write(
		`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`,
	);
const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const n = s.length;
	return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

let root = "";
const servers: Server[] = [];
const tools = new Set<ChildProcess>();
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
	cleaning ??= (async () => {
		for (const c of tools) c.kill("SIGKILL");
		await Promise.allSettled(servers.map((s) => s.stop()));
		if (root && !cfg.keep)
			await rm(root, { recursive: true, force: true, maxRetries: 3 });
		else if (root) log(`kept ${root}`);
	})();
	return cleaning;
}
for (const sig of ["SIGINT", "SIGTERM"] as const)
	process.once(sig, () => {
		void cleanup().finally(() => process.exit(130));
	});

let authFiles = 0;
/** One skopeo call with an empty auth file of its own; answers its wall time in seconds. */
async function skopeo(args: string[], timeoutS = 600): Promise<number> {
	const authfile = path.join(root, `auth-${++authFiles}.json`);
	await writeFile(authfile, '{"auths":{}}\n');
	return runTool(tools, "skopeo", args, timeoutS, {
		...process.env,
		REGISTRY_AUTH_FILE: authfile,
	});
}

const hostOf = (s: Server) => `127.0.0.1:${s.port}`;
const pull = (from: string, out: string, login?: string) =>
	skopeo([
		"copy",
		"--quiet",
		`docker://${from}`,
		`oci:${out}`,
		"--src-tls-verify=false",
		...(login ? ["--src-creds", login] : []),
	]);

async function api(
	wharf: Server,
	p: string,
	init: { method?: string; json?: unknown } = {},
) {
	const r = await fetch(`${wharf.base}/api/v2.0${p}`, {
		method: init.method ?? "GET",
		headers: {
			Authorization: basicHeader,
			...(init.json ? { "Content-Type": "application/json" } : {}),
		},
		body: init.json ? JSON.stringify(init.json) : undefined,
	});
	if (r.status >= 300)
		throw new Error(
			`${init.method ?? "GET"} ${p}: ${r.status} ${await r.text()}`,
		);
	return r;
}

/** Waits (untimed) until the cache has recorded the pulled image under its tag. */
async function cached(wharf: Server, repo: string) {
	const deadline = Date.now() + 120_000;
	while (Date.now() < deadline) {
		const r = await fetch(
			`${wharf.base}/api/v2.0/projects/cache/repositories/${encodeURIComponent(encodeURIComponent(repo))}/artifacts?with_tag=true`,
			{ headers: { Authorization: basicHeader } },
		);
		if (
			r.ok &&
			((await r.json()) as { tags?: unknown[] | null }[]).some(
				(a) => a.tags?.length,
			)
		)
			return;
		await new Promise((res) => setTimeout(res, 100));
	}
	throw new Error(`${repo} was not cached within 120 s`);
}

async function layoutBytes(dir: string): Promise<number> {
	const blobs = path.join(dir, "blobs", "sha256");
	let total = 0;
	for (const f of await readdir(blobs))
		total += (await stat(path.join(blobs, f))).size;
	return total;
}

async function main() {
	root = await mkdtemp(path.join(cfg.tmpdir, "wharf-proxy-bench-"));
	log(
		`folder ${root}; ${cfg.reps} repetitions of ${cfg.layers} × ${cfg.layerMiB} MiB`,
	);
	const [upstream, wharf] = await Promise.all([
		startDistribution(path.join(root, "upstream")),
		startWharfProcess(path.join(root, "wharf"), repoRoot, {
			adminPassword,
			nodeArgs: cfg.nodeArgs,
		}),
	]);
	servers.push(upstream, wharf);
	// A new image per repetition: Wharf would otherwise find the blobs it cached for an earlier one and fetch nothing.
	let bytes = 0;
	for (let i = 0; i < cfg.reps; i++) {
		const layout = path.join(root, `layout-${i}`);
		await makeOciLayout(layout, {
			layers: cfg.layers,
			layerBytes: cfg.layerMiB * 1024 * 1024,
		});
		bytes = await layoutBytes(layout);
		await skopeo([
			"copy",
			"--quiet",
			`oci:${layout}`,
			`docker://${hostOf(upstream)}/bench/r${i}:1`,
			"--dest-tls-verify=false",
		]);
		await rm(layout, { recursive: true, force: true });
	}
	const endpoint = await api(wharf, "/registries", {
		method: "POST",
		json: { name: "upstream", type: "docker-registry", url: upstream.base },
	});
	const registryId = Number(endpoint.headers.get("location")!.split("/").pop());
	await api(wharf, "/projects", {
		method: "POST",
		json: {
			project_name: "cache",
			registry_id: registryId,
			metadata: { public: "false" },
		},
	});

	const times = {
		direct: [] as number[],
		first: [] as number[],
		cached: [] as number[],
	};
	for (let i = 0; i < cfg.reps; i++) {
		const out = (what: string) => path.join(root, `out-${what}-${i}`);
		const direct = () =>
			pull(`${hostOf(upstream)}/bench/r${i}:1`, out("direct"));
		const first = () =>
			pull(`${hostOf(wharf)}/cache/bench/r${i}:1`, out("first"), creds);
		if (i % 2 === 0) {
			times.direct.push(await direct());
			times.first.push(await first());
		} else {
			times.first.push(await first());
			times.direct.push(await direct());
		}
		await cached(wharf, `bench/r${i}`);
		times.cached.push(
			await pull(`${hostOf(wharf)}/cache/bench/r${i}:1`, out("cached"), creds),
		);
		log(
			`rep ${i + 1}: direct ${times.direct[i].toFixed(2)} s, first ${times.first[i].toFixed(2)} s, cached ${times.cached[i].toFixed(2)} s`,
		);
		for (const w of ["direct", "first", "cached"])
			await rm(out(w), { recursive: true, force: true });
	}

	const mbs = (s: number) => (bytes / 1e6 / s).toFixed(1);
	const [d, f, c] = [
		median(times.direct),
		median(times.first),
		median(times.cached),
	];
	const rows = [
		["pull", "median s", "MB/s", "vs direct", "target"],
		["direct from docker-registry", d.toFixed(2), mbs(d), "1.00×", ""],
		[
			"first pull through the cache",
			f.toFixed(2),
			mbs(f),
			`${(f / d).toFixed(2)}× the time`,
			"≤ 1.20× the time",
		],
		[
			"cached pull",
			c.toFixed(2),
			mbs(c),
			`${(d / c).toFixed(2)}× the speed`,
			"≥ 1.00× the speed",
		],
	];
	const widths = rows[0].map((_, i) =>
		Math.max(...rows.map((r) => r[i].length)),
	);
	process.stdout.write(
		`\nproxy cache, ${(bytes / 1e6).toFixed(1)} MB image (${cfg.layers} × ${cfg.layerMiB} MiB), median of ${cfg.reps}, skopeo copy to oci:\n`,
	);
	for (const r of rows)
		process.stdout.write(
			`  ${r.map((x, i) => x.padEnd(widths[i])).join("  ")}\n`,
		);
}

main().then(cleanup, async (e: unknown) => {
	process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
	await cleanup();
	process.exitCode = 1;
});
