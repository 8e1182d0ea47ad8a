import { z } from "zod";
import type { Db } from "../db/database.ts";
import type { Jobs } from "../jobs/jobs.ts";
import { createRunHistory } from "../jobs/runs/history.ts";
import { registerRunJob } from "../jobs/runs/run-job.ts";
import { createSystemSchedule } from "../jobs/runs/schedule.ts";
import type { Scanning } from "./scanning.ts";

export const scanAllJobType = "SCAN_ALL";
const parameters = z.object({}).passthrough();
export type ScanAllParameters = z.infer<typeof parameters>;

/** Artifacts read a page at a time (by id), so a registry of any size is walked in bounded memory. */
const pageSize = 200;

/**
 * "Scan all" (Harbor's scanAll): a system run, one at a time, now or on a schedule, that asks each project's scanner to
 * scan every image (top-level, IMAGE) of every project that has one, as the single scans do; its metrics count those
 * scans' outcomes. A stop ends the walk and the scans it queued that have not begun.
 */
export function createScanAll(deps: {
	db: Db;
	jobs: Jobs;
	scanning: Scanning;
}) {
	const { db } = deps;
	const history = createRunHistory(db, deps.jobs, "scan_all_runs");
	const schedule = createSystemSchedule<ScanAllParameters>(
		db,
		deps.jobs.schedules,
		scanAllJobType,
	);

	registerRunJob({
		jobs: deps.jobs,
		type: scanAllJobType,
		history,
		parameters,
		noun: "scan all",
		stoppedNote: "scans already running finish; those not begun are stopped",
		emptyResult: () => ({ requested: 0 }),
		counts: (r) => ({ requested: r.requested }),
		async run(ctx, _params, result) {
			// A manual run's job carries its run's id (its row learns the job's id only after the job is queued, and the job
			// may start first); a scheduled run's row is opened with its job's id.
			const runId =
				(ctx.payload as { runId?: number }).runId ??
				(await history.byJob(ctx.id))?.id;
			if (runId === undefined) throw new Error("the run of this job is gone");
			const total = Number(
				(
					await db
						.selectFrom("artifacts")
						.select((eb) => eb.fn.countAll<number>().as("n"))
						.where("top_level", "=", 1)
						.where("type", "=", "IMAGE")
						.executeTakeFirstOrThrow()
				).n,
			);
			let after = 0;
			let seen = 0;
			for (;;) {
				if (ctx.signal.aborted) throw ctx.signal.reason;
				const page = await db
					.selectFrom("artifacts")
					.innerJoin(
						"repositories",
						"repositories.id",
						"artifacts.repository_id",
					)
					.select([
						"artifacts.id",
						"artifacts.digest",
						"artifacts.project_id",
						"artifacts.manifest_media_type",
						"repositories.name as repository",
					])
					.where("artifacts.top_level", "=", 1)
					.where("artifacts.type", "=", "IMAGE")
					.where("artifacts.id", ">", after)
					.orderBy("artifacts.id")
					.limit(pageSize)
					.execute();
				if (page.length === 0) break;
				for (const a of page) {
					if (ctx.signal.aborted) throw ctx.signal.reason;
					const asked = await deps.scanning.scan(
						{
							id: a.id,
							digest: a.digest,
							projectId: a.project_id,
							repository: a.repository,
							mediaType: a.manifest_media_type,
						},
						runId,
					);
					if (asked) result.requested++;
				}
				after = page[page.length - 1].id;
				seen += page.length;
				await ctx.progress(total ? (seen / total) * 100 : 100);
			}
			await ctx.log(`asked for ${result.requested} scans of ${seen} images`);
		},
	});

	return {
		history,
		schedule,
		jobs: deps.jobs,

		/** Harbor's Stats of the latest run of `kind`: its scans by status, and whether any is still to finish. */
		async metrics(kind: "Manual" | "Schedule") {
			const run = await db
				.selectFrom("scan_all_runs")
				.selectAll()
				.where("kind", "=", kind)
				.orderBy("id", "desc")
				.executeTakeFirst();
			if (!run)
				return {
					total: 0,
					completed: 0,
					metrics: {},
					ongoing: false,
					trigger: kind,
				};
			const fresh = await history.reconcile(run);
			const rows = await db
				.selectFrom("scan_reports")
				.select(["status", (eb) => eb.fn.countAll<number>().as("n")])
				.where("execution_id", "=", run.id)
				.groupBy("status")
				.execute();
			const metrics = Object.fromEntries(
				rows.map((r) => [r.status, Number(r.n)]),
			);
			const completed =
				(metrics.Success ?? 0) + (metrics.Error ?? 0) + (metrics.Stopped ?? 0);
			const walking = fresh.status === "pending" || fresh.status === "running";
			return {
				total: Math.max(Number(fresh.requested), completed),
				completed,
				metrics,
				ongoing: walking || completed < Number(fresh.requested),
				trigger: kind,
			};
		},

		/** Stops the scans a run queued that have not begun (those running finish). */
		async stopQueued(runId: number) {
			const queued = await db
				.selectFrom("scan_reports")
				.select(["id", "job_id"])
				.where("execution_id", "=", runId)
				.where("status", "=", "Pending")
				.execute();
			for (const q of queued) if (q.job_id) await deps.jobs.stop(q.job_id);
			await db
				.updateTable("scan_reports")
				.set({ status: "Stopped", log: "stopped with its scan all" })
				.where("execution_id", "=", runId)
				.where("status", "=", "Pending")
				.execute();
		},
	};
}

export type ScanAll = ReturnType<typeof createScanAll>;
