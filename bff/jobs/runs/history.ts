import type { Kysely, Selectable, Updateable } from "kysely";
import { type Db, now } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import type { Jobs } from "../jobs.ts";
import type { RunStatus, RunsTable } from "./tables.ts";

/** The tables that hold a system run's history (each beside its own counts). */
export type RunTable = "gc_runs" | "purge_runs" | "scan_all_runs";
export type Run<T extends RunTable> = Selectable<Database[T]>;

/** A unique-constraint violation on either engine (the `active` lock is taken). */
const isUniqueViolation = (e: unknown) =>
	(e as { code?: string }).code === "23505" ||
	/UNIQUE constraint failed/.test((e as Error).message ?? "");

/**
 * The history of one kind of system run (garbage collection, audit-log purge) and the one-run-at-a-time lock its rows
 * carry (`active`, unique): a run holds it from the moment it is asked for (a manual run) or fires (a schedule) until
 * it ends.
 */
export function createRunHistory<T extends RunTable>(
	database: Db,
	jobs: Pick<Jobs, "get">,
	table: T,
) {
	// Every run table has RunsTable's columns; Kysely is told of one of them, and the SQL names the real one.
	const db = database as unknown as Kysely<{ runs: RunsTable }>;
	const runs = table as unknown as "runs";
	type Row = Run<T>;

	const history = {
		/** A new run holding the lock; undefined when another run holds it. */
		async open(
			kind: "Manual" | "Schedule",
			parameters: unknown,
			jobId: string | null = null,
		): Promise<number | undefined> {
			const t = now();
			try {
				const r = await db
					.insertInto(runs)
					.values({
						job_id: jobId,
						kind,
						parameters: JSON.stringify(parameters),
						status: "pending",
						active: 1,
						creation_time: t,
						update_time: t,
					})
					.returning("id")
					.executeTakeFirstOrThrow();
				return r.id;
			} catch (e) {
				if (isUniqueViolation(e)) return undefined;
				throw e;
			}
		},

		holder: async () =>
			(await db
				.selectFrom(runs)
				.selectAll()
				.where("active", "=", 1)
				.executeTakeFirst()) as Row | undefined,

		/** Lets go of a lock whose run can no longer end by itself (its job is gone or ended without saying so). */
		release: (id: number, status: RunStatus) =>
			db
				.updateTable(runs)
				.set({ active: null, status, update_time: now() })
				.where("id", "=", id)
				.execute(),

		setJob: (id: number, jobId: string) =>
			db
				.updateTable(runs)
				.set({ job_id: jobId, update_time: now() })
				.where("id", "=", id)
				.execute(),

		byJob: async (jobId: string) =>
			(await db
				.selectFrom(runs)
				.selectAll()
				.where("job_id", "=", jobId)
				.executeTakeFirst()) as Row | undefined,

		get: async (id: number) =>
			(await db
				.selectFrom(runs)
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst()) as Row | undefined,

		setStatus: (id: number, status: RunStatus) =>
			db
				.updateTable(runs)
				.set({ status, update_time: now() })
				.where("id", "=", id)
				.execute(),

		/** Ends a run: its own counts, its status, and the lock let go. */
		finish: (
			id: number,
			status: RunStatus,
			counts: Omit<Updateable<Database[T]>, keyof RunsTable>,
		) =>
			db
				.updateTable(runs)
				.set({
					...(counts as object),
					status,
					active: null,
					update_time: now(),
				})
				.where("id", "=", id)
				.execute(),

		async list(
			limit: number,
			offset: number,
		): Promise<{ rows: Row[]; total: number }> {
			const rows = await db
				.selectFrom(runs)
				.selectAll()
				.orderBy("id", "desc")
				.limit(limit)
				.offset(offset)
				.execute();
			const { n } = await db
				.selectFrom(runs)
				.select((eb) => eb.fn.countAll<number>().as("n"))
				.executeTakeFirstOrThrow();
			return { rows: rows as Row[], total: Number(n) };
		},

		/**
		 * A pending or running row whose job ended without its handler saying so (stopped while queued, lost with its
		 * worker) is ended here and lets go of the lock.
		 */
		async reconcile(row: Row): Promise<Row> {
			const r = row as Selectable<RunsTable>;
			if (r.status !== "pending" && r.status !== "running") return row;
			const job = r.job_id ? await jobs.get(r.job_id) : undefined;
			const stale = r.job_id
				? !job ||
					job.status === "success" ||
					job.status === "error" ||
					job.status === "stopped"
				: Date.now() - Date.parse(r.creation_time) > 60_000;
			if (!stale) return row;
			const status: RunStatus = job?.status === "stopped" ? "stopped" : "error";
			await history.release(r.id, status);
			return { ...row, status, active: null };
		},

		/** Takes the lock for a new run, after freeing it from a holder that can no longer end by itself. */
		async openFreeing(
			kind: "Manual" | "Schedule",
			parameters: unknown,
			jobId: string | null = null,
		) {
			const holder = await history.holder();
			if (holder) await history.reconcile(holder);
			return history.open(kind, parameters, jobId);
		},
	};
	return history;
}

export type RunHistory<T extends RunTable> = ReturnType<
	typeof createRunHistory<T>
>;
