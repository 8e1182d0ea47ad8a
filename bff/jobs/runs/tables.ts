import type { Generated } from "kysely";

export type RunStatus = "pending" | "running" | "success" | "error" | "stopped";

/**
 * The columns every system run's history shares (Harbor's ExecHistory / GCHistory): GC's `gc_runs` (migration 0015)
 * and the audit-log purge's `purge_runs` (0020) add their own counts beside these.
 */
export interface RunsTable {
	id: Generated<number>;
	job_id: string | null;
	/** Harbor's job_kind: Manual or Schedule. */
	kind: string;
	/** JSON: the run's parameters. */
	parameters: string;
	status: RunStatus;
	/** 1 while this run holds its kind's one-at-a-time lock, else null (a unique column: NULLs do not collide). */
	active: number | null;
	creation_time: string;
	update_time: string;
}
