/**
 * Issue 11's replication figures, measured between real registries on 127.0.0.1:
 *  1. a 3 × 64 MiB image replicated Wharf → docker-registry by a manual execution, against `skopeo copy` between the
 *     same two (the target: replication at least 0.9× skopeo's speed);
 *  2. a push into Wharf timed while 100 replication tasks are queued at once, against the same push on an idle Wharf
 *     (the target: at most 1.5× the idle time).
 *
 * replication-bench.ts measures the copy engine alone between two docker-registries; this one, the whole path (API,
 * jobs, tasks, Wharf's own /v2). `npm run bench:replication` runs both.
 *
 *   npx tsx bff/bench/replication-execution-bench.ts   (needs `apt-get install docker-registry skopeo`; BENCH_LAYER_MIB,
 *                      BENCH_TASKS, BENCH_PUSH_MIB, BENCH_PUSHES size it, BENCH_REPLICATION_TASKS sets WHARF_REPLICATION_TASKS,
 *                      BENCH_WHARF_NODE_ARGS adds node flags for Wharf, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof";
 *                      run on a quiet machine)
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { mediaTypes } from "../core/media-types.ts";
import { createV2Client, type V2Client } from "../replication/v2-client.ts";
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
const MiB = 1024 * 1024;
const layerMiB = Number(process.env.BENCH_LAYER_MIB ?? 64);
const taskCount = Number(process.env.BENCH_TASKS ?? 100);
const pushMiB = Number(process.env.BENCH_PUSH_MIB ?? 32);
const pushes = Number(process.env.BENCH_PUSHES ?? 5);
const password = "Bench-Harbor12345";
const admin = `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`;

const sha256 = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;
const median = (xs: number[]) =>
	[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** An image of `layers` random layers of `bytes` each, pushed through `c`. */
