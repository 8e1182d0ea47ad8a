import { type Kysely, PostgresAdapter } from "kysely";

/**
 * The job system's tables (bff/jobs/). `jobs` is the database backend's queue: a worker claims a pending row by an
 * atomic update and holds it by a lease it renews (`lease_until`), so work a dead process held goes back to pending.
 * `job_logs` holds each job's plain-text lines (both backends keep logs where their jobs are: BullMQ in Redis).
 * `job_queues` keeps a job type's paused switch; `schedules` the cron schedules, fired by whoever claims `next_run`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const serial = (name: string) =>
		pg
			? db.schema
					.createTable(name)
					.addColumn("id", "serial", (c) => c.primaryKey())
			: db.schema
					.createTable(name)
					.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await serial("jobs")
		.addColumn("type", "text", (c) => c.notNull())
		.addColumn("payload", "text", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("progress", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("max_attempts", "integer", (c) => c.notNull())
		.addColumn("backoff_ms", "integer", (c) => c.notNull())
		.addColumn("run_after", "text", (c) => c.notNull())
		.addColumn("worker_id", "text")
		.addColumn("lease_until", "text")
		.addColumn("stop_requested", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("error", "text")
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("start_time", "text")
		.addColumn("end_time", "text")
		.execute();
	// The claim's lookup: a type's pending rows in order.
	await db.schema
		.createIndex("jobs_type_status")
		.on("jobs")
		.columns(["type", "status", "id"])
		.execute();
	await db.schema
		.createIndex("jobs_status_lease")
		.on("jobs")
		.columns(["status", "lease_until"])
		.execute();
	await serial("job_logs")
		.addColumn("job_id", "integer", (c) =>
			c.notNull().references("jobs.id").onDelete("cascade"),
		)
		.addColumn("line", "text", (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex("job_logs_job")
		.on("job_logs")
		.columns(["job_id", "id"])
		.execute();
	await db.schema
		.createTable("job_queues")
		.addColumn("type", "text", (c) => c.primaryKey())
		.addColumn("paused", "integer", (c) => c.notNull())
		.execute();
	await serial("schedules")
		.addColumn("vendor_type", "text", (c) => c.notNull())
		.addColumn("vendor_id", "integer", (c) => c.notNull())
		.addColumn("cron", "text", (c) => c.notNull())
		.addColumn("payload", "text", (c) => c.notNull())
		.addColumn("next_run", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.addUniqueConstraint("schedules_vendor", ["vendor_type", "vendor_id"])
		.execute();
	await db.schema
		.createIndex("schedules_next_run")
		.on("schedules")
		.column("next_run")
		.execute();
}
