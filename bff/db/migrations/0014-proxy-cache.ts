import {
	type ColumnDefinitionBuilder,
	type Kysely,
	PostgresAdapter,
	sql,
} from "kysely";

/**
 * Proxy cache projects. `projects.registry_id` names the endpoint a proxy-cache project pulls through (null: an
 * ordinary project); the foreign key keeps an endpoint in use from being deleted underneath it. `proxy_tag_checks`
 * remembers what the upstream last said a tag points at and when, so every replica, also after a restart, asks the
 * upstream about a tag at most once per window.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	// Names compare in byte order on Postgres as on SQLite (DECISIONS).
	const text = (c: ColumnDefinitionBuilder) =>
		(pg ? c.modifyFront(sql`collate "C"`) : c).notNull();
	await db.schema
		.alterTable("projects")
		.addColumn("registry_id", "integer", (c) => c.references("registries.id"))
		.execute();
	await db.schema
		.createTable("proxy_tag_checks")
		.addColumn("project_id", "integer", (c) =>
			c.notNull().references("projects.id").onDelete("cascade"),
		)
		.addColumn("repository", "text", text)
		.addColumn("tag", "text", text)
		// Null: the upstream has no such tag.
		.addColumn("digest", "text")
		.addColumn("media_type", "text")
		.addColumn("size", "bigint")
		.addColumn("checked_at", "text", (c) => c.notNull())
		.addPrimaryKeyConstraint("proxy_tag_checks_pk", [
			"project_id",
			"repository",
			"tag",
		])
		.execute();
}
