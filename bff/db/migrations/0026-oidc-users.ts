import { type Kysely, PostgresAdapter } from "kysely";

/**
 * Users who sign in through OIDC (Harbor's oidc_user): the provider's subject and issuer that name the person
 * (`subiss`, unique), their CLI secret for docker and podman (sealed under the master key: the owner sees it again in
 * their profile), and the last ID token (sealed; the provider's end-session endpoint takes it as a hint at logout).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const table = pg
		? db.schema
				.createTable("oidc_users")
				.addColumn("id", "serial", (c) => c.primaryKey())
		: db.schema
				.createTable("oidc_users")
				.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	await table
		.addColumn("user_id", "integer", (c) =>
			c.notNull().unique().references("users.id").onDelete("cascade"),
		)
		.addColumn("subiss", "text", (c) => c.notNull().unique())
		.addColumn("secret", "text", (c) => c.notNull())
		.addColumn("token", "text")
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable("oidc_users").execute();
}
