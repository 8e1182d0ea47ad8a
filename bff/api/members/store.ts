import type { ExpressionBuilder } from "kysely";
import { type Db, now } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";

export type MemberRecord = {
	id: number;
	project_id: number;
	entity_type: string;
	entity_id: number;
	role: number;
	entity_name: string | null;
};

/** Project members: users (entity_type 'u') and user groups ('g'), named by username or group name. */
export function createMemberStore(db: Db) {
	const base = (projectId: number, entityName?: string) => {
		let q = db
			.selectFrom("members")
			.leftJoin("users", (j) =>
				j
					.onRef("users.id", "=", "members.entity_id")
					.on("members.entity_type", "=", "u"),
			)
			.leftJoin("user_groups", (j) =>
				j
					.onRef("user_groups.id", "=", "members.entity_id")
					.on("members.entity_type", "=", "g"),
			)
			.where("members.project_id", "=", projectId);
		if (entityName)
			q = q.where((eb) =>
				eb.or([
					containsIgnoringCase("users.username", entityName),
					containsIgnoringCase("user_groups.group_name", entityName),
				]),
			);
		return q;
	};
	const columns = [
		"members.id",
		"members.project_id",
		"members.entity_type",
		"members.entity_id",
		"members.role",
		(eb: ExpressionBuilder<Database, "users" | "user_groups">) =>
			eb.fn
				.coalesce("users.username", "user_groups.group_name")
				.as("entity_name"),
	] as const;
	return {
		async list(
			projectId: number,
			entityName: string | undefined,
			limit: number,
			offset: number,
		) {
			const [rows, count] = await Promise.all([
				base(projectId, entityName)
					.select(columns)
					.orderBy("members.id")
					.limit(limit)
					.offset(offset)
					.execute(),
				base(projectId, entityName)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows: rows as MemberRecord[], total: Number(count.n) };
		},
		byId: (projectId: number, id: number) =>
			base(projectId)
				.select(columns)
				.where("members.id", "=", id)
				.executeTakeFirst() as Promise<MemberRecord | undefined>,
		async membership(
			projectId: number,
			entityType: "u" | "g",
			entityId: number,
		) {
			return db
				.selectFrom("members")
				.select("id")
				.where("project_id", "=", projectId)
				.where("entity_type", "=", entityType)
				.where("entity_id", "=", entityId)
				.executeTakeFirst();
		},
		async add(
			projectId: number,
			entityType: "u" | "g",
			entityId: number,
			role: number,
		) {
			const t = now();
			const row = await db
				.insertInto("members")
				.values({
					project_id: projectId,
					entity_type: entityType,
					entity_id: entityId,
					role,
					creation_time: t,
					update_time: t,
				})
				.returning("id")
				.executeTakeFirstOrThrow();
			return row.id;
		},
		async setRole(id: number, role: number) {
			await db
				.updateTable("members")
				.set({ role, update_time: now() })
				.where("id", "=", id)
				.execute();
		},
		async remove(id: number) {
			await db.deleteFrom("members").where("id", "=", id).execute();
		},
	};
}
