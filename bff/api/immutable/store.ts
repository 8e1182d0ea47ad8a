import type { Selectable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { ImmutableTagRulesTable } from "./table.ts";

export type ImmutableRuleRow = Selectable<ImmutableTagRulesTable>;

/** SQL for immutable tag rules: a project's, in priority order (then oldest first). */
export function createImmutableRuleStore(db: Db) {
	const ofProject = (projectId: number) =>
		db.selectFrom("immutable_tag_rules").where("project_id", "=", projectId);
	return {
		async list(projectId: number, limit: number, offset: number) {
			const [rows, count] = await Promise.all([
				ofProject(projectId)
					.selectAll()
					.orderBy("priority")
					.orderBy("id")
					.limit(limit)
					.offset(offset)
					.execute(),
				ofProject(projectId)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		/** Every rule of the project, enabled or not, in priority order (at most 15). */
		all: (projectId: number) =>
			ofProject(projectId)
				.selectAll()
				.orderBy("priority")
				.orderBy("id")
				.execute(),
		count: (projectId: number) =>
			ofProject(projectId)
				.select((eb) => eb.fn.countAll<number>().as("n"))
				.executeTakeFirstOrThrow()
				.then((r) => Number(r.n)),
		byId: (projectId: number, id: number) =>
			ofProject(projectId).selectAll().where("id", "=", id).executeTakeFirst(),
		create: (r: Omit<ImmutableRuleRow, "id">) =>
			db
				.insertInto("immutable_tag_rules")
				.values(r)
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((x) => x.id),
		update: (
			id: number,
			patch: Partial<
				Omit<ImmutableRuleRow, "id" | "project_id" | "creation_time">
			>,
		) =>
			db
				.updateTable("immutable_tag_rules")
				.set(patch)
				.where("id", "=", id)
				.execute(),
		remove: (id: number) =>
			db.deleteFrom("immutable_tag_rules").where("id", "=", id).execute(),
	};
}

export type ImmutableRuleStore = ReturnType<typeof createImmutableRuleStore>;
