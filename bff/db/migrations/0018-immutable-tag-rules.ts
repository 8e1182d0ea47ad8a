import { type Kysely, PostgresAdapter } from "kysely";

/**
 * Immutable tag rules (Harbor's immutable_tag_rule), at most 15 per project, removed with their project. The selectors
 * are kept as Harbor's JSON (one tag selector, one repository selector), written in one canonical form so the same
 * rule twice in a project is a unique violation (409, as Harbor).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const table = pg
		? db.schema
				.createTable("immutable_tag_rules")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("immutable_tag_rules")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await table
		.addColumn("project_id", "integer", (c) =>
			c.notNull().references("projects.id").onDelete("cascade"),
		)
		.addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("priority", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("tag_selectors", "text", (c) => c.notNull())
		.addColumn("scope_selectors", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.addUniqueConstraint("immutable_tag_rules_unique", [
			"project_id",
			"tag_selectors",
			"scope_selectors",
		])
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable("immutable_tag_rules").execute();
}
