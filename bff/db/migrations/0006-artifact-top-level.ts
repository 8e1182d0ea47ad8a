import { type Kysely, sql } from "kysely";

/**
 * `top_level`: whether an artifact belongs to Harbor's default artifact collection (tagged or in no index, and not an
 * accessory). Derived from tags, references and subject, kept by bff/core/top-level.ts in the transactions that change
 * those, so the artifact list pages on one index instead of evaluating three EXISTS per row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.alterTable("artifacts")
		.addColumn("top_level", "integer", (c) => c.notNull().defaultTo(1))
		.execute();
	await sql`update artifacts set top_level = case when subject_digest is null
      and not exists (select 1 from tags where tags.artifact_id = artifacts.id and tags.name like 'sha256-%.sig')
      and (exists (select 1 from tags where tags.artifact_id = artifacts.id)
        or not exists (select 1 from artifact_references r where r.child_id = artifacts.id))
    then 1 else 0 end`.execute(db);
	await db.schema
		.createIndex("artifacts_repo_top_push")
		.on("artifacts")
		.columns(["repository_id", "top_level", "push_time", "id"])
		.execute();
	await db.schema
		.createIndex("artifacts_project_top_push")
		.on("artifacts")
		.columns(["project_id", "top_level", "push_time", "id"])
		.execute();
}
