import { type Expression, type Kysely, sql, type Transaction } from "kysely";
import { chunks } from "../../db/chunks.ts";
import { type Db, now } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import type { SortKey } from "../harbor-query.ts";

/** No limit (Harbor's -1). */
export const unlimited = -1;

export type QuotaRow = {
	id: number;
	name: string;
	owner_name: string | null;
	hard: number;
	used: number;
	creation_time: string;
	update_time: string;
};

const sortColumns = { "hard.storage": "hard", "used.storage": "used" } as const;
export const quotaSortKeys = Object.keys(sortColumns);

type Q = Kysely<Database> | Transaction<Database>;

/**
 * A project's usage, derived, never stored: the distinct blobs its artifacts reference (manifests included) or that
 * were pushed into it and no artifact references yet (`project_blobs`: pending), each once, plus the bytes its uploads
 * in flight reserved.
 */
const usageOf = (
	project: Expression<number>,
) => sql<number>`((select coalesce(sum(b.size), 0) from blobs b where b.digest in (
    select a.digest from artifacts a where a.project_id = ${project}
    union select ab.digest from artifact_blobs ab inner join artifacts a on a.id = ab.artifact_id where a.project_id = ${project}
    union select pb.digest from project_blobs pb where pb.project_id = ${project}))
  + (select coalesce(sum(u.reserved), 0) from uploads u inner join repositories r on r.id = u.repository_id where r.project_id = ${project}))`;

/** Every project's usage in one grouped pass (for sorting by it). */
const usageByProject = sql<{ project_id: number; bytes: number }>`(
  select project_id, sum(bytes) as bytes from (
    select d.project_id, sum(b.size) as bytes from (
        select a.project_id, a.digest from artifacts a
        union select a.project_id, ab.digest from artifact_blobs ab inner join artifacts a on a.id = ab.artifact_id
        union select pb.project_id, pb.digest from project_blobs pb) d
      inner join blobs b on b.digest = d.digest group by d.project_id
    union all
    select r.project_id, sum(u.reserved) as bytes from uploads u inner join repositories r on r.id = u.repository_id group by r.project_id
  ) parts group by project_id)`;

