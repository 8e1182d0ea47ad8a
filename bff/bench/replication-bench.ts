/**
 * `npm run bench:replication`: Wharf's replication copy engine (`copyArtifact`) against `skopeo copy` between the
 * same two local registries (Debian's docker-registry, child processes on free 127.0.0.1 ports), the figure issue 11
 * asks for: copyArtifact at least 0.9× skopeo's speed for a 3 × 64 MiB-layer image.
 *
 * The image is pushed once to the source. Each repetition copies it with each tool (order alternating) into a fresh
 * destination registry, so neither finds a blob already there nor mounts one it has seen (skopeo's blob-info cache
 * is per registry address). Also reported: the bench process's peak RSS above its start during copyArtifact, as a
 * check that blobs stream rather than sit in memory. A script, not a test: it asserts nothing.
 *
 * Knobs: BENCH_REPS (3), BENCH_LAYERS (3), BENCH_LAYER_MIB (64), BENCH_TMPDIR, BENCH_KEEP=1.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { copyArtifact } from "../replication/copy-artifact.ts";
import { createV2Client } from "../replication/v2-client.ts";
import { makeOciLayout } from "../test/fixtures/oci-layout.ts";
import { type Server, startDistribution } from "./servers.ts";

const reps = Number(process.env.BENCH_REPS ?? 3);
const layers = Number(process.env.BENCH_LAYERS ?? 3);
const layerMiB = Number(process.env.BENCH_LAYER_MIB ?? 64);
const root = await mkdtemp(
	path.join(
		process.env.BENCH_TMPDIR ?? os.tmpdir(),
		"wharf-replication-bench-",
	),
);
const servers = new Set<Server>();
let registries = 0;

async function registry(): Promise<Server> {
	const s = await startDistribution(
		path.join(root, `registry-${++registries}`),
	);
	servers.add(s);
	return s;
}
async function stop(s: Server) {
	servers.delete(s);
	await s.stop();
}

async function skopeo(args: string[]): Promise<void> {
	const authfile = path.join(root, "auth.json");
	await writeFile(authfile, '{"auths":{}}\n');
	await new Promise<void>((resolve, reject) => {
		const child = spawn("skopeo", args, {
			stdio: ["ignore", "ignore", "pipe"],
			env: { ...process.env, REGISTRY_AUTH_FILE: authfile },
		});
		let err = "";
		child.stderr.on("data", (c: Buffer) => {
			err += c.toString();
		});
		const killer = setTimeout(() => child.kill("SIGKILL"), 300_000);
		child.once("error", reject);
		child.once("exit", (code) => {
			clearTimeout(killer);
			code === 0
				? resolve()
				: reject(
						new Error(
							`skopeo ${args[0]} failed (${code}): ${err.slice(-1000)}`,
						),
					);
		});
	});
}

const host = (s: Server) => `127.0.0.1:${s.port}`;

async function timeSkopeo(src: Server): Promise<number> {
	const dst = await registry();
	try {
		const t = performance.now();
		await skopeo([
			"copy",
			"--quiet",
			"--src-tls-verify=false",
			"--dest-tls-verify=false",
			`docker://${host(src)}/library/big:1`,
			`docker://${host(dst)}/library/big:1`,
		]);
		return (performance.now() - t) / 1000;
	} finally {
		await stop(dst);
	}
}

async function timeWharf(
	src: Server,
): Promise<{ seconds: number; peakRssMiB: number }> {
	const dst = await registry();
	const from = createV2Client({ url: src.base });
	const to = createV2Client({ url: dst.base });
	const base = process.memoryUsage().rss;
	let peak = base;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 20);
	try {
		const t = performance.now();
		const r = await copyArtifact(
			{ client: from, repo: "library/big", reference: "1" },
			{ client: to, repo: "library/big", tags: ["1"] },
			{
				override: true,
				speedKb: -1,
				copyByChunk: false,
				signal: new AbortController().signal,
				log: async () => {},
			},
		);
		const seconds = (performance.now() - t) / 1000;
		if (r.blobsSent !== layers + 1)
			throw new Error(`expected ${layers + 1} blobs sent, got ${r.blobsSent}`);
		return { seconds, peakRssMiB: (peak - base) / 2 ** 20 };
	} finally {
		clearInterval(sampler);
		await Promise.all([from.close(), to.close()]);
		await stop(dst);
	}
}

async function main() {
	const src = await registry();
	const layout = path.join(root, "layout");
	await makeOciLayout(layout, { layers, layerBytes: layerMiB * 2 ** 20 });
	await skopeo([
		"copy",
		"--quiet",
		"--dest-tls-verify=false",
		`oci:${layout}`,
		`docker://${host(src)}/library/big:1`,
	]);
	const mb = (layers * layerMiB * 2 ** 20) / 1e6;
	const skopeoS: number[] = [];
	const wharfS: number[] = [];
	let rss = 0;
	for (let i = 0; i < reps; i++) {
		const order = i % 2 ? ["wharf", "skopeo"] : ["skopeo", "wharf"];
		for (const tool of order) {
			if (tool === "skopeo") skopeoS.push(await timeSkopeo(src));
			else {
				const w = await timeWharf(src);
				wharfS.push(w.seconds);
				rss = Math.max(rss, w.peakRssMiB);
			}
		}
		console.log(
			`rep ${i + 1}: skopeo ${skopeoS[i].toFixed(2)} s, copyArtifact ${wharfS[i].toFixed(2)} s`,
		);
	}
	const median = (xs: number[]) =>
		[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
	const s = mb / median(skopeoS);
	const w = mb / median(wharfS);
	console.log(
		`\n${layers} × ${layerMiB} MiB, docker-registry → docker-registry, median of ${reps}:`,
	);
	console.log(`  skopeo copy     ${s.toFixed(1)} MB/s`);
	console.log(
		`  copyArtifact    ${w.toFixed(1)} MB/s   ratio ${(w / s).toFixed(2)} (target ≥ 0.90)`,
	);
	console.log(
		`  copyArtifact peak RSS above start: ${rss.toFixed(0)} MiB (the image is ${(mb / 1.048576).toFixed(0)} MiB)`,
	);
}

try {
	await main();
} finally {
	await Promise.all([...servers].map((s) => s.stop()));
	if (!process.env.BENCH_KEEP) await rm(root, { recursive: true, force: true });
}