async function pushImage(
	c: V2Client,
	repo: string,
	tag: string,
	layers: number,
	bytes: number,
) {
	const descriptors = [];
	for (let i = 0; i < layers; i++) {
		const layer = randomBytes(bytes);
		await c.putBlob(repo, sha256(layer), Readable.from([layer]), layer.length);
		descriptors.push({
			mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
			digest: sha256(layer),
			size: layer.length,
		});
	}
	const config = Buffer.from(
		JSON.stringify({
			architecture: "amd64",
			os: "linux",
			rootfs: { type: "layers" },
			n: randomBytes(4).toString("hex"),
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
}

async function call(base: string, method: string, p: string, body?: unknown) {
	const r = await fetch(`${base}/api/v2.0${p}`, {
		method,
		headers: {
			Authorization: admin,
			...(body ? { "Content-Type": "application/json" } : {}),
		},
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await r.text();
	if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${text}`);
	return {
		location: r.headers.get("location"),
		json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
	};
}

/** Starts a policy's execution and waits for its end; answers the wall time from the request to the end. */
async function runExecution(wharf: Server, policyId: number): Promise<number> {
	const t0 = performance.now();
	const { location } = await call(
		wharf.base,
		"POST",
		"/replication/executions",
		{ policy_id: policyId },
	);
	const id = location!.split("/").pop();
	for (;;) {
		const { json } = await call(
			wharf.base,
			"GET",
			`/replication/executions/${id}`,
		);
		if (json.status !== "InProgress") {
			if (json.status !== "Succeed")
				throw new Error(`execution ${id} ended ${String(json.status)}`);
			return performance.now() - t0;
		}
		await new Promise((r) => setTimeout(r, 20));
	}
}

async function policy(
	wharf: Server,
	name: string,
	registryId: number,
	filter: string,
	namespace: string,
) {
	const { location } = await call(wharf.base, "POST", "/replication/policies", {
		name,
		dest_registry: { id: registryId },
		dest_namespace: namespace,
		dest_namespace_replace_count: 1,
		filters: [{ type: "name", value: filter }],
		trigger: { type: "manual" },
		enabled: true,
		override: true,
	});
	return Number(location!.split("/").pop());
}

async function skopeoCopy(
	dir: string,
	from: string,
	to: string,
): Promise<number> {
	const authfile = path.join(dir, "auth.json");
	await writeFile(authfile, "{}");
	const t0 = performance.now();
	await promisify(execFile)(
		"skopeo",
		[
			"copy",
			"--authfile",
			authfile,
			"--src-tls-verify=false",
			"--dest-tls-verify=false",
			"--src-creds",
			`admin:${password}`,
			`docker://${from}`,
			`docker://${to}`,
		],
		{ maxBuffer: 16 * MiB },
	);
	return performance.now() - t0;
}

/** Times `pushes` pushes of a fresh `pushMiB` image each. */
async function timePushes(c: V2Client, repo: string): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < pushes; i++) {
		const t0 = performance.now();
		await pushImage(
			c,
			repo,
			`p${i}-${randomBytes(3).toString("hex")}`,
			1,
			pushMiB * MiB,
		);
		times.push(performance.now() - t0);
	}
	return times;
}

async function main() {
	const dir = await mkdtemp(path.join(os.tmpdir(), "replication-bench-"));
	const started: Server[] = [];
	try {
		const env = process.env.BENCH_REPLICATION_TASKS
			? { WHARF_REPLICATION_TASKS: process.env.BENCH_REPLICATION_TASKS }
			: undefined;
		const nodeArgs = (process.env.BENCH_WHARF_NODE_ARGS ?? "")
			.split(/\s+/)
			.filter(Boolean);
		const wharf = await startWharfProcess(path.join(dir, "wharf"), repoRoot, {
			adminPassword: password,
			env,
			nodeArgs,
		});
		started.push(wharf);
		const dist = await startDistribution(path.join(dir, "dist"));
		started.push(dist);
		const local = createV2Client({
			url: wharf.base,
			credential: { username: "admin", password },
		});
		const endpoint = await call(wharf.base, "POST", "/registries", {
			name: "dist",
			type: "docker-registry",
			url: dist.base,
		});
		const registryId = Number(endpoint.location!.split("/").pop());

		// 1. One 3-layer image: replication vs skopeo, each into a repository of its own on the same docker-registry.
		await pushImage(local, "library/big", "v1", 3, layerMiB * MiB);
		const big = await policy(wharf, "big", registryId, "library/big", "rep");
		const replicationMs = await runExecution(wharf, big);
		const skopeoMs = await skopeoCopy(
			dir,
			`${wharf.base.replace("http://", "")}/library/big:v1`,
			`${dist.base.replace("http://", "")}/sko/big:v1`,
		);
		const mb = (3 * layerMiB * MiB) / 1e6;

		// 2. A push timed idle, then while `taskCount` replication tasks (one small image each) are queued at once.
		for (let i = 0; i < taskCount; i++)
			await pushImage(
				local,
				`library/t${String(i).padStart(3, "0")}`,
				"v1",
				1,
				MiB,
			);
		const many = await policy(wharf, "many", registryId, "library/t*", "many");
		await timePushes(local, "library/warm"); // warm up
		const idleBefore = await timePushes(local, "library/idle");
		const running = runExecution(wharf, many);
		const busyMs = median(await timePushes(local, "library/busy"));
		const manyMs = await running;
		// Idle pushes timed before and after the busy ones: a machine whose load drifts weighs on both sides alike.
		const idleMs = median([
			...idleBefore,
			...(await timePushes(local, "library/idle-after")),
		]);
		await local.close();

		console.log(
			`replication of a ${3} × ${layerMiB} MiB image, Wharf → docker-registry, on 127.0.0.1:`,
		);
		console.log(
			["copy".padEnd(28), "time".padStart(9), "MB/s".padStart(8)].join(" "),
		);
		console.log(
			[
				"manual execution".padEnd(28),
				seconds(replicationMs).padStart(9),
				(mb / (replicationMs / 1000)).toFixed(0).padStart(8),
			].join(" "),
		);
		console.log(
			[
				"skopeo copy".padEnd(28),
				seconds(skopeoMs).padStart(9),
				(mb / (skopeoMs / 1000)).toFixed(0).padStart(8),
			].join(" "),
		);
		const speed = skopeoMs / replicationMs;
		console.log(
			`replication speed / skopeo's: ${speed.toFixed(2)}× (target ≥ 0.9×: ${speed >= 0.9 ? "met" : "NOT met"})`,
		);
		console.log(
			`\na ${pushMiB} MiB push into Wharf, median of ${pushes} (idle: of ${pushes} before and ${pushes} after):`,
		);
		console.log(
			`idle ${seconds(idleMs)}; while ${taskCount} replication tasks run (${seconds(manyMs)} for all of them) ${seconds(busyMs)}`,
		);
		// Other work on the machine weighs on these figures: the load says how much there was.
		console.log(
			`load average at the end: ${os
				.loadavg()
				.map((n) => n.toFixed(2))
				.join(", ")} (1, 5, 15 min) on ${os.cpus().length} CPUs`,
		);
		const ratio = busyMs / idleMs;
		console.log(
			`busy / idle: ${ratio.toFixed(2)}× (target ≤ 1.5×: ${ratio <= 1.5 ? "met" : "NOT met"})`,
		);
	} finally {
		for (const s of started.reverse()) await s.stop().catch(() => undefined);
		await rm(dir, { recursive: true, force: true });
	}
}

await main();
