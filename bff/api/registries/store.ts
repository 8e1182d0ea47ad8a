import type { Selectable, Updateable } from "kysely";
import type { Db } from "../../db/database.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import { badRequest } from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import type { RegistriesTable } from "./table.ts";

export type RegistryRow = Selectable<RegistriesTable>;

export const registryQueryKeys = ["name", "type", "url", "status"] as const;
export const registrySortKeys = [
	"id",
	"name",
	"type",
	"url",
	"status",
	"creation_time",
	"update_time",
] as const;
type Key = (typeof registryQueryKeys)[number];

/** SQL for registry endpoints. */
export function createRegistryStore(db: Db) {
	const matching = (name: string | undefined, conditions: Condition[]) => {
		let q = db.selectFrom("registries");
		if (name) q = q.where(containsIgnoringCase("name", name));
		for (const c of conditions) {
			const key = c.key as Key;
			if (c.op === "exact") q = q.where(key, "=", c.value);
			else if (c.op === "fuzzy")
				q = q.where(containsIgnoringCase(key, c.value));
			else if (c.op === "or")
				q = q.where(key, "in", c.values.length ? c.values : [""]);
			else throw badRequest(`${key} takes a value, ~part or {a b}`);
		}
		return q;
	};
	return {
		async list(
			name: string | undefined,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			let q = matching(name, conditions).selectAll();
			for (const k of sort)
				q = q.orderBy(
					k.key as (typeof registrySortKeys)[number],
					k.desc ? "desc" : "asc",
				);
			const [rows, count] = await Promise.all([
				q.orderBy("id").limit(limit).offset(offset).execute(),
				matching(name, conditions)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		all: () => db.selectFrom("registries").selectAll().orderBy("id").execute(),
		byId: (id: number) =>
			db
				.selectFrom("registries")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst(),
		create: (r: Omit<RegistryRow, "id">) =>
			db
				.insertInto("registries")
				.values(r)
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((x) => x.id),
		update: (id: number, patch: Updateable<RegistriesTable>) =>
			db.updateTable("registries").set(patch).where("id", "=", id).execute(),
		remove: (id: number) =>
			db.deleteFrom("registries").where("id", "=", id).execute(),
		/** Names of the proxy-cache projects that pull through the endpoint. */
		proxyProjects: (id: number) =>
			db
				.selectFrom("projects")
				.select("name")
				.where("registry_id", "=", id)
				.orderBy("name")
				.execute()
				.then((rows) => rows.map((r) => r.name)),
	};
}

export type RegistryStore = ReturnType<typeof createRegistryStore>;
