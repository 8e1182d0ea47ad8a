import {
	type Expression,
	type ExpressionBuilder,
	type SqlBool,
	sql,
} from "kysely";
import { isPostgres, lockDigests } from "../../core/blob-locks.ts";
import { dropUnheldPending } from "../../core/store.ts";
import type { Db } from "../../db/database.ts";
import { type Member, membersOf } from "../../db/membership.ts";
import type { Database } from "../../db/schema.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import { badRequest } from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import { integerParam, maxId } from "../request-body.ts";

/** Which projects' repositories a list may show: all (system admin), or public ones, a user's memberships, named ones. */
export type RepositoryVisibility =
	| { all: true }
	| {
			all: false;
			publicProjects: boolean;
			member?: Member;
			projectIds?: number[];
	  };

export const repositoryQueryKeys = ["name", "project_id"] as const;
const sortColumns = {
	id: "repositories.id",
	name: "repositories.name",
	creation_time: "repositories.creation_time",
	update_time: "repositories.update_time",
	pull_count: "repositories.pull_count",
} as const;
export const repositorySortKeys = Object.keys(sortColumns);

const columns = [
	"repositories.id",
	"repositories.project_id",
	"repositories.name",
	"repositories.description",
	"repositories.pull_count",
	"repositories.creation_time",
	"repositories.update_time",
] as const;

type ReposEb = ExpressionBuilder<Database, "repositories">;

function visible(
	eb: ReposEb,
	v: Exclude<RepositoryVisibility, { all: true }>,
): Expression<SqlBool> {
	const any: Expression<SqlBool>[] = [];
	if (v.publicProjects)
		any.push(
			eb(
				"repositories.project_id",
				"in",
				eb.selectFrom("projects").select("id").where("public", "=", 1),
			),
		);
	const { member } = v;
	if (member)
		any.push(
			eb(
				"repositories.project_id",
				"in",
				eb
					.selectFrom("members")
					.select("members.project_id")
					.where((m) => membersOf(m, member)),
			),
		);
	if (v.projectIds?.length)
		any.push(eb("repositories.project_id", "in", v.projectIds));
	return any.length ? eb.or(any) : sql<SqlBool>`1 = 0`;
}

function condition(eb: ReposEb, c: Condition): Expression<SqlBool> {
	if (c.key === "project_id") {
		const ids = (
			c.op === "exact" ? [c.value] : c.op === "or" ? c.values : []
		).map((v) => integerParam(v, "project_id", 1, maxId));
		if (!ids.length) throw badRequest("project_id takes an id or {id1 id2}");
		return eb("repositories.project_id", "in", ids);
	}
	if (c.op === "exact") return eb("repositories.name", "=", c.value);
	if (c.op === "fuzzy")
		return containsIgnoringCase("repositories.name", c.value);
	if (c.op === "or")
		return eb("repositories.name", "in", c.values.length ? c.values : [""]);
	throw badRequest("name takes a name, ~part or {a b}");
}

/** A repository's `artifact_count`: its artifacts in Harbor's default collection (see bff/core/top-level.ts). */
export const artifactCount = (
	eb: ExpressionBuilder<Database, "repositories">,
) =>
	eb
		.selectFrom("artifacts")
		.select((e) => e.fn.countAll<number>().as("n"))
		.whereRef("artifacts.repository_id", "=", "repositories.id")
		.where("artifacts.top_level", "=", 1)
		.as("artifact_count");

/** SQL for the repository API. */
export function createRepositoryStore(db: Db) {
	const withCount = () =>
		db.selectFrom("repositories").select(columns).select(artifactCount);

	return {
		async list(
			scope: { projectId: number } | RepositoryVisibility,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			const matches = (eb: ReposEb) =>
				eb.and([
					...("projectId" in scope
						? [eb("repositories.project_id", "=", scope.projectId)]
						: scope.all
							? []
							: [visible(eb, scope)]),
					...conditions.map((c) => condition(eb, c)),
				]);
			let q = withCount().where(matches);
			for (const s of sort)
				q = q.orderBy(
					sortColumns[s.key as keyof typeof sortColumns],
					s.desc ? "desc" : "asc",
				);
			if (!sort.length) q = q.orderBy("repositories.creation_time", "desc");
			const [rows, count] = await Promise.all([
				q
					.orderBy("repositories.id", "desc")
					.limit(limit)
					.offset(offset)
					.execute(),
				db
					.selectFrom("repositories")
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.where(matches)
					.executeTakeFirstOrThrow(),
			]);
			return {
				rows: rows.map((r) => ({
					...r,
					artifact_count: Number(r.artifact_count ?? 0),
				})),
				total: Number(count.n),
			};
		},

		async get(projectId: number, name: string) {
			const r = await withCount()
				.where("repositories.project_id", "=", projectId)
				.where("repositories.name", "=", name)
				.executeTakeFirst();
			return r && { ...r, artifact_count: Number(r.artifact_count ?? 0) };
		},

		updateDescription: (id: number, description: string, time: string) =>
			db
				.updateTable("repositories")
				.set({ description, update_time: time })
				.where("id", "=", id)
				.execute(),

		/**
		 * Removes the repository with its artifacts, tags, labels and blob links (bytes stay for garbage collection), and
		 * the project stops counting its blobs no other repository of the project holds — decided under the blobs'
		 * exclusive locks, so another repository linking one of them meanwhile keeps it counted. On Postgres the repository's
		 * row is then locked: a push linking a blob into it waits for this to end (and then finds it gone), and one that
		 * linked a blob after `linked` was read has committed, so the deletion below returns its digest and it is
		 * uncounted with the rest.
		 */
		remove: (id: number) =>
			db.transaction().execute(async (tx) => {
				const repo = await tx
					.selectFrom("repositories")
					.select("project_id")
					.where("id", "=", id)
					.executeTakeFirst();
				const linked = (
					await tx
						.selectFrom("repository_blobs")
						.select("digest")
						.where("repository_id", "=", id)
						.execute()
				).map((r) => r.digest);
				await lockDigests(tx, linked, "exclusive");
				if (isPostgres(tx))
					await tx
						.selectFrom("repositories")
						.select("id")
						.where("id", "=", id)
						.forUpdate()
						.execute();
				const ids = tx
					.selectFrom("artifacts")
					.select("id")
					.where("repository_id", "=", id);
				// Index children are referenced without cascade: drop the references before the artifacts.
				await tx
					.deleteFrom("artifact_references")
					.where("parent_id", "in", ids)
					.execute();
				await tx
					.deleteFrom("artifacts")
					.where("repository_id", "=", id)
					.execute();
				const unlinked = (
					await tx
						.deleteFrom("repository_blobs")
						.where("repository_id", "=", id)
						.returning("digest")
						.execute()
				).map((r) => r.digest);
				const known = new Set(linked);
				const late = unlinked.filter((d) => !known.has(d));
				await lockDigests(tx, late, "exclusive");
				if (repo)
					await dropUnheldPending(tx, repo.project_id, [...linked, ...late]);
				await tx.deleteFrom("repositories").where("id", "=", id).execute();
			}),
	};
}

export type RepositoryStore = ReturnType<typeof createRepositoryStore>;
export type RepositoryRow = NonNullable<
	Awaited<ReturnType<RepositoryStore["get"]>>
>;
