import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Exact quota usage. A project uses the blobs its artifacts reference (manifests included), the blobs pushed into it
 * that no artifact references yet (`project_blobs`, now "pending": a push between its blobs and its manifest), and the
 * bytes its uploads in flight have reserved (`uploads.reserved`), each blob once. A link an artifact takes over leaves
 * `project_blobs`, so deleting artifacts and repositories lowers usage.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	await db.schema
		.alterTable("uploads")
		.addColumn("reserved", pg ? "bigint" : "integer", (c) =>
			c.notNull().defaultTo(0),
		)
		.execute();
	await sql`update uploads set reserved = ${sql.ref("offset")}`.execute(db);
	// Usage unions a project's artifact digests with their blobs: one index answers the first half.
	await db.schema
		.createIndex("artifacts_project_digest")
		.on("artifacts")
		.columns(["project_id", "digest"])
		.execute();
	// Links an artifact references count through the artifact; stale pending ones go with the upload purge.
	await sql`delete from project_blobs where exists (select 1 from artifacts a where a.project_id = project_blobs.project_id
      and (a.digest = project_blobs.digest
        or exists (select 1 from artifact_blobs ab where ab.artifact_id = a.id and ab.digest = project_blobs.digest)))`.execute(
		db,
	);
}
