/**
 * Management-API benchmark (`npm run bench:api`): seeds 100,000 artifacts (tagged) in one repository, 10,000 projects
 * and 1,000,000 audit-log rows straight into the metadata database, then times the console's heaviest lists over HTTP
 * on SQLite and on Postgres, sequentially, and prints p50/p95 per query against the issue's targets.
 * A script, not a test: it asserts nothing. Knobs: BENCH_API_ENGINES (sqlite,postgres), BENCH_API_SAMPLES (40).
 */
import {
	adminAuth,
	type Engine,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../test/harness.ts";
import { seedBench } from "./seed.ts";

const artifacts = 100_000;
const projects = 10_000;
const auditRows = 1_000_000;
const samples = Number(process.env.BENCH_API_SAMPLES ?? 40);
const engines = (process.env.BENCH_API_ENGINES ?? "sqlite,postgres").split(
	",",
) as Engine[];

async function time(
	s: TestServer,
	path: string,
): Promise<{ p50: number; p95: number; total: string | null }> {
	const ms: number[] = [];
	let total: string | null = null;
	for (let i = 0; i < samples + 3; i++) {
		const start = performance.now();
		const r = await fetch(`${s.url}/api/v2.0${path}`, {
			headers: { Authorization: adminAuth },
		});
		await r.arrayBuffer();
		if (!r.ok) throw new Error(`${path}: ${r.status}`);
		total = r.headers.get("x-total-count");
		if (i >= 3) ms.push(performance.now() - start); // the first calls warm caches
	}
	ms.sort((a, b) => a - b);
	return {
		p50: ms[Math.floor(ms.length * 0.5)],
		p95: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)],
		total,
	};
}

const dayAgo = new Date(Date.now() - 86_400_000)
	.toISOString()
	.replace("T", " ")
	.slice(0, 19);
const hourAgo = new Date(Date.now() - 3_600_000)
	.toISOString()
	.replace("T", " ")
	.slice(0, 19);
const queries: { what: string; path: string; target: number }[] = [
	{
		what: "artifacts page 1 (50, with tags)",
		path: "/projects/bench/repositories/big/artifacts?page=1&page_size=50&with_tag=true",
		target: 50,
	},
	{
		what: "artifacts page 1000 (50, with tags)",
		path: "/projects/bench/repositories/big/artifacts?page=1000&page_size=50&with_tag=true",
		target: 50,
	},
	{
		what: "projects page 1 (50)",
		path: "/projects?page=1&page_size=50",
		target: 50,
	},
	{
		what: "projects page 100 (50)",
		path: "/projects?page=100&page_size=50",
		target: 50,
	},
	{
		what: "audit log: operation + time range",
		path: `/audit-logs?page=1&page_size=50&q=${encodeURIComponent(`operation=delete,op_time=[${dayAgo}~${hourAgo}]`)}`,
		target: 100,
	},
	{
		what: "audit log: operation only",
		path: `/audit-logs?page=1&page_size=50&q=${encodeURIComponent("operation=pull")}`,
		target: 100,
	},
];

const rows: string[] = [];
for (const engine of engines) {
	const s = await startTestServer(engine);
	try {
		const started = performance.now();
		await seedBench(s.db, engine, { artifacts, projects, auditRows });
		process.stderr.write(
			`${engine}: seeded ${artifacts} artifacts, ${projects} projects, ${auditRows} audit rows in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
		);
		for (const q of queries) {
			const r = await time(s, q.path);
			rows.push(
				`${engine.padEnd(9)} ${q.what.padEnd(38)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  target < ${q.target} ms  ${r.p95 < q.target ? "PASS" : "FALL SHORT"}  (X-Total-Count ${r.total})`,
			);
		}
	} finally {
		await stopTestServer(s);
	}
}
console.log(
	`\nManagement API, sequential requests, ${samples} samples each (after 3 warm-up calls)\n`,
);
console.log(rows.join("\n"));
