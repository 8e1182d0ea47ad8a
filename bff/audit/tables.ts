import type { Generated } from "kysely";
import type { RunsTable } from "../jobs/runs/tables.ts";

/** Audit-log purge history (Harbor's ExecHistory, migration 0020): the columns every system run has, and what it deleted. */
export interface PurgeRunsTable extends RunsTable {
	/** Rows deleted (a dry run: that would be). */
	deleted: Generated<number>;
	/** JSON: rows per event type (`{"pull_artifact": 120, …}`). */
	by_event_type: Generated<string>;
}
