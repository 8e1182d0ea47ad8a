import { type Kysely, PostgresAdapter, sql } from "kysely";

/** System configuration: one row per setting, its value as JSON (bff/api/configurations/settings.ts reads it). */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	await db.schema
		.createTable("settings")
		.addColumn("name", "text", (c) =>
			(pg ? c.modifyFront(sql`collate "C"`) : c).primaryKey(),
		)
		.addColumn("value", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
}
