import {
	type ColumnDefinitionBuilder,
	type Kysely,
	PostgresAdapter,
	sql,
} from "kysely";

/**
 * Replication (Harbor's replication_policy, replication_execution, replication_task). A policy names one remote
 * endpoint as its source (pull) or destination (push); an execution is one run of it; a task is one artifact copied or
 * deleted. An execution's counts are derived from its tasks, never kept beside them.
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
	// Names sort in byte order on Postgres as on SQLite (DECISIONS).
	const name = (c: ColumnDefinitionBuilder) =>
		(pg ? c.modifyFront(sql`collate "C"`) : c).notNull().unique();
	await serial("replication_policies")
		.addColumn("name", "text", name)
		.addColumn("description", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("src_registry_id", "integer")
		.addColumn("dest_registry_id", "integer")
		.addColumn("dest_namespace", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("dest_namespace_replace_count", "integer", (c) =>
			c.notNull().defaultTo(-1),
		)
		.addColumn("trigger_type", "text", (c) => c.notNull())
		.addColumn("cron", "text")
		.addColumn("filters", "text", (c) => c.notNull())
		.addColumn("replicate_deletion", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("override", "integer", (c) => c.notNull().defaultTo(1))
		.addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
		.addColumn("speed", "integer", (c) => c.notNull().defaultTo(-1))
		.addColumn("copy_by_chunk", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
	// "Which policies use this endpoint" (deleting an endpoint, 412).
	await db.schema
		.createIndex("replication_policies_src")
		.on("replication_policies")
		.column("src_registry_id")
		.execute();
	await db.schema
		.createIndex("replication_policies_dest")
		.on("replication_policies")
		.column("dest_registry_id")
		.execute();

	await serial("replication_executions")
		.addColumn("policy_id", "integer", (c) =>
			c.notNull().references("replication_policies.id").onDelete("cascade"),
		)
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("trigger", "text", (c) => c.notNull())
		.addColumn("status_text", "text", (c) => c.notNull().defaultTo(""))
		// The job that lists the source and writes the tasks; 1 once it has written them all.
		.addColumn("job_id", "text")
		.addColumn("enumerated", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("stop_requested", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("start_time", "text", (c) => c.notNull())
		.addColumn("end_time", "text")
		.execute();
	await db.schema
		.createIndex("replication_executions_policy")
		.on("replication_executions")
		.columns(["policy_id", "id"])
		.execute();
	await db.schema
		.createIndex("replication_executions_status")
		.on("replication_executions")
		.columns(["status", "id"])
		.execute();
	await db.schema
		.createIndex("replication_executions_job")
		.on("replication_executions")
		.column("job_id")
		.execute();

	await serial("replication_tasks")
		.addColumn("execution_id", "integer", (c) =>
			c.notNull().references("replication_executions.id").onDelete("cascade"),
		)
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("status_text", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("job_id", "text")
		.addColumn("operation", "text", (c) => c.notNull())
		.addColumn("resource_type", "text", (c) => c.notNull())
		.addColumn("src_resource", "text", (c) => c.notNull())
		.addColumn("dst_resource", "text", (c) => c.notNull())
		// What the task job copies: repositories, the artifact's digest and its tags (JSON array).
		.addColumn("src_repository", "text", (c) => c.notNull())
		.addColumn("dst_repository", "text", (c) => c.notNull())
		.addColumn("digest", "text", (c) => c.notNull())
		.addColumn("tags", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("start_time", "text")
		.addColumn("end_time", "text")
		// An execution's listing may run again after a restart: one task per artifact and operation, whatever it finds twice.
		.addUniqueConstraint("replication_tasks_artifact", [
			"execution_id",
			"operation",
			"src_repository",
			"digest",
		])
		.execute();
	await db.schema
		.createIndex("replication_tasks_execution")
		.on("replication_tasks")
		.columns(["execution_id", "status", "id"])
		.execute();
}
