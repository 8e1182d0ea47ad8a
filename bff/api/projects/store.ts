import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import { roles, strongestRole } from "../../auth/policy.ts";
import { type Db, now } from "../../db/database.ts";
import { type Member, membersOf } from "../../db/membership.ts";
import type { Database } from "../../db/schema.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import type { CveAllowlist } from "../cve-allowlists/service.ts";
import { createCveAllowlistStore } from "../cve-allowlists/store.ts";
import { badRequest } from "../errors.ts";
import {
	type Condition,
	queryTimeToIso,
	type SortKey,
} from "../harbor-query.ts";
import { createQuotaStore, unlimited } from "../quotas/store.ts";
import { dropProjectGrants } from "../robots/store.ts";
import { type ProjectVisibility, visibleProjects } from "./visibility.ts";

// harbor-cli's `project list` offers name, project_id, public, creation_time and owner_id.
export const projectQueryKeys = [
	"name",
	"public",
	"owner",
	"project_id",
	"owner_id",
	"creation_time",
] as const;
const sortColumns = {
	name: "projects.name",
	creation_time: "projects.creation_time",
	update_time: "projects.update_time",
	project_id: "projects.id",
	owner_id: "projects.owner_id",
} as const;
export const projectSortKeys = Object.keys(sortColumns);

export type ProjectRecord = {
	id: number;
	name: string;
	owner_id: number;
	public: number;
	registry_id: number | null;
	creation_time: string;
	update_time: string;
	owner_name: string | null;
	repo_count: number;
};

type ProjectsEb = ExpressionBuilder<Database, "projects">;

const boolValue = (v: string) => {
	if (v === "true" || v === "1") return 1;
	if (v === "false" || v === "0") return 0;
	throw badRequest("public takes true or false");
};

function condition(eb: ProjectsEb, c: Condition): Expression<SqlBool> {
	const values = c.op === "exact" ? [c.value] : c.op === "or" ? c.values : null;
	if (c.key === "name") {
		if (c.op === "fuzzy") return containsIgnoringCase("projects.name", c.value);
		if (values) return eb("projects.name", "in", values.length ? values : [""]);
		throw badRequest("name takes a name, ~part or {a b}");
	}
	if (c.key === "public") {
		if (c.op !== "exact") throw badRequest("public takes true or false");
		return eb("projects.public", "=", boolValue(c.value));
	}
	if (c.key === "owner") {
		const owners = eb.selectFrom("users").select("users.id");
		if (c.op === "fuzzy")
			return eb(
				"projects.owner_id",
				"in",
				owners.where(containsIgnoringCase("users.username", c.value)),
			);
		if (values)
			return eb(
				"projects.owner_id",
				"in",
				owners.where("users.username", "in", values.length ? values : [""]),
			);
		throw badRequest("owner takes a username, ~part or {a b}");
	}
	if (c.key === "creation_time") {
		if (c.op !== "range")
			throw badRequest(
				"creation_time takes a range: creation_time=[2024-01-01 00:00:00~2024-02-01 00:00:00]",
			);
		return eb.and([
			...(c.min
				? [eb("projects.creation_time", ">=", queryTimeToIso(c.min))]
				: []),
			...(c.max
				? [eb("projects.creation_time", "<=", queryTimeToIso(c.max))]
				: []),
		]);
	}
	const ids = (values ?? []).map(Number);
	if (!ids.length || ids.some((n) => !Number.isInteger(n)))
		throw badRequest(`${c.key} takes an id or {id1 id2}`);
	return eb(
		c.key === "owner_id" ? "projects.owner_id" : "projects.id",
		"in",
		ids,
	);
}

