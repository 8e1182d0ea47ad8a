import { type Kysely, PostgresAdapter } from "kysely";

/**
 * Project quotas: one row per project holding its hard storage limit (-1 unlimited). Usage is never stored: it is the
 * sum of the distinct blobs linked to the project (project_blobs ⨝ blobs), so it cannot drift from what is there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	await db.schema
		.createTable("quotas")
		.addColumn("project_id", "integer", (c) =>
			c.primaryKey().references("projects.id").onDelete("cascade"),
		)
		.addColumn("hard_storage", pg ? "bigint" : "integer", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
	// Usage sums blob sizes over a project's links: with (digest, size) in one index the join never reads the blobs table.
	await db.schema
		.createIndex("blobs_digest_size")
		.on("blobs")
		.columns(["digest", "size"])
		.execute();
	// Public-project counts (statistics, anonymous lists) answer from an index rather than a scan of every project.
	await db.schema
		.createIndex("projects_public_name")
		.on("projects")
		.columns(["public", "name"])
		.execute();
	// The console lists projects newest first.
	await db.schema
		.createIndex("projects_creation_time")
		.on("projects")
		.columns(["creation_time", "id"])
		.execute();
}
