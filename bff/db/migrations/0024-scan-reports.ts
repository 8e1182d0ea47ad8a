import { type Kysely, PostgresAdapter } from "kysely";

/**
 * Scan reports: an artifact's latest report of each mime type (one row, replaced by the next scan), the scan's status
 * and job, the report itself (JSON) and its summary as columns, so a page of artifacts gets its scan overviews in one
 * query by artifact id. Reports go with their artifact; a report a "scan all" run asked for names it (execution_id).
 * `scan_all_runs` is that run's history, shaped as GC's (bff/jobs/runs/), with how many scans it asked for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const table = pg
		? db.schema
				.createTable("scan_reports")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("scan_reports")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await table
		.addColumn("uuid", "text", (c) => c.notNull().unique())
		.addColumn("artifact_id", "integer", (c) =>
			c.notNull().references("artifacts.id").onDelete("cascade"),
		)
		.addColumn("registration_uuid", "text", (c) => c.notNull())
		.addColumn("mime_type", "text", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("job_id", "text")
		.addColumn("scan_request_id", "text")
		.addColumn("scanner", "text")
		.addColumn("report", "text")
		.addColumn("severity", "text", (c) => c.notNull().defaultTo("None"))
		.addColumn("total", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("fixable", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("counts", "text", (c) => c.notNull().defaultTo("{}"))
		.addColumn("log", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("start_time", "text", (c) => c.notNull())
		.addColumn("end_time", "text")
		.addColumn("execution_id", "integer")
		.addUniqueConstraint("scan_reports_artifact_mime", [
			"artifact_id",
			"mime_type",
		])
		.execute();
	await db.schema
		.createIndex("scan_reports_execution")
		.on("scan_reports")
		.columns(["execution_id", "status"])
		.execute();

	const runs = pg
		? db.schema
				.createTable("scan_all_runs")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("scan_all_runs")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await runs
		.addColumn("job_id", "text")
		.addColumn("kind", "text", (c) => c.notNull())
		.addColumn("parameters", "text", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("active", "integer", (c) => c.unique())
		.addColumn("requested", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable("scan_all_runs").execute();
	await db.schema.dropTable("scan_reports").execute();
}
