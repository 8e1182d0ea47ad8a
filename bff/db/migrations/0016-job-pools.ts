import type { Kysely } from "kysely";

/**
 * `job_pools`: one row per running Wharf process (Harbor's worker pool), written at start, renewed by a heartbeat and
 * removed at shutdown, so `/jobservice/pools` on any replica lists every replica's pool. A row whose heartbeat stopped
 * (a killed process) is not shown and is swept by the next start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable("job_pools")
		.addColumn("id", "text", (c) => c.primaryKey())
		.addColumn("host", "text", (c) => c.notNull())
		.addColumn("pid", "integer", (c) => c.notNull())
		.addColumn("concurrency", "integer", (c) => c.notNull())
		.addColumn("start_at", "text", (c) => c.notNull())
		.addColumn("heartbeat_at", "text", (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable("job_pools").execute();
}
