import { type Kysely, PostgresAdapter } from "kysely";

/**
 * Webhooks (Harbor's notification_policy, and its WEBHOOK executions and tasks). A policy belongs to a project; its
 * targets (JSON, each auth header sealed) get one task per event. An execution is one event sent to one policy; its
 * status and the policy's last trigger per event type are derived from the rows, never kept beside them.
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
	await serial("webhook_policies")
		.addColumn("project_id", "integer", (c) =>
			c.notNull().references("projects.id").onDelete("cascade"),
		)
		.addColumn("name", "text", (c) => c.notNull())
		.addColumn("description", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
		.addColumn("event_types", "text", (c) => c.notNull())
		.addColumn("targets", "text", (c) => c.notNull())
		.addColumn("creator", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.addUniqueConstraint("webhook_policies_name", ["project_id", "name"])
		.execute();

	await serial("webhook_executions")
		.addColumn("policy_id", "integer", (c) =>
			c.notNull().references("webhook_policies.id").onDelete("cascade"),
		)
		.addColumn("event_type", "text", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("start_time", "text", (c) => c.notNull())
		.addColumn("end_time", "text")
		.execute();
	// A policy's executions newest first, and its last trigger per event type.
	await db.schema
		.createIndex("webhook_executions_policy")
		.on("webhook_executions")
		.columns(["policy_id", "event_type", "id"])
		.execute();

	await serial("webhook_tasks")
		.addColumn("execution_id", "integer", (c) =>
			c.notNull().references("webhook_executions.id").onDelete("cascade"),
		)
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("status_text", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("job_id", "text")
		.addColumn("run_count", "integer", (c) => c.notNull().defaultTo(0))
		// The target as it was when the event came (type, address, format, skip_cert_verify; the sealed auth header).
		.addColumn("target", "text", (c) => c.notNull())
		// Harbor's Default payload of the event, formatted for the target when sent.
		.addColumn("payload", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.addColumn("start_time", "text")
		.addColumn("end_time", "text")
		.execute();
	await db.schema
		.createIndex("webhook_tasks_execution")
		.on("webhook_tasks")
		.columns(["execution_id", "id"])
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable("webhook_tasks").execute();
	await db.schema.dropTable("webhook_executions").execute();
	await db.schema.dropTable("webhook_policies").execute();
}
