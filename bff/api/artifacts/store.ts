import {
	type Expression,
	type ExpressionBuilder,
	type SqlBool,
	sql,
} from "kysely";
import { cosignTagOf, refreshTopLevel, tagged } from "../../core/top-level.ts";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import { badRequest } from "../errors.ts";
import {
	type Condition,
	queryTimeToIso,
	type SortKey,
} from "../harbor-query.ts";

type ArtifactsEb = ExpressionBuilder<Database, "artifacts">;

const one = sql<number>`1`.as("one");

export const artifactQueryKeys = [
	"tags",
	"labels",
	"base",
	"type",
	"media_type",
	"manifest_media_type",
	"artifact_type",
	"digest",
	"push_time",
	"pull_time",
] as const;
const sortColumns = {
	id: "artifacts.id",
	push_time: "artifacts.push_time",
	pull_time: "artifacts.pull_time",
	size: "artifacts.size",
	digest: "artifacts.digest",
	type: "artifacts.type",
	media_type: "artifacts.media_type",
} as const;
export const artifactSortKeys = Object.keys(sortColumns);

const textColumns = {
	type: "artifacts.type",
	media_type: "artifacts.media_type",
	manifest_media_type: "artifacts.manifest_media_type",
	artifact_type: "artifacts.artifact_type",
	digest: "artifacts.digest",
} as const;

const labelIds = (values: string[]) =>
	values.map((v) => {
		if (!/^\d+$/.test(v))
			throw badRequest(
				'the value of "labels" must be label ids, e.g. labels=(1 2)',
			);
		return Number(v);
	});

/** One `q` condition as SQL; `base` is handled by the caller. */
function condition(eb: ArtifactsEb, c: Condition): Expression<SqlBool> {
	const tagsWhere = (
		f: (
			t: ExpressionBuilder<Database, "tags" | "artifacts">,
		) => Expression<SqlBool>,
	) =>
		eb.exists(
			eb
				.selectFrom("tags")
				.select(one)
				.whereRef("tags.artifact_id", "=", "artifacts.id")
				.where(f),
		);
	const labelled = (id: number) =>
		eb.exists(
			eb
				.selectFrom("artifact_labels")
				.select(one)
				.whereRef("artifact_labels.artifact_id", "=", "artifacts.id")
				.where("artifact_labels.label_id", "=", id),
		);
	if (c.key === "tags") {
		if (c.op === "exact" && c.value === "*") return tagged(eb);
		if (c.op === "exact" && c.value === "nil") return eb.not(tagged(eb));
		if (c.op === "exact") return tagsWhere((t) => t("tags.name", "=", c.value));
		if (c.op === "fuzzy")
			return tagsWhere(() => containsIgnoringCase("tags.name", c.value));
		if (c.op === "or")
			return tagsWhere((t) =>
				t("tags.name", "in", c.values.length ? c.values : [""]),
			);
		throw badRequest(
			'the value of "tags" must be *, nil, a name, ~part or {a b}',
		);
	}
	if (c.key === "labels") {
		if (c.op === "exact") return labelled(labelIds([c.value])[0]);
		if (c.op === "and") return eb.and(labelIds(c.values).map(labelled));
		if (c.op === "or") return eb.or(labelIds(c.values).map(labelled));
		throw badRequest(
			'the value of "labels" must be label ids, e.g. labels=(1 2)',
		);
	}
	if (c.key === "push_time" || c.key === "pull_time") {
		if (c.op !== "range") throw badRequest(`${c.key} takes a range: [from~to]`);
		const col = `artifacts.${c.key}` as const;
		// Times are stored as ISO text: Harbor's "2020-04-09 02:36:00" would compare wrongly as written.
		return eb.and([
			...(c.min ? [eb(col, ">=", queryTimeToIso(c.min))] : []),
			...(c.max ? [eb(col, "<=", queryTimeToIso(c.max))] : []),
		]);
	}
	const col = textColumns[c.key as keyof typeof textColumns];
	if (c.op === "exact") return eb(col, "=", c.value);
	if (c.op === "fuzzy") return containsIgnoringCase(col, c.value);
	if (c.op === "or") return eb(col, "in", c.values.length ? c.values : [""]);
	throw badRequest(`unsupported match for ${c.key}`);
}