/** SQL for project quotas. A project without a row has no limit; its quota shares the project's id. */
export function createQuotaStore(db: Db) {
	const base = () =>
		db
			.selectFrom("projects")
			.leftJoin("quotas", "quotas.project_id", "projects.id")
			.leftJoin("users", "users.id", "projects.owner_id")
			.select([
				"projects.id",
				"projects.name",
				"users.username as owner_name",
				sql<number>`coalesce(quotas.hard_storage, ${unlimited})`.as("hard"),
				sql<string>`coalesce(quotas.creation_time, projects.creation_time)`.as(
					"creation_time",
				),
				sql<string>`coalesce(quotas.update_time, projects.creation_time)`.as(
					"update_time",
				),
			]);
	// Bytes used, per row for a page…
	const rows = () =>
		base().select(usageOf(sql.ref<number>("projects.id")).as("used"));
	// …and in one grouped pass when the order depends on every project's usage.
	const rowsByUsage = () =>
		base()
			.leftJoin(usageByProject.as("usage"), (join) =>
				join.onRef(sql.ref("usage.project_id"), "=", "projects.id"),
			)
			.select(sql<number>`coalesce(usage.bytes, 0)`.as("used"));
	// pg answers bigint sums as numeric strings.
	const toRow = (
		r: Omit<QuotaRow, "used" | "hard"> & { used: unknown; hard: unknown },
	): QuotaRow => ({ ...r, used: Number(r.used), hard: Number(r.hard) });

	return {
		async hardLimit(projectId: number, q: Q = db): Promise<number> {
			const r = await q
				.selectFrom("quotas")
				.select("hard_storage")
				.where("project_id", "=", projectId)
				.executeTakeFirst();
			return r ? Number(r.hard_storage) : unlimited;
		},

		/**
		 * Takes the project's quota for the rest of `tx` and answers its hard limit. Every check that adds to a limited
		 * project's usage goes through here first, so two of them never decide on the same usage (a row lock on Postgres,
		 * the write lock on SQLite).
		 */
		async lock(tx: Q, projectId: number): Promise<number> {
			const r = await tx
				.updateTable("quotas")
				.set((eb) => ({ hard_storage: eb.ref("hard_storage") }))
				.where("project_id", "=", projectId)
				.returning("hard_storage")
				.executeTakeFirst();
			return r ? Number(r.hard_storage) : unlimited;
		},

		async used(projectId: number, q: Q = db): Promise<number> {
			const r = await sql<{
				used: number;
			}>`select ${usageOf(sql.val(projectId))} as used`.execute(q);
			return Number(r.rows[0].used);
		},

		/** Which of the digests already count in the project (pushing them again adds nothing). */
		async counted(
			projectId: number,
			digests: string[],
			q: Q = db,
		): Promise<Set<string>> {
			const found = new Set<string>();
			for (const slice of chunks(digests)) {
				const rows = await sql<{
					digest: string;
				}>`select a.digest from artifacts a where a.project_id = ${projectId} and a.digest in (${sql.join(slice)})
          union select ab.digest from artifact_blobs ab inner join artifacts a on a.id = ab.artifact_id where a.project_id = ${projectId} and ab.digest in (${sql.join(slice)})
          union select pb.digest from project_blobs pb where pb.project_id = ${projectId} and pb.digest in (${sql.join(slice)})`.execute(
					q,
				);
				for (const r of rows.rows) found.add(r.digest);
			}
			return found;
		},

		/**
		 * Sets a project's hard storage limit (creating its row). A project without a row had its quota answered with the
		 * project's creation time, so a new row keeps that time: an update never moves `creation_time`.
		 */
		async setHard(
			projectId: number,
			hard: number,
			tx: Kysely<Database> | Transaction<Database> = db,
		) {
			const t = now();
			const project = await tx
				.selectFrom("projects")
				.select("creation_time")
				.where("id", "=", projectId)
				.executeTakeFirst();
			await tx
				.insertInto("quotas")
				.values({
					project_id: projectId,
					hard_storage: hard,
					creation_time: project?.creation_time ?? t,
					update_time: t,
				})
				.onConflict((oc) =>
					oc
						.column("project_id")
						.doUpdateSet({ hard_storage: hard, update_time: t }),
				)
				.execute();
		},

		/** The quotas of several projects (a page of the project list), in one query. */
		async ofProjects(projectIds: number[]): Promise<QuotaRow[]> {
			if (projectIds.length === 0) return [];
			return (
				await rows().where("projects.id", "in", projectIds).execute()
			).map(toRow);
		},

		async get(projectId: number): Promise<QuotaRow | undefined> {
			const r = await rows()
				.where("projects.id", "=", projectId)
				.executeTakeFirst();
			return r && toRow(r);
		},

		/**
		 * A page of project quotas; `projectId` narrows to one, `nameLike` to the projects whose name holds it (any case).
		 * Sorting by usage computes it for every project.
		 */
		async list(
			projectId: number | undefined,
			sort: SortKey[],
			limit: number,
			offset: number,
			nameLike?: string,
		) {
			let q = sort.some((s) => s.key === "used.storage")
				? rowsByUsage()
				: rows();
			if (projectId !== undefined) q = q.where("projects.id", "=", projectId);
			if (nameLike !== undefined)
				q = q.where(containsIgnoringCase("projects.name", nameLike));
			for (const s of sort)
				q = q.orderBy(
					sql.ref(sortColumns[s.key as keyof typeof sortColumns]),
					s.desc ? "desc" : "asc",
				);
			let count = db
				.selectFrom("projects")
				.select((eb) => eb.fn.countAll<number>().as("n"));
			if (projectId !== undefined) count = count.where("id", "=", projectId);
			if (nameLike !== undefined)
				count = count.where(containsIgnoringCase("name", nameLike));
			const [page, total] = await Promise.all([
				q.orderBy("projects.id", "desc").limit(limit).offset(offset).execute(),
				count.executeTakeFirstOrThrow(),
			]);
			return { rows: page.map(toRow), total: Number(total.n) };
		},

		/** Every project's name, limit and usage in one query (the metrics' quota gauges). */
		async everyProject(): Promise<
			{ name: string; hard: number; used: number }[]
		> {
			const all = await rowsByUsage().orderBy("projects.id").execute();
			return all.map((r) => ({
				name: r.name,
				hard: Number(r.hard),
				used: Number(r.used),
			}));
		},

		/** Bytes held by every blob the registry knows (statistics). */
		async totalStorage(): Promise<number> {
			const r = await db
				.selectFrom("blobs")
				.select(sql<number>`coalesce(sum(size), 0)`.as("n"))
				.executeTakeFirstOrThrow();
			return Number(r.n);
		},
	};
}

export type QuotaStore = ReturnType<typeof createQuotaStore>;