/** SQL for projects, their metadata and the counts their summary shows. */
export function createProjectStore(db: Db) {
	const quotas = createQuotaStore(db);
	const allowlists = createCveAllowlistStore(db);
	const detailed = () =>
		db
			.selectFrom("projects")
			.leftJoin("users", "users.id", "projects.owner_id")
			.select([
				"projects.id",
				"projects.name",
				"projects.owner_id",
				"projects.public",
				"projects.registry_id",
				"projects.creation_time",
				"projects.update_time",
				"users.username as owner_name",
			])
			.select((eb) =>
				eb
					.selectFrom("repositories")
					.select((e) => e.fn.countAll<number>().as("n"))
					.whereRef("repositories.project_id", "=", "projects.id")
					.as("repo_count"),
			);
	const toRecord = <R extends { repo_count: unknown }>(r: R) => ({
		...r,
		repo_count: Number(r.repo_count ?? 0),
	});

	return {
		/** A page of the projects `visibility` lets the caller see, filtered by Harbor's `q` conditions. */
		async list(
			visibility: ProjectVisibility,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			const matches = (eb: ProjectsEb) =>
				eb.and([
					visibleProjects(eb, visibility),
					...conditions.map((c) => condition(eb, c)),
				]);
			let q = detailed().where(matches);
			for (const s of sort)
				q = q.orderBy(
					sortColumns[s.key as keyof typeof sortColumns],
					s.desc ? "desc" : "asc",
				);
			if (!sort.length) q = q.orderBy("projects.name");
			const [rows, count] = await Promise.all([
				// The tie-breaker runs the way the last key does, so one index can serve the whole order.
				q
					.orderBy("projects.id", sort.at(-1)?.desc ? "desc" : "asc")
					.limit(limit)
					.offset(offset)
					.execute(),
				db
					.selectFrom("projects")
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.where(matches)
					.executeTakeFirstOrThrow(),
			]);
			return {
				rows: rows.map(toRecord) as ProjectRecord[],
				total: Number(count.n),
			};
		},

		get: (id: number) =>
			detailed()
				.where("projects.id", "=", id)
				.executeTakeFirst()
				.then((r) => (r ? (toRecord(r) as ProjectRecord) : undefined)),

		exists: (name: string) =>
			db
				.selectFrom("projects")
				.select("id")
				.where("name", "=", name)
				.executeTakeFirst()
				.then((r) => r !== undefined),

		/** Metadata rows of several projects at once (one query per page). */
		async metadataOf(
			ids: number[],
		): Promise<Map<number, Record<string, string>>> {
			const out = new Map<number, Record<string, string>>(
				ids.map((id) => [id, {}]),
			);
			if (!ids.length) return out;
			const rows = await db
				.selectFrom("project_metadata")
				.select(["project_id", "name", "value"])
				.where("project_id", "in", ids)
				.execute();
			for (const r of rows) out.get(r.project_id)![r.name] = r.value;
			return out;
		},

		/** The user's member role in each of several projects (the highest, when their groups are members too). */
		async rolesOf(member: Member, ids: number[]): Promise<Map<number, number>> {
			if (!ids.length) return new Map();
			const rows = await db
				.selectFrom("members")
				.select(["project_id", "role"])
				.where((eb) => membersOf(eb, member))
				.where("project_id", "in", ids)
				.execute();
			const held = new Map<number, number[]>();
			for (const r of rows)
				held.set(r.project_id, [...(held.get(r.project_id) ?? []), r.role]);
			return new Map(
				[...held].map(([id, roles]) => [id, strongestRole(roles)!]),
			);
		},

		/**
		 * Creates the project with its creator as ProjectAdmin, its metadata, CVE allowlist and storage limit, all or
		 * nothing; with `registryId`, a proxy cache of that endpoint.
		 */
		create: (p: {
			name: string;
			ownerId: number;
			public: boolean;
			metadata: Record<string, string>;
			allowlist?: CveAllowlist;
			storageLimit: number;
			registryId?: number;
		}) =>
			db.transaction().execute(async (tx) => {
				const t = now();
				const { id } = await tx
					.insertInto("projects")
					.values({
						name: p.name,
						owner_id: p.ownerId,
						public: p.public ? 1 : 0,
						registry_id: p.registryId ?? null,
						creation_time: t,
						update_time: t,
					})
					.returning("id")
					.executeTakeFirstOrThrow();
				await tx
					.insertInto("members")
					.values({
						project_id: id,
						entity_type: "u",
						entity_id: p.ownerId,
						role: roles.projectAdmin,
						creation_time: t,
						update_time: t,
					})
					.execute();
				const meta = Object.entries(p.metadata);
				if (meta.length)
					await tx
						.insertInto("project_metadata")
						.values(
							meta.map(([name, value]) => ({ project_id: id, name, value })),
						)
						.execute();
				if (p.allowlist) await allowlists.set(id, p.allowlist, tx);
				if (p.storageLimit !== unlimited)
					await quotas.setHard(id, p.storageLimit, tx);
				return id;
			}),

		/** Sets the public flag, metadata values and CVE allowlist given; `remove` drops metadata keys. */
		update: (
			id: number,
			change: {
				public?: boolean;
				metadata?: Record<string, string>;
				allowlist?: CveAllowlist;
				remove?: string[];
			},
		) =>
			db.transaction().execute(async (tx) => {
				const t = now();
				await tx
					.updateTable("projects")
					.set({
						update_time: t,
						...(change.public === undefined
							? {}
							: { public: change.public ? 1 : 0 }),
					})
					.where("id", "=", id)
					.execute();
				for (const [name, value] of Object.entries(change.metadata ?? {})) {
					await tx
						.insertInto("project_metadata")
						.values({ project_id: id, name, value })
						.onConflict((oc) =>
							oc.columns(["project_id", "name"]).doUpdateSet({ value }),
						)
						.execute();
				}
				if (change.remove?.length)
					await tx
						.deleteFrom("project_metadata")
						.where("project_id", "=", id)
						.where("name", "in", change.remove)
						.execute();
				if (change.allowlist) await allowlists.set(id, change.allowlist, tx);
			}),

		/**
		 * Removes the project; members, metadata, quota, robots and repositories go with it (foreign keys), labels, robot
		 * grants and its CVE allowlist here.
		 */
		remove: (id: number) =>
			db.transaction().execute(async (tx) => {
				await tx
					.deleteFrom("labels")
					.where("scope", "=", "p")
					.where("project_id", "=", id)
					.execute();
				await allowlists.remove(id, tx);
				await dropProjectGrants(tx, id);
				await tx.deleteFrom("projects").where("id", "=", id).execute();
			}),

		/** Member counts by role id. */
		async memberCounts(id: number): Promise<Map<number, number>> {
			const rows = await db
				.selectFrom("members")
				.select(["role", (eb) => eb.fn.countAll<number>().as("n")])
				.where("project_id", "=", id)
				.groupBy("role")
				.execute();
			return new Map(rows.map((r) => [r.role, Number(r.n)]));
		},

		quotas,
		allowlists,
	};
}

export type ProjectStore = ReturnType<typeof createProjectStore>;
