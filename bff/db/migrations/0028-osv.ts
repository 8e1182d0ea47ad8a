import { type Kysely, PostgresAdapter } from "kysely";

/**
 * The built-in scanner's vulnerability database, in OSV's shape: one row per advisory (what the report shows of it,
 * its `modified` for incremental imports) and one per package it affects, found by ecosystem and name (the name in
 * the ecosystem's comparable form: PEP 503's for PyPI), with its ranges and versions as OSV gives them (JSON), so a
 * scan asks for the handful of rows of the packages it found. `osv_imports` is the history of imports: where from,
 * when, how many advisories were new or changed; the database's age is its newest finished import. `osv_settings`
 * (one row) is where the scheduled download fetches from (an internal mirror for air-gapped sites) and which
 * ecosystems' exports it fetches; the schedule itself is a row of `schedules`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	await db.schema
		.createTable("osv_advisories")
		.addColumn("id", "text", (c) => c.primaryKey())
		.addColumn("modified", "text", (c) => c.notNull())
		.addColumn("published", "text")
		.addColumn("withdrawn", "text")
		.addColumn("aliases", "text", (c) => c.notNull().defaultTo("[]"))
		.addColumn("summary", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("details", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("severity", "text", (c) => c.notNull().defaultTo("Unknown"))
		.addColumn("cvss_vector", "text")
		.addColumn("cvss_score", pg ? "double precision" : "real")
		.addColumn("links", "text", (c) => c.notNull().defaultTo("[]"))
		.addColumn("cwe_ids", "text", (c) => c.notNull().defaultTo("[]"))
		.execute();
	const affected = pg
		? db.schema
				.createTable("osv_affected")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("osv_affected")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await affected
		.addColumn("advisory_id", "text", (c) =>
			c.notNull().references("osv_advisories.id").onDelete("cascade"),
		)
		.addColumn("ecosystem", "text", (c) => c.notNull())
		.addColumn("name", "text", (c) => c.notNull())
		.addColumn("ranges", "text", (c) => c.notNull())
		.addColumn("versions", "text", (c) => c.notNull())
		.addColumn("severity", "text")
		.execute();
	await db.schema
		.createIndex("osv_affected_package")
		.on("osv_affected")
		.columns(["ecosystem", "name"])
		.execute();
	await db.schema
		.createIndex("osv_affected_advisory")
		.on("osv_affected")
		.column("advisory_id")
		.execute();
	const imports = pg
		? db.schema
				.createTable("osv_imports")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("osv_imports")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await imports
		.addColumn("source", "text", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("read", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("changed", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("message", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("start_time", "text", (c) => c.notNull())
		.addColumn("end_time", "text")
		.execute();
	await db.schema
		.createTable("osv_settings")
		.addColumn("id", "integer", (c) => c.primaryKey())
		.addColumn("source_url", "text", (c) => c.notNull())
		.addColumn("ecosystems", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable("osv_settings").execute();
	await db.schema.dropTable("osv_imports").execute();
	await db.schema.dropTable("osv_affected").execute();
	await db.schema.dropTable("osv_advisories").execute();
}
