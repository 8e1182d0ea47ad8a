import type { Selectable } from "kysely";
import type { Db } from "../../db/database.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import { badRequest } from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import type { LabelsTable } from "./table.ts";

export type LabelRow = Selectable<LabelsTable>;
export type LabelScope = { scope: "g" } | { scope: "p"; projectId: number };

export const labelQueryKeys = ["name"] as const;
export const labelSortKeys = [
	"id",
	"name",
	"creation_time",
	"update_time",
] as const;

/** SQL for labels: global (scope 'g', project 0) and per project (scope 'p'). */
export function createLabelStore(db: Db) {
	const inScope = (
		s: LabelScope,
		name: string | undefined,
		conditions: Condition[],
	) => {
		let q = db
			.selectFrom("labels")
			.where("scope", "=", s.scope)
			.where("project_id", "=", s.scope === "p" ? s.projectId : 0);
		if (name) q = q.where(containsIgnoringCase("name", name));
		for (const c of conditions) {
			if (c.op === "exact") q = q.where("name", "=", c.value);
			else if (c.op === "fuzzy")
				q = q.where(containsIgnoringCase("name", c.value));
			else if (c.op === "or")
				q = q.where("name", "in", c.values.length ? c.values : [""]);
			else throw badRequest("name takes a name, ~part or {a b}");
		}
		return q;
	};
	return {
		async list(
			s: LabelScope,
			name: string | undefined,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			let q = inScope(s, name, conditions).selectAll();
			for (const k of sort)
				q = q.orderBy(
					k.key as (typeof labelSortKeys)[number],
					k.desc ? "desc" : "asc",
				);
			const [rows, count] = await Promise.all([
				q.orderBy("id").limit(limit).offset(offset).execute(),
				inScope(s, name, conditions)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		byId: (id: number) =>
			db
				.selectFrom("labels")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst(),
		create: (l: Omit<LabelRow, "id">) =>
			db
				.insertInto("labels")
				.values(l)
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((r) => r.id),
		update: (
			id: number,
			patch: Partial<
				Pick<LabelRow, "name" | "description" | "color" | "update_time">
			>,
		) => db.updateTable("labels").set(patch).where("id", "=", id).execute(),
		remove: (id: number) =>
			db.deleteFrom("labels").where("id", "=", id).execute(),
	};
}

export type LabelStore = ReturnType<typeof createLabelStore>;
