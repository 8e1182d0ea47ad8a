import type { Kysely } from "kysely";

/**
 * What an audit event changed, in a few words (`sysadmin_flag: false → true`), beside its operation: Harbor 2.13's
 * `operation_description`. Empty for the events that say all in their operation and resource.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.alterTable("audit_logs")
		.addColumn("description", "text")
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.alterTable("audit_logs").dropColumn("description").execute();
}
