import { type Kysely, PostgresAdapter } from "kysely";

/**
 * Tag retention (bff/retention/): Harbor's one policy per project (its rules and trigger kept as Harbor's JSON), its
 * executions, and one task per repository an execution looked at, with the table of what it kept and deleted.
 * Everything goes with its project.
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

	await serial("retention_policies")
		.addColumn("project_id", "integer", (c) =>
			c.notNull().unique().references("projects.id").onDelete("cascade"),
		)
		.addColumn("rules", "text", (c) => c.notNull())
		.addColumn("trigger", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();

	await serial("retention_executions")
		.addColumn("policy_id", "integer", (c) =>
			c.notNull().references("retention_policies.id").onDelete("cascade"),
		)
		.addColumn("job_id", "text")
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("trigger", "text", (c) => c.notNull())
		.addColumn("dry_run", "integer", (c) => c.notNull())
		.addColumn("start_time", "text", (c) => c.notNull())
		.addColumn("end_time", "text")
		.execute();
	await db.schema
		.createIndex("retention_executions_policy")
		.on("retention_executions")
		.columns(["policy_id", "id"])
		.execute();

	await serial("retention_tasks")
		.addColumn("execution_id", "integer", (c) =>
			c.notNull().references("retention_executions.id").onDelete("cascade"),
		)
		.addColumn("repository", "text", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("total", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("retained", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("log", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("start_time", "text", (c) => c.notNull())
		.addColumn("end_time", "text")
		.execute();
	await db.schema
		.createIndex("retention_tasks_execution")
		.on("retention_tasks")
		.columns(["execution_id", "id"])
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable("retention_tasks").execute();
	await db.schema.dropTable("retention_executions").execute();
	await db.schema.dropTable("retention_policies").execute();
}
