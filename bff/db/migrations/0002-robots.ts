import {
	type ColumnDefinitionBuilder,
	type Kysely,
	PostgresAdapter,
	sql,
} from "kysely";

/** Robot accounts: `robot$name` (system level) or `robot$project+name` (project level), their hashed secret and grants. */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const name = (c: ColumnDefinitionBuilder) =>
		(pg ? c.modifyFront(sql`collate "C"`) : c).notNull();
	const big = pg ? "bigint" : "integer";
	const table = pg
		? db.schema
				.createTable("robots")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("robots")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await table
		.addColumn("name", "text", (c) => name(c).unique())
		.addColumn("description", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("secret_hash", "text", (c) => c.notNull())
		.addColumn("level", "text", (c) => c.notNull())
		// Project robots go with their project.
		.addColumn("project_id", "integer", (c) =>
			c.references("projects.id").onDelete("cascade"),
		)
		.addColumn("duration", big, (c) => c.notNull())
		.addColumn("expires_at", big, (c) => c.notNull())
		.addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
		// [{kind, namespace, access:[{resource, action}]}] as JSON: read whole with the robot on every authentication.
		.addColumn("permissions", "text", (c) => c.notNull())
		.addColumn("creator_type", "text", (c) => c.notNull())
		.addColumn("creator_ref", "integer", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex("robots_project_time")
		.on("robots")
		.columns(["project_id", "creation_time"])
		.execute();
	await db.schema
		.createIndex("robots_level_time")
		.on("robots")
		.columns(["level", "creation_time"])
		.execute();
	await db.schema
		.createIndex("robots_time")
		.on("robots")
		.column("creation_time")
		.execute();
}
