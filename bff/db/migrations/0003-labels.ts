import {
	type ColumnDefinitionBuilder,
	type Kysely,
	PostgresAdapter,
	sql,
} from "kysely";

/**
 * Labels (global: scope 'g', project_id 0; project: scope 'p'), artifact labels, and the indexes the repository and
 * artifact lists page on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const name = (c: ColumnDefinitionBuilder) =>
		(pg ? c.modifyFront(sql`collate "C"`) : c).notNull();
	const table = pg
		? db.schema
				.createTable("labels")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("labels")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await table
		.addColumn("name", "text", (c) => name(c))
		.addColumn("description", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("color", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("scope", "text", (c) => c.notNull())
		// 0 for global labels, so no foreign key: a project's labels are removed with it by the label store.
		.addColumn("project_id", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.addUniqueConstraint("labels_scope_name", ["scope", "project_id", "name"])
		.execute();
	await db.schema
		.createIndex("labels_project")
		.on("labels")
		.columns(["project_id", "id"])
		.execute();

	await db.schema
		.createTable("artifact_labels")
		.addColumn("artifact_id", "integer", (c) =>
			c.notNull().references("artifacts.id").onDelete("cascade"),
		)
		.addColumn("label_id", "integer", (c) =>
			c.notNull().references("labels.id").onDelete("cascade"),
		)
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addPrimaryKeyConstraint("artifact_labels_pk", ["artifact_id", "label_id"])
		.execute();
	await db.schema
		.createIndex("artifact_labels_label")
		.on("artifact_labels")
		.columns(["label_id", "artifact_id"])
		.execute();

	// The repository and artifact lists page in SQL, newest first, per project.
	await db.schema
		.createIndex("repositories_project_time")
		.on("repositories")
		.columns(["project_id", "creation_time"])
		.execute();
	await db.schema
		.createIndex("repositories_time")
		.on("repositories")
		.column("creation_time")
		.execute();
	await db.schema
		.createIndex("artifacts_project_push")
		.on("artifacts")
		.columns(["project_id", "push_time"])
		.execute();
}
