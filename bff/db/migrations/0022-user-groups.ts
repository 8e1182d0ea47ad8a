import { type Kysely, PostgresAdapter } from "kysely";

/**
 * User groups (Harbor's user_group: 1 LDAP by DN, 2 HTTP, 3 OIDC by name), which project members may name
 * (`members.entity_type` 'g'), and what a user's last sign-in through an outside directory said of them: their DN there,
 * the groups they were in (ids of `user_groups`, a JSON array) and whether one of them was the admin group. A sign-in
 * writes all three again, so group changes in the directory count from the user's next sign-in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const table = pg
		? db.schema
				.createTable("user_groups")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("user_groups")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await table
		.addColumn("group_name", "text", (c) => c.notNull())
		.addColumn("group_type", "integer", (c) => c.notNull())
		.addColumn("ldap_group_dn", "text", (c) => c.notNull().defaultTo(""))
		// What makes a group one: an LDAP group's DN in its normal form (lower case, no spaces around separators), another
		// type's name. Unique per type, so two sign-ins adding the same group at once make one row.
		.addColumn("group_key", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.addUniqueConstraint("user_groups_unique", ["group_type", "group_key"])
		.execute();
	await db.schema.alterTable("users").addColumn("ldap_dn", "text").execute();
	await db.schema
		.alterTable("users")
		.addColumn("group_ids", "text", (c) => c.notNull().defaultTo("[]"))
		.execute();
	await db.schema
		.alterTable("users")
		.addColumn("group_admin", "integer", (c) => c.notNull().defaultTo(0))
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable("user_groups").execute();
	for (const column of ["ldap_dn", "group_ids", "group_admin"])
		await db.schema.alterTable("users").dropColumn(column).execute();
}
