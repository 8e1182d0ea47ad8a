import type { Insertable, Kysely, Updateable } from "kysely";
import type { RobotPermission } from "../../auth/policy.ts";
import type { RobotsTable } from "../../auth/robots-table.ts";
import { type Db, now } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import type { SortKey } from "../harbor-query.ts";

export type RobotRecord = Omit<RobotsTable, "id"> & { id: number };

export type RobotFilter = {
	nameExact?: string;
	nameFuzzy?: string;
	level?: string;
	projectId?: number;
};

const sortColumns = {
	id: "id",
	name: "name",
	level: "level",
	creation_time: "creation_time",
	update_time: "update_time",
	expires_at: "expires_at",
} as const;
export const robotSortKeys = Object.keys(sortColumns);

/** Robot accounts as the `robot` API manages them (authentication reads them through bff/auth/robot-accounts.ts). */
export function createRobotStore(db: Db) {
	const filtered = (f: RobotFilter) => {
		let q = db.selectFrom("robots");
		if (f.nameExact !== undefined) q = q.where("name", "=", f.nameExact);
		if (f.nameFuzzy !== undefined)
			q = q.where(containsIgnoringCase("name", f.nameFuzzy));
		if (f.level !== undefined) q = q.where("level", "=", f.level);
		if (f.projectId !== undefined) q = q.where("project_id", "=", f.projectId);
		return q;
	};
	return {
		async list(f: RobotFilter, sort: SortKey[], limit: number, offset: number) {
			let q = filtered(f).selectAll();
			for (const s of sort)
				q = q.orderBy(
					sortColumns[s.key as keyof typeof sortColumns],
					s.desc ? "desc" : "asc",
				);
			if (sort.length === 0) q = q.orderBy("creation_time", "desc");
			const [rows, count] = await Promise.all([
				q.orderBy("id", "desc").limit(limit).offset(offset).execute(),
				filtered(f)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows: rows as RobotRecord[], total: Number(count.n) };
		},
		byId: (id: number) =>
			db
				.selectFrom("robots")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst() as Promise<RobotRecord | undefined>,
		nameTaken: async (name: string) =>
			(await db
				.selectFrom("robots")
				.select("id")
				.where("name", "=", name)
				.executeTakeFirst()) !== undefined,
		async insert(
			r: Omit<Insertable<RobotsTable>, "creation_time" | "update_time">,
		) {
			const t = now();
			const row = await db
				.insertInto("robots")
				.values({ ...r, creation_time: t, update_time: t })
				.returning(["id", "creation_time"])
				.executeTakeFirstOrThrow();
			return row;
		},
		async update(id: number, changes: Updateable<RobotsTable>) {
			await db
				.updateTable("robots")
				.set({ ...changes, update_time: now() })
				.where("id", "=", id)
				.execute();
		},
		async remove(id: number) {
			await db.deleteFrom("robots").where("id", "=", id).execute();
		},
	};
}

export type RobotStore = ReturnType<typeof createRobotStore>;

/**
 * Drops the grants that system robots hold on a project being deleted, inside the deleting transaction (project
 * robots go with the project by foreign key). The policy binds grants to project ids, so none could reach a new
 * project of the same name anyway; this keeps the robots' lists true.
 */
export async function dropProjectGrants(
	tx: Kysely<Database>,
	projectId: number,
) {
	const robots = await tx
		.selectFrom("robots")
		.select(["id", "permissions"])
		.where("level", "=", "system")
		.execute();
	for (const r of robots) {
		const grants = JSON.parse(r.permissions) as RobotPermission[];
		const kept = grants.filter((g) => g.projectId !== projectId);
		if (kept.length !== grants.length)
			await tx
				.updateTable("robots")
				.set({ permissions: JSON.stringify(kept), update_time: now() })
				.where("id", "=", r.id)
				.execute();
	}
}
