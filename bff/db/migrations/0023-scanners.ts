import { type Kysely, PostgresAdapter } from "kysely";

/**
 * Scanner registrations (Harbor's scanner_registration): the adapters Wharf sends scans to, one the system default;
 * the credential sealed under the master key; what the adapter last said of itself (name, vendor, version,
 * capabilities). A project may pick its own (project_scanners), else it uses the default.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const table = pg
		? db.schema
				.createTable("scanner_registrations")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("scanner_registrations")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await table
		.addColumn("uuid", "text", (c) => c.notNull().unique())
		.addColumn("name", "text", (c) => c.notNull().unique())
		.addColumn("description", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("url", "text", (c) => c.notNull().unique())
		.addColumn("auth", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("access_credential", "text")
		.addColumn("skip_cert_verify", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("use_internal_addr", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
		// 1 on the default registration, else null: a unique column, so there is at most one.
		.addColumn("is_default", "integer", (c) => c.unique())
		.addColumn("metadata", "text")
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
	await db.schema
		.createTable("project_scanners")
		.addColumn("project_id", "integer", (c) =>
			c.primaryKey().references("projects.id").onDelete("cascade"),
		)
		.addColumn("registration_id", "integer", (c) =>
			c.notNull().references("scanner_registrations.id").onDelete("cascade"),
		)
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable("project_scanners").execute();
	await db.schema.dropTable("scanner_registrations").execute();
}
