import {
	type ColumnDefinitionBuilder,
	type CreateTableBuilder,
	type Kysely,
	PostgresAdapter,
	sql,
} from "kysely";

/** The registry core's tables: projects, members, users, repositories, blobs, artifacts, tags, uploads, keys, sessions, audit. */
export async function up(db: Kysely<unknown>): Promise<void> {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	// Names compare in byte order on both engines, so `last` pagination agrees.
	const name = (c: ColumnDefinitionBuilder) =>
		(pg ? c.modifyFront(sql`collate "C"`) : c).notNull();
	const withId = <T extends string>(t: CreateTableBuilder<T, never>) =>
		pg
			? t.addColumn("id", "serial", (c) => c.primaryKey())
			: t.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
	const big = pg ? "bigint" : "integer";

	await withId(db.schema.createTable("users"))
		.addColumn("username", "text", (c) => name(c).unique())
		.addColumn("email", "text", (c) => c.unique())
		.addColumn("realname", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("password_hash", "text", (c) => c.notNull())
		.addColumn("sysadmin", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();

	await withId(db.schema.createTable("projects"))
		.addColumn("name", "text", (c) => name(c).unique())
		.addColumn("owner_id", "integer", (c) => c.notNull())
		.addColumn("public", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();

	await db.schema
		.createTable("project_metadata")
		.addColumn("project_id", "integer", (c) =>
			c.notNull().references("projects.id").onDelete("cascade"),
		)
		.addColumn("name", "text", (c) => c.notNull())
		.addColumn("value", "text", (c) => c.notNull())
		.addPrimaryKeyConstraint("project_metadata_pk", ["project_id", "name"])
		.execute();

	await withId(db.schema.createTable("members"))
		.addColumn("project_id", "integer", (c) =>
			c.notNull().references("projects.id").onDelete("cascade"),
		)
		.addColumn("entity_type", "text", (c) => c.notNull())
		.addColumn("entity_id", "integer", (c) => c.notNull())
		.addColumn("role", "integer", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.addUniqueConstraint("members_unique", [
			"project_id",
			"entity_type",
			"entity_id",
		])
		.execute();
	await db.schema
		.createIndex("members_entity")
		.on("members")
		.columns(["entity_type", "entity_id"])
		.execute();

	await withId(db.schema.createTable("repositories"))
		.addColumn("project_id", "integer", (c) =>
			c.notNull().references("projects.id").onDelete("cascade"),
		)
		.addColumn("name", "text", (c) => name(c).unique())
		.addColumn("description", "text", (c) => c.notNull().defaultTo(""))
		.addColumn("pull_count", big, (c) => c.notNull().defaultTo(0))
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("update_time", "text", (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex("repositories_project")
		.on("repositories")
		.columns(["project_id", "name"])
		.execute();

	await db.schema
		.createTable("blobs")
		.addColumn("digest", "text", (c) => name(c).primaryKey())
		.addColumn("size", big, (c) => c.notNull())
		.addColumn("media_type", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.execute();

	await db.schema
		.createTable("project_blobs")
		.addColumn("project_id", "integer", (c) =>
			c.notNull().references("projects.id").onDelete("cascade"),
		)
		.addColumn("digest", "text", (c) => name(c))
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addPrimaryKeyConstraint("project_blobs_pk", ["project_id", "digest"])
		.execute();

	await db.schema
		.createTable("repository_blobs")
		.addColumn("repository_id", "integer", (c) =>
			c.notNull().references("repositories.id").onDelete("cascade"),
		)
		.addColumn("digest", "text", (c) => name(c))
		.addColumn("linked_at", "text", (c) => c.notNull())
		.addPrimaryKeyConstraint("repository_blobs_pk", ["repository_id", "digest"])
		.execute();
	await db.schema
		.createIndex("repository_blobs_digest")
		.on("repository_blobs")
		.column("digest")
		.execute();

	await withId(db.schema.createTable("artifacts"))
		.addColumn("project_id", "integer", (c) =>
			c.notNull().references("projects.id").onDelete("cascade"),
		)
		.addColumn("repository_id", "integer", (c) =>
			c.notNull().references("repositories.id").onDelete("cascade"),
		)
		.addColumn("digest", "text", (c) => name(c))
		.addColumn("type", "text", (c) => c.notNull())
		.addColumn("media_type", "text", (c) => c.notNull())
		.addColumn("manifest_media_type", "text", (c) => c.notNull())
		.addColumn("artifact_type", "text")
		.addColumn("size", big, (c) => c.notNull())
		.addColumn("subject_digest", "text")
		.addColumn("annotations", "text")
		.addColumn("push_time", "text", (c) => c.notNull())
		.addColumn("pull_time", "text")
		.addUniqueConstraint("artifacts_repo_digest", ["repository_id", "digest"])
		.execute();
	await db.schema
		.createIndex("artifacts_repo_push")
		.on("artifacts")
		.columns(["repository_id", "push_time"])
		.execute();
	await db.schema
		.createIndex("artifacts_subject")
		.on("artifacts")
		.columns(["repository_id", "subject_digest"])
		.execute();
	await db.schema
		.createIndex("artifacts_digest")
		.on("artifacts")
		.column("digest")
		.execute();

	await db.schema
		.createTable("artifact_references")
		.addColumn("parent_id", "integer", (c) =>
			c.notNull().references("artifacts.id").onDelete("cascade"),
		)
		.addColumn("child_id", "integer", (c) =>
			c.notNull().references("artifacts.id"),
		)
		.addColumn("child_digest", "text", (c) => c.notNull())
		.addColumn("platform", "text")
		.addColumn("annotations", "text")
		.addPrimaryKeyConstraint("artifact_references_pk", [
			"parent_id",
			"child_digest",
		])
		.execute();
	await db.schema
		.createIndex("artifact_references_child")
		.on("artifact_references")
		.column("child_id")
		.execute();

	await db.schema
		.createTable("artifact_blobs")
		.addColumn("artifact_id", "integer", (c) =>
			c.notNull().references("artifacts.id").onDelete("cascade"),
		)
		.addColumn("digest", "text", (c) => name(c))
		.addPrimaryKeyConstraint("artifact_blobs_pk", ["artifact_id", "digest"])
		.execute();
	await db.schema
		.createIndex("artifact_blobs_digest")
		.on("artifact_blobs")
		.column("digest")
		.execute();

	await withId(db.schema.createTable("tags"))
		.addColumn("repository_id", "integer", (c) =>
			c.notNull().references("repositories.id").onDelete("cascade"),
		)
		.addColumn("artifact_id", "integer", (c) =>
			c.notNull().references("artifacts.id").onDelete("cascade"),
		)
		.addColumn("name", "text", (c) => name(c))
		.addColumn("push_time", "text", (c) => c.notNull())
		.addColumn("pull_time", "text")
		.addUniqueConstraint("tags_repo_name", ["repository_id", "name"])
		.execute();
	await db.schema
		.createIndex("tags_artifact")
		.on("tags")
		.column("artifact_id")
		.execute();

	await db.schema
		.createTable("uploads")
		.addColumn("id", "text", (c) => c.primaryKey())
		.addColumn("repository_id", "integer", (c) =>
			c.notNull().references("repositories.id").onDelete("cascade"),
		)
		.addColumn("principal", "text", (c) => c.notNull())
		.addColumn("offset", big, (c) => c.notNull().defaultTo(0))
		.addColumn("hash_algorithm", "text", (c) => c.notNull())
		.addColumn("lease_token", "text")
		.addColumn("lease_until", "text")
		.addColumn("creation_time", "text", (c) => c.notNull())
		.addColumn("last_activity", "text", (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex("uploads_activity")
		.on("uploads")
		.column("last_activity")
		.execute();

	await db.schema
		.createTable("signing_keys")
		.addColumn("kid", "text", (c) => c.primaryKey())
		.addColumn("private_key", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.execute();

	await db.schema
		.createTable("sessions")
		.addColumn("id_hash", "text", (c) => c.primaryKey())
		.addColumn("user_id", "integer", (c) =>
			c.notNull().references("users.id").onDelete("cascade"),
		)
		.addColumn("csrf_token", "text", (c) => c.notNull())
		.addColumn("expires_at", "text", (c) => c.notNull())
		.addColumn("creation_time", "text", (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex("sessions_expiry")
		.on("sessions")
		.column("expires_at")
		.execute();

	await withId(db.schema.createTable("audit_logs"))
		.addColumn("project_id", "integer", (c) => c.notNull().defaultTo(0))
		.addColumn("username", "text", (c) => c.notNull())
		.addColumn("resource", "text", (c) => c.notNull())
		.addColumn("resource_type", "text", (c) => c.notNull())
		.addColumn("operation", "text", (c) => c.notNull())
		.addColumn("op_time", "text", (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex("audit_logs_time")
		.on("audit_logs")
		.column("op_time")
		.execute();
	await db.schema
		.createIndex("audit_logs_operation_time")
		.on("audit_logs")
		.columns(["operation", "op_time"])
		.execute();
	await db.schema
		.createIndex("audit_logs_user_time")
		.on("audit_logs")
		.columns(["username", "op_time"])
		.execute();
	await db.schema
		.createIndex("audit_logs_project_time")
		.on("audit_logs")
		.columns(["project_id", "op_time"])
		.execute();
}
