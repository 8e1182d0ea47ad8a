import {
	type ColumnDefinitionBuilder,
	type Kysely,
	PostgresAdapter,
	sql,
} from "kysely";

/**
 * Online garbage collection (bff/gc/).
 * - `blobs.deleting`: a tombstone. GC marks a blob (after re-checking it is unreferenced), deletes its file, then its
 *   row; a marked row is invisible to readers and refused to writers, so a crash never leaves a row without a file.
 * - `blob_pins`: a writer that is about to put a blob's bytes (upload commit, manifest put) pins the digest first, so
 *   GC cannot mark it between the bytes landing and the row that records them.
 * - `gc_candidates`: digests that may have become garbage, noted by triggers whenever a blob link, an artifact or an
 *   artifact's blob reference goes away (cascades included) or a link is made. GC reads only these, so its work grows
 *   with the churn since the last run, not with the registry. Not unique: plain inserts never wait on each other.
 * - `gc_runs`: GC history (Harbor's GCHistory); `active` is 1 on the run that holds the one-GC-at-a-time lock (a
 *   unique column: NULLs do not collide).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const text = (c: ColumnDefinitionBuilder) =>
		(pg ? c.modifyFront(sql`collate "C"`) : c).notNull();
	const serial = (name: string) =>
		pg
			? db.schema
					.createTable(name)
					.addColumn("id", "serial", (c) => c.primaryKey())
			: db.schema
					.createTable(name)
					.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	const big = pg ? "bigint" : "integer";

	await db.schema
		.alterTable("blobs")
		.addColumn("deleting", "integer", (c) => c.notNull().defaultTo(0))
		.execute();

	await db.schema
		.createTable("blob_pins")
		.addColumn("id", "text", (c) => c.primaryKey())
		.addColumn("digest", "text", text)
		.addColumn("expires_at", "text", (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex("blob_pins_digest")
		.on("blob_pins")
		.column("digest")
		.execute();

	await serial("gc_candidates").addColumn("digest", "text", text).execute();

	await serial("gc_runs")
		.addColumn("job_id", "text")
		.addColumn("kind", "text", (c) => c.notNull())
		.addColumn("parameters", "text", (c) => c.notNull())
		.addColumn("status", "text", (c) => c.notNull())
		.addColumn("active", "integer", (c) => c.unique())
		.addColumn("blobs", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("bytes", big, (c) => c.notNull().defaultTo(0))
		.addColumn("artifacts", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex("gc_runs_time")
		.on("gc_runs")
		.column("creation_time")
		.execute();

	// Every blob a registry ever links starts as a candidate: existing ones once, new ones by trigger.
	await sql`insert into gc_candidates (digest) select digest from blobs`.execute(
		db,
	);
	const notes = [
		["repository_blobs", "insert", "new"],
		["repository_blobs", "delete", "old"],
		["artifact_blobs", "delete", "old"],
		["artifacts", "delete", "old"],
	] as const;
	for (const [table, event, row] of notes) {
		const name = `gc_note_${table}_${event}`;
		if (pg) {
			await sql
				.raw(`create function ${name}() returns trigger language plpgsql as $$
        begin insert into gc_candidates (digest) values (${row}.digest); return null; end $$`)
				.execute(db);
			await sql
				.raw(
					`create trigger ${name} after ${event} on ${table} for each row execute function ${name}()`,
				)
				.execute(db);
		} else {
			await sql
				.raw(`create trigger ${name} after ${event} on ${table} for each row
        begin insert into gc_candidates (digest) values (${row}.digest); end`)
				.execute(db);
		}
	}
}
