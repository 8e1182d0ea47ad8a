/**
 * `npm run bench:webhooks`: webhook deliveries never slow a push. One Wharf (a child process, as `npm start` runs it)
 * and a receiver in this process that answers each request after 1 s. Pushes are timed with no webhook, then with a
 * policy that sends every push to the slow receiver, so BENCH_DELIVERIES deliveries queue behind it while the pushes
 * go on; the medians and 95th percentiles are printed side by side with their difference, and how many deliveries the
 * receiver had got when the pushes ended. A script: asserts nothing.
 *
 * Knobs: BENCH_WARMUP_PUSHES (untimed, default 300), BENCH_BASELINE_PUSHES (default 300), BENCH_DELIVERIES (pushes with the webhook, default 1000),
 * BENCH_RECEIVER_DELAY_MS (default 1000), BENCH_DATABASE_URL (Postgres instead of the embedded SQLite), BENCH_TMPDIR.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createV2Client } from "../replication/v2-client.ts";
import { pushImage } from "../test/oci-fixtures.ts";
import { startWharfProcess } from "./servers.ts";

const warmup = Number(process.env.BENCH_WARMUP_PUSHES ?? 300);
const baselinePushes = Number(process.env.BENCH_BASELINE_PUSHES ?? 300);
const deliveries = Number(process.env.BENCH_DELIVERIES ?? 1000);
const delayMs = Number(process.env.BENCH_RECEIVER_DELAY_MS ?? 1000);
const adminPassword = `Bench-${randomBytes(6).toString("hex")}`;
const root = await mkdtemp(
	path.join(process.env.BENCH_TMPDIR ?? os.tmpdir(), "wharf-webhook-bench-"),
);

let received = 0;
const receiver = http.createServer((req, res) => {
	req.resume();
	req.on("end", () =>
		setTimeout(() => {
			received++;
			res.end("ok");
		}, delayMs),
	);
});
await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const wharf = await startWharfProcess(root, process.cwd(), {
	adminPassword,
	env: process.env.BENCH_DATABASE_URL
		? { DATABASE_URL: process.env.BENCH_DATABASE_URL }
		: {},
});
const auth = `Basic ${Buffer.from(`admin:${adminPassword}`).toString("base64")}`;
const call = (p: string, body: unknown) =>
	fetch(`${wharf.base}/api/v2.0${p}`, {
		method: "POST",
		headers: { Authorization: auth, "Content-Type": "application/json" },
		body: JSON.stringify(body),
	}).then(async (r) => {
		if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
	});

const client = createV2Client({
	url: wharf.base,
	credential: { username: "admin", password: adminPassword },
});
const ms = (xs: number[], q: number) =>
	[...xs].sort((a, b) => a - b)[
		Math.min(xs.length - 1, Math.floor(xs.length * q))
	];

async function timedPushes(n: number, repo: string): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < n; i++) {
		const start = performance.now();
		await pushImage(client, `bench/${repo}`, `t${i}`, { layerBytes: 1024 });
		times.push(performance.now() - start);
	}
	return times;
}

try {
	await call("/projects", {
		project_name: "bench",
		metadata: { public: "false" },
		storage_limit: -1,
	});
	await timedPushes(warmup, "warmup"); // the server's JIT and caches warm before anything is timed
	const before = await timedPushes(baselinePushes, "quiet");
	await call("/projects/bench/webhook/policies", {
		name: "slow",
		enabled: true,
		event_types: ["PUSH_ARTIFACT"],
		targets: [{ type: "http", address: receiverUrl }],
	});
	const during = await timedPushes(deliveries, "hooked");
	const row = (label: string, xs: number[]) =>
		`${label.padEnd(34)} ${String(xs.length).padStart(5)} pushes  p50 ${ms(xs, 0.5).toFixed(1).padStart(7)} ms  p95 ${ms(xs, 0.95).toFixed(1).padStart(7)} ms`;
	console.log(
		`webhook deliveries vs pushes (${process.env.BENCH_DATABASE_URL ? "Postgres" : "SQLite"}; receiver answers after ${delayMs} ms; load ${os
			.loadavg()
			.map((l) => l.toFixed(2))
			.join(" ")})`,
	);
	console.log(row("no webhook", before));
	console.log(row(`each push → slow receiver`, during));
	console.log(
		`difference: p50 ${(ms(during, 0.5) - ms(before, 0.5)).toFixed(1)} ms, p95 ${(ms(during, 0.95) - ms(before, 0.95)).toFixed(1)} ms; ` +
			`${received} of ${deliveries} deliveries done when the pushes ended (the rest still queued)`,
	);
} finally {
	await client.close();
	await wharf.stop();
	receiver.closeAllConnections();
	receiver.close();
	await rm(root, { recursive: true, force: true });
}
