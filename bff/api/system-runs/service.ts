import type { Selectable } from "kysely";
import type { AuditSink } from "../../core/access.ts";
import type { Jobs } from "../../jobs/jobs.ts";
import type { Run, RunHistory, RunTable } from "../../jobs/runs/history.ts";
import type { ScheduleType, SystemSchedule } from "../../jobs/runs/schedule.ts";
import type { RunStatus, RunsTable } from "../../jobs/runs/tables.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";

/** Harbor's job_status words. */
const statusWord: Record<RunStatus, string> = {
	pending: "Pending",
	running: "Running",
	success: "Success",
	error: "Error",
	stopped: "Stopped",
};

export type ScheduleInput = {
	type: ScheduleType | "Manual" | "None" | "Schedule";
	cron?: string | null;
};

/** What one kind of system run (GC, audit-log purge) tells the shared service about itself. */
export type SystemRuns<T extends RunTable, P> = {
	history: RunHistory<T>;
	schedule: SystemSchedule<P>;
	jobs: Jobs;
	jobType: string;
};

/**
 * The rules of a system run's API (Harbor's `gc` and `purge` tags have the same shape): runs (one at a time), their
 * history and logs, the schedule; every change audited. `words` name the run in messages and the audit log; `extra`
 * adds a kind's own fields to its history entries.
 */
export function createSystemRunService<T extends RunTable, P>(deps: {
	runs: SystemRuns<T, P>;
	audit: AuditSink;
	words: { noun: string; short: string; resourceType: string };
	extra?(row: Run<T>): Record<string, unknown>;
	/** Whether the parameters ask for a dry run (named in the audit log). */
	dryRun?(parameters: P): boolean;
}) {
	const { history, schedule, jobs, jobType } = deps.runs;
	const { noun, short, resourceType } = deps.words;
	const base = (row: Run<T>) => row as Selectable<RunsTable>;

	async function found(id: number): Promise<Run<T>> {
		const row = await history.get(id);
		if (!row) throw notFound(`${noun} ${id} not found`);
		return history.reconcile(row);
	}

	const json = (row: Run<T>, progress?: number) => {
		const r = base(row);
		return {
			id: r.id,
			job_name: jobType,
			job_kind: r.kind,
			job_parameters: r.parameters,
			job_status: statusWord[r.status],
			deleted: false,
			creation_time: r.creation_time,
			update_time: r.update_time,
			// Beyond Harbor (whose console digs them out of the log): what the run did (a dry run: would do), and how far it is.
			...deps.extra?.(row),
			...(progress === undefined ? {} : { progress }),
		};
	};

	const withProgress = async (row: Run<T>) => {
		const r = base(row);
		return json(
			row,
			r.status === "running" && r.job_id
				? (await jobs.get(r.job_id))?.progress
				: undefined,
		);
	};

	const record = (operator: string, resource: string, operation: string) =>
		deps.audit.record({
			project: null,
			operator,
			resource,
			resourceType,
			operation,
		});

	const service = {
		/** Starts a run now; 409 while another is pending or running. */
		async run(parameters: P, operator: string): Promise<number> {
			const id = await history.openFreeing("Manual", parameters);
			if (id === undefined)
				throw new ApiError(
					"CONFLICT",
					`${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun} is already running: wait for it to end or stop it`,
				);
			try {
				await history.setJob(
					id,
					await jobs.enqueue(
						jobType,
						{ runId: id, parameters },
						{ attempts: 1 },
					),
				);
			} catch (e) {
				await history.release(id, "error");
				throw e;
			}
			record(
				operator,
				`${short} #${id}${deps.dryRun?.(parameters) ? " (dry run)" : ""}`,
				"create",
			);
			return id;
		},

		async stop(id: number, operator: string) {
			const row = base(await found(id));
			if (row.status !== "pending" && row.status !== "running") return;
			if (row.job_id) await jobs.stop(row.job_id);
			// Stopped while still queued: it never runs, so nothing else ends it.
			const now = await history.get(id);
			if (now && base(now).status === "pending")
				await history.release(id, "stopped");
			record(operator, `${short} #${id}`, "stop");
		},

		get: async (id: number) => withProgress(await found(id)),

		async list(limit: number, offset: number) {
			const { rows, total } = await history.list(limit, offset);
			return {
				items: await Promise.all(
					rows.map(async (r) => withProgress(await history.reconcile(r))),
				),
				total,
			};
		},

		/** The run's plain-text log (empty once the job system has dropped it). */
		async log(id: number): Promise<string> {
			const row = base(await found(id));
			const lines = row.job_id ? await jobs.log(row.job_id) : undefined;
			return (lines ?? []).map((l) => `${l}\n`).join("");
		},

		/** Harbor answers the schedule in the history's shape; no schedule is `{}`. */
		async getSchedule() {
			const s = await schedule.get();
			if (!s) return {};
			return {
				id: 0,
				job_name: jobType,
				job_kind: "Schedule",
				job_parameters: JSON.stringify(s.parameters),
				deleted: false,
				schedule: {
					type: s.type,
					cron: s.cron,
					next_scheduled_time: s.nextRun,
				},
				creation_time: s.creationTime,
				update_time: s.updateTime,
			};
		},

		/** Manual runs now (answers its id); None removes the schedule; the others set it. */
		async setSchedule(
			input: ScheduleInput,
			parameters: P,
			operator: string,
		): Promise<number | undefined> {
			if (input.type === "Manual") return service.run(parameters, operator);
			if (input.type === "None") {
				await schedule.remove();
			} else {
				const type = input.type === "Schedule" ? "Custom" : input.type;
				if (type === "Custom" && !input.cron?.trim())
					throw badRequest(
						'a Custom schedule needs a cron (six fields, seconds first: "0 0 2 * * *")',
					);
				await schedule.set(type, input.cron ?? "", parameters); // a cron Harbor would refuse: CronError → 400
			}
			record(
				operator,
				`${short} schedule ${input.type}${input.cron ? ` ${input.cron}` : ""}`,
				"update",
			);
			return undefined;
		},
	};
	return service;
}

export type SystemRunService<P> = ReturnType<
	typeof createSystemRunService<RunTable, P>
>;
