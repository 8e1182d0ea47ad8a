import {
	type ColumnDefinitionBuilder,
	type Kysely,
	PostgresAdapter,
	sql,
} from "kysely";

/**
 * Registry endpoints (Harbor's `registry` table): the remote's URL and type, the credential with its secret sealed by
 * the master key, TLS choices, and the last health check's answer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	// Names sort in byte order on Postgres as on SQLite (DECISIONS).
	const name = (c: ColumnDefinitionBuilder) =>
		(pg ? c.modifyFront(sql`collate "C"`) : c).notNull().unique();
	const table = pg
		? db.schema
				.createTable("registries")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("registries")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await table
		.addColumn("name", "text", name)
		.addColumn("url", "text", (c) => c.notNull())
		.addColumn("type", "text", (c) => c.notNull())
		.addColumn("description", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("credential_type", "text", (c) => c.notNull().defaultTo("basic"))
		.addColumn("access_key", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("access_secret", "text")
		.addColumn("insecure", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("ca_certificate", "text")
		.addColumn("status", "text", (c) => c.notNull().defaultTo("unknown"))
		.addColumn("status_checked_at", "text")
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
}
