import type { Updateable } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema.ts";
import type { Jobs } from "../jobs.ts";
import type { JobContext } from "../queue.ts";
import type { RunHistory, RunTable } from "./history.ts";
import type { RunsTable } from "./tables.ts";

/**
 * Registers a system run's job type (GC, audit-log purge). One run at a time across replicas: a manual run's row is
 * opened (holding the lock) before its job is queued and the job carries its id; a scheduled job opens its row when it
 * fires, and is skipped while another run holds the lock. A run given back at shutdown keeps the lock and resumes at
 * the next start. `result` is filled as the run goes, so a stopped or failed run still records what it did.
 */
export function registerRunJob<T extends RunTable, P, R>(deps: {
	jobs: Jobs;
	type: string;
	history: RunHistory<T>;
	parameters: z.ZodType<P>;
	/** What this kind of run is called in its log ("garbage collection"). */
	noun: string;
	/** What a stopped run's log says of the state it leaves. */
	stoppedNote: string;
	emptyResult(): R;
	run(ctx: JobContext, params: P, result: R): Promise<void>;
	/** The history row's own columns for a result. */
	counts(result: R): Omit<Updateable<Database[T]>, keyof RunsTable>;
}) {
	const { history } = deps;
	const payload = z.object({
		runId: z.number().int().optional(),
		parameters: deps.parameters,
	});
	deps.jobs.register(deps.type, {
		concurrency: 1,
		payload,
		async handler(ctx) {
			const params = ctx.payload.parameters as P;
			let id =
				ctx.payload.runId ??
				((await history.byJob(ctx.id)) as { id: number } | undefined)?.id;
			if (id === undefined) {
				id = await history.openFreeing("Schedule", params, ctx.id);
				if (id === undefined) {
					await ctx.log(`skipped: another ${deps.noun} is running`);
					return;
				}
			}
			await history.setStatus(id, "running");
			const result = deps.emptyResult();
			try {
				await deps.run(ctx, params, result);
				await history.finish(id, "success", deps.counts(result));
			} catch (e) {
				if (
					ctx.signal.aborted &&
					/shutting down/.test(
						String((ctx.signal.reason as Error | undefined)?.message),
					)
				) {
					await history.setStatus(id, "pending");
				} else {
					await ctx.log(
						ctx.signal.aborted
							? `stopped: ${deps.stoppedNote}`
							: `failed: ${(e as Error).message}`,
					);
					await history.finish(
						id,
						ctx.signal.aborted ? "stopped" : "error",
						deps.counts(result),
					);
				}
				throw e;
			}
		},
	});
}
