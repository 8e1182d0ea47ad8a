import { type Kysely, PostgresAdapter } from "kysely";

/**
 * The audit-log purge (bff/audit/purge.ts): `purge_runs` is its history (Harbor's ExecHistory), shaped as GC's
 * `gc_runs` (bff/jobs/runs/): `active` is 1 on the run that holds the one-purge-at-a-time lock (unique: NULLs do not
 * collide). The purge itself reads `audit_logs` through the indexes 0001 made (operation + op_time, op_time).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const table = pg
		? db.schema
				.createTable("purge_runs")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("purge_runs")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await table
		.addColumn("job_id", "text")
		.addColumn("kind", "text", (c) => c.notNull())
		.addColumn("parameters", "text", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("active", "integer", (c) => c.unique())
		.addColumn("deleted", pg ? "bigint" : "integer", (c) =>
			c.notNull().defaultTo(0),
		)
		.addColumn("by_event_type", "text", (c) => c.notNull().defaultTo("{}"))
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
}
