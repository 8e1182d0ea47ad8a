import type { Generated } from "kysely";
import type { Db } from "../db/database.ts";

/** The job system's tables (migration 0011). Times are ISO-8601 UTC strings, as everywhere. */
export interface JobsTable {
	id: Generated<number>;
	type: string;
	/** JSON. */
	payload: string;
	status: "pending" | "running" | "success" | "error" | "stopped";
	progress: Generated<number>;
	/** Runs begun so far (a run interrupted by a shutdown or a dead worker is given back). */
	attempts: Generated<number>;
	max_attempts: number;
	backoff_ms: number;
	/** Not claimed before this time (retries wait here). */
	run_after: string;
	/** The process running it, and until when its hold is good without a heartbeat. */
	worker_id: string | null;
	lease_until: string | null;
	stop_requested: Generated<number>;
	error: string | null;
	creation_time: string;
	start_time: string | null;
	end_time: string | null;
}

export interface JobLogsTable {
	id: Generated<number>;
	job_id: number;
	line: string;
}

/** One running Wharf process's worker pool (migration 0016). */
export interface JobPoolsTable {
	id: string;
	host: string;
	pid: number;
	/** Jobs it runs at once, every type's pool together. */
	concurrency: number;
	start_at: string;
	heartbeat_at: string;
}

export interface JobQueuesTable {
	type: string;
	paused: number;
}

/** Writes a queue's pause switch (a job type's, or the scheduler's). */
export async function setQueuePaused(
	db: Db,
	type: string,
	paused: boolean,
): Promise<void> {
	await db
		.insertInto("job_queues")
		.values({ type, paused: paused ? 1 : 0 })
		.onConflict((oc) =>
			oc.column("type").doUpdateSet({ paused: paused ? 1 : 0 }),
		)
		.execute();
}

export interface SchedulesTable {
	id: Generated<number>;
	/** The job type it enqueues (Harbor's vendor_type) and the thing it is for (a policy id, 0 for the system's). */
	vendor_type: string;
	vendor_id: number;
	/** Harbor's 6-field cron, seconds first, in UTC. */
	cron: string;
	/** JSON payload of the jobs it enqueues. */
	payload: string;
	next_run: string;
	creation_time: string;
	update_time: string;
}
