/**
 * `npm run bench:retention`: a retention dry run over BENCH_ARTIFACTS tagged artifacts (default 10,000, in one
 * repository) through the API, from the POST that starts it to its end as the executions list reports it; the time is
 * printed beside the figure (under 5 s) with their ratio, on the embedded SQLite and on Postgres. The policy
 * keeps the 100 most recently pushed, so the table it writes has a row for every artifact and nearly all are DEL.
 * docker-registry has no retention to compare with. A script: asserts nothing.
 *
 * Knobs: BENCH_ARTIFACTS (default 10000), BENCH_ENGINES (default "sqlite,postgres"), BENCH_REPS (dry runs timed, median, default 3).
 */
import { performance } from "node:perf_hooks";
import { api } from "../test/api-fixtures.ts";
import {
	type Engine,
	startTestServer,
	stopTestServer,
} from "../test/harness.ts";
import { seedBench } from "./seed.ts";

const artifacts = Number(process.env.BENCH_ARTIFACTS ?? 10_000);
const engines = (process.env.BENCH_ENGINES ?? "sqlite,postgres").split(
	",",
) as Engine[];
const reps = Number(process.env.BENCH_REPS ?? 3);
const targetMs = 5000;

async function timeDryRuns(engine: Engine) {
	const s = await startTestServer(engine, { WHARF_LOG_LEVEL: "warn" });
	try {
		await seedBench(s.db, engine, { artifacts, projects: 0, auditRows: 0 });
		const call = api(s);
		const projectId = (
			await s.db
				.selectFrom("projects")
				.select("id")
				.where("name", "=", "bench")
				.executeTakeFirstOrThrow()
		).id;
		const created = await call("/retentions", {
			method: "POST",
			json: {
				algorithm: "or",
				trigger: { kind: "Schedule", settings: { cron: "" } },
				scope: { level: "project", ref: projectId },
				rules: [
					{
						action: "retain",
						template: "latestPushedK",
						params: { latestPushedK: 100 },
						tag_selectors: [
							{
								kind: "doublestar",
								decoration: "matches",
								pattern: "**",
								extras: '{"untagged":true}',
							},
						],
						scope_selectors: {
							repository: [
								{
									kind: "doublestar",
									decoration: "repoMatches",
									pattern: "**",
								},
							],
						},
					},
				],
			},
		});
		if (created.status !== 201)
			throw new Error(
				`creating the policy answered ${created.status}: ${await created.text()}`,
			);
		const id = created.headers.get("location")!.split("/").pop();
		const times: number[] = [];
		let last = { total: 0, retained: 0 };
		for (let i = 0; i < reps; i++) {
			const start = performance.now();
			const run = await call(`/retentions/${id}/executions`, {
				method: "POST",
				json: { dry_run: true },
			});
			const eid = Number(run.headers.get("location")!.split("/").pop());
			for (;;) {
				const [e] = (await (
					await call(`/retentions/${id}/executions?page_size=1`)
				).json()) as { id: number; status: string }[];
				if (e.id === eid && e.status !== "Pending" && e.status !== "Running") {
					if (e.status !== "Succeed")
						throw new Error(`the dry run ended ${e.status}`);
					break;
				}
				await new Promise((r) => setTimeout(r, 20));
			}
			times.push(performance.now() - start);
			[last] = (await (
				await call(`/retentions/${id}/executions/${eid}/tasks`)
			).json()) as { total: number; retained: number }[];
		}
		times.sort((a, b) => a - b);
		return { engine, ms: times[Math.floor(times.length / 2)], ...last };
	} finally {
		await stopTestServer(s);
	}
}

console.log(
	`retention dry run over ${artifacts} artifacts (keep the last 100), median of ${reps}; target under ${targetMs} ms`,
);
console.log("engine     time (ms)  looked at  retained  time / target");
for (const engine of engines) {
	const r = await timeDryRuns(engine);
	console.log(
		`${r.engine.padEnd(10)} ${r.ms.toFixed(0).padStart(9)}  ${String(r.total).padStart(9)}  ${String(r.retained).padStart(8)}  ${(r.ms / targetMs).toFixed(2).padStart(13)}`,
	);
}