export type ArtifactScope = { repositoryId: number } | { projectId: number };
export type ArtifactListOptions = {
	conditions: Condition[];
	sort: SortKey[];
	limit: number;
	offset: number;
	latestInRepository?: boolean;
};

const artifactColumns = [
	"artifacts.id",
	"artifacts.project_id",
	"artifacts.repository_id",
	"artifacts.digest",
	"artifacts.type",
	"artifacts.media_type",
	"artifacts.manifest_media_type",
	"artifacts.artifact_type",
	"artifacts.size",
	"artifacts.subject_digest",
	"artifacts.annotations",
	"artifacts.push_time",
	"artifacts.pull_time",
	"repositories.name as repository_name",
] as const;

/** SQL for the artifact API: lists paged in SQL, and what a page's artifacts carry, one query per kind. */
export function createArtifactStore(db: Db) {
	function filtered(
		scope: ArtifactScope,
		opts: Pick<ArtifactListOptions, "conditions" | "latestInRepository">,
	) {
		const base = opts.conditions.find((c) => c.key === "base");
		if (base && !(base.op === "exact" && base.value === "*"))
			throw badRequest('the value of "base" can only be *');
		let q = db.selectFrom("artifacts");
		q =
			"repositoryId" in scope
				? q.where("artifacts.repository_id", "=", scope.repositoryId)
				: q.where("artifacts.project_id", "=", scope.projectId);
		if (!base) q = q.where("artifacts.top_level", "=", 1);
		for (const c of opts.conditions)
			if (c.key !== "base") q = q.where((eb) => condition(eb, c));
		if (opts.latestInRepository) {
			// The newest artifact of each repository among those matching the type filters (Harbor: only with those filters).
			const typeFilters = opts.conditions.filter(
				(c) => c.key === "media_type" || c.key === "artifact_type",
			);
			if (typeFilters.length) {
				q = q.where("artifacts.push_time", "=", (eb) => {
					let latest = eb
						.selectFrom("artifacts as newest")
						.select((e) => e.fn.max("newest.push_time").as("t"))
						.whereRef("newest.repository_id", "=", "artifacts.repository_id");
					for (const c of typeFilters) {
						const col =
							c.key === "media_type"
								? "newest.media_type"
								: "newest.artifact_type";
						if (c.op === "exact") latest = latest.where(col, "=", c.value);
						else if (c.op === "or")
							latest = latest.where(
								col,
								"in",
								c.values.length ? c.values : [""],
							);
						else if (c.op === "fuzzy")
							latest = latest.where(containsIgnoringCase(col, c.value));
					}
					return latest;
				});
			}
		}
		return q;
	}

	return {
		async list(scope: ArtifactScope, opts: ArtifactListOptions) {
			let q = filtered(scope, opts)
				.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
				.select(artifactColumns);
			for (const s of opts.sort)
				q = q.orderBy(
					sortColumns[s.key as keyof typeof sortColumns],
					s.desc ? "desc" : "asc",
				);
			if (!opts.sort.length) q = q.orderBy("artifacts.push_time", "desc");
			const [rows, count] = await Promise.all([
				q
					.orderBy("artifacts.id", "desc")
					.limit(opts.limit)
					.offset(opts.offset)
					.execute(),
				filtered(scope, opts)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},

		/** One artifact by id, shaped like a list row. */
		byId: (id: number) =>
			db
				.selectFrom("artifacts")
				.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
				.select(artifactColumns)
				.where("artifacts.id", "=", id)
				.executeTakeFirst(),

		tagsOf: (artifactIds: number[]) =>
			artifactIds.length === 0
				? Promise.resolve([])
				: db
						.selectFrom("tags")
						.select([
							"id",
							"repository_id",
							"artifact_id",
							"name",
							"push_time",
							"pull_time",
						])
						.where("artifact_id", "in", artifactIds)
						.orderBy("push_time", "desc")
						.orderBy("id", "desc")
						.execute(),

		labelsOf: (artifactIds: number[]) =>
			artifactIds.length === 0
				? Promise.resolve([])
				: db
						.selectFrom("artifact_labels")
						.innerJoin("labels", "labels.id", "artifact_labels.label_id")
						.select([
							"artifact_labels.artifact_id",
							"labels.id",
							"labels.name",
							"labels.description",
							"labels.color",
							"labels.scope",
							"labels.project_id",
							"labels.creation_time",
							"labels.update_time",
						])
						.where("artifact_labels.artifact_id", "in", artifactIds)
						.orderBy("labels.name")
						.execute(),

		referencesOf: (artifactIds: number[]) =>
			artifactIds.length === 0
				? Promise.resolve([])
				: db
						.selectFrom("artifact_references")
						.select([
							"parent_id",
							"child_id",
							"child_digest",
							"platform",
							"annotations",
						])
						.where("parent_id", "in", artifactIds)
						.execute(),

		/**
		 * What each artifact weighs beyond its manifest, as Harbor counts `size`: its config and layers, and for an
		 * index its children (manifest and blobs). Two queries for the page.
		 */
		async contentSizes(artifactIds: number[]): Promise<Map<number, number>> {
			const sizes = new Map<number, number>();
			if (artifactIds.length === 0) return sizes;
			const add = (id: number, n: unknown) =>
				sizes.set(id, (sizes.get(id) ?? 0) + Number(n ?? 0));
			const [own, children] = await Promise.all([
				db
					.selectFrom("artifact_blobs")
					.innerJoin("blobs", "blobs.digest", "artifact_blobs.digest")
					.select((eb) => [
						"artifact_blobs.artifact_id as id",
						eb.fn.sum<number>("blobs.size").as("n"),
					])
					.where("artifact_blobs.artifact_id", "in", artifactIds)
					.groupBy("artifact_blobs.artifact_id")
					.execute(),
				db
					.selectFrom("artifact_references")
					.innerJoin(
						"artifacts",
						"artifacts.id",
						"artifact_references.child_id",
					)
					.select((eb) => [
						"artifact_references.parent_id as id",
						"artifacts.size",
						eb
							.selectFrom("artifact_blobs")
							.innerJoin("blobs", "blobs.digest", "artifact_blobs.digest")
							.select((e) => e.fn.sum<number>("blobs.size").as("s"))
							.whereRef("artifact_blobs.artifact_id", "=", "artifacts.id")
							.as("blobs"),
					])
					.where("artifact_references.parent_id", "in", artifactIds)
					.execute(),
			]);
			for (const r of own) add(r.id, r.n);
			for (const r of children)
				add(r.id, Number(r.size) + Number(r.blobs ?? 0));
			return sizes;
		},

		/**
		 * Accessories of several subjects (repository id + digest each): referrers by `subject`, and cosign signatures by
		 * their tag; two queries however many subjects.
		 */
		async accessoriesOf(subjects: { repositoryId: number; digest: string }[]) {
			if (subjects.length === 0) return [];
			const repos = [...new Set(subjects.map((s) => s.repositoryId))];
			const digests = [...new Set(subjects.map((s) => s.digest))];
			const cols = [
				"artifacts.id",
				"artifacts.repository_id",
				"artifacts.digest",
				"artifacts.size",
				"artifacts.media_type",
				"artifacts.artifact_type",
				"artifacts.push_time",
			] as const;
			const [referrers, signatures] = await Promise.all([
				db
					.selectFrom("artifacts")
					.select([...cols, "artifacts.subject_digest"])
					.where("artifacts.repository_id", "in", repos)
					.where("artifacts.subject_digest", "in", digests)
					.orderBy("artifacts.id")
					.execute(),
				db
					.selectFrom("tags")
					.innerJoin("artifacts", "artifacts.id", "tags.artifact_id")
					.select([...cols, "tags.name as tag"])
					.where("tags.repository_id", "in", repos)
					.where("tags.name", "in", digests.map(cosignTagOf))
					.orderBy("artifacts.id")
					.execute(),
			]);
			const wanted = new Set(
				subjects.map((s) => `${s.repositoryId} ${s.digest}`),
			);
			const bySubject = [
				...referrers.map(({ subject_digest, ...a }) => ({
					...a,
					subject: subject_digest!,
					cosignTag: false,
				})),
				...signatures.map(({ tag, ...a }) => ({
					...a,
					subject: tag.slice(0, -4).replace("-", ":"),
					cosignTag: true,
				})),
			];
			const seen = new Set<string>();
			return bySubject.filter((a) => {
				const key = `${a.repository_id} ${a.subject} ${a.id}`;
				if (!wanted.has(`${a.repository_id} ${a.subject}`) || seen.has(key))
					return false;
				seen.add(key);
				return true;
			});
		},

		/** One subject's accessories, paged in SQL. */
		async accessoryPage(
			repositoryId: number,
			digest: string,
			limit: number,
			offset: number,
		) {
			const q = db
				.selectFrom("artifacts")
				.where("artifacts.repository_id", "=", repositoryId)
				.where((eb) =>
					eb.or([
						eb("artifacts.subject_digest", "=", digest),
						eb.exists(
							eb
								.selectFrom("tags")
								.select(one)
								.whereRef("tags.artifact_id", "=", "artifacts.id")
								.where("tags.name", "=", cosignTagOf(digest)),
						),
					]),
				);
			const [rows, count] = await Promise.all([
				q
					.select([
						"artifacts.id",
						"artifacts.repository_id",
						"artifacts.digest",
						"artifacts.size",
						"artifacts.media_type",
						"artifacts.artifact_type",
						"artifacts.push_time",
						"artifacts.subject_digest",
					])
					.orderBy("artifacts.id")
					.limit(limit)
					.offset(offset)
					.execute(),
				q
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},

		/** The indexes that reference any of the artifacts (for inherited accessories). */
		parentsOf: (artifactIds: number[]) =>
			artifactIds.length === 0
				? Promise.resolve([])
				: db
						.selectFrom("artifact_references")
						.innerJoin(
							"artifacts",
							"artifacts.id",
							"artifact_references.parent_id",
						)
						.select([
							"artifact_references.child_id",
							"artifacts.id as parent_id",
							"artifacts.repository_id",
							"artifacts.digest",
						])
						.where("artifact_references.child_id", "in", artifactIds)
						.execute(),

		// ---- tags
		async tagPage(
			artifactId: number,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			let q = db.selectFrom("tags").where("artifact_id", "=", artifactId);
			for (const c of conditions) {
				if (c.op === "exact") q = q.where("name", "=", c.value);
				else if (c.op === "fuzzy")
					q = q.where(containsIgnoringCase("name", c.value));
				else if (c.op === "or")
					q = q.where("name", "in", c.values.length ? c.values : [""]);
				else throw badRequest("unsupported match for name");
			}
			let rows = q.select([
				"id",
				"repository_id",
				"artifact_id",
				"name",
				"push_time",
				"pull_time",
			]);
			for (const s of sort)
				rows = rows.orderBy(
					s.key as "name" | "push_time" | "pull_time" | "id",
					s.desc ? "desc" : "asc",
				);
			if (!sort.length) rows = rows.orderBy("push_time", "desc");
			const [page, count] = await Promise.all([
				rows.orderBy("id", "desc").limit(limit).offset(offset).execute(),
				q
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows: page, total: Number(count.n) };
		},

		findTag: (repositoryId: number, name: string) =>
			db
				.selectFrom("tags")
				.select(["id", "artifact_id", "name"])
				.where("repository_id", "=", repositoryId)
				.where("name", "=", name)
				.executeTakeFirst(),

		createTag: (
			repositoryId: number,
			artifactId: number,
			name: string,
			time: string,
		) =>
			db.transaction().execute(async (tx) => {
				const row = await tx
					.insertInto("tags")
					.values({
						repository_id: repositoryId,
						artifact_id: artifactId,
						name,
						push_time: time,
						pull_time: null,
					})
					.returning("id")
					.executeTakeFirstOrThrow();
				await refreshTopLevel(tx, [artifactId]);
				return row;
			}),

		// ---- labels on artifacts
		attachLabel: (artifactId: number, labelId: number, time: string) =>
			db
				.insertInto("artifact_labels")
				.values({
					artifact_id: artifactId,
					label_id: labelId,
					creation_time: time,
				})
				.execute(),

		detachLabel: (artifactId: number, labelId: number) =>
			db
				.deleteFrom("artifact_labels")
				.where("artifact_id", "=", artifactId)
				.where("label_id", "=", labelId)
				.executeTakeFirst()
				.then((r) => Number(r.numDeletedRows) > 0),
	};
}

export type ArtifactStore = ReturnType<typeof createArtifactStore>;
export type ArtifactListRow = Awaited<
	ReturnType<ArtifactStore["list"]>
>["rows"][number];
