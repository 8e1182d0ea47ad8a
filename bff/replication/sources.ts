import type { Db } from "../db/database.ts";
import type { Adapter } from "./adapters/adapter.ts";
import { literalOf, nameMatcher } from "./filters.ts";
import { digestOf } from "./manifest-tree.ts";
import type { V2Client } from "./v2-client.ts";

/** One artifact a policy's source holds: Harbor's `type` (IMAGE, CHART…) as `artifactType`. */
export type SourceArtifact = {
	repository: string;
	digest: string;
	tags: string[];
	labels: string[];
	artifactType: string;
};

const defaultPage = 200;

/**
 * Narrows a listing by the policy's name filter (a glob on the whole repository name): only repositories it matches,
 * and only the one project when its first path component is literal (`library/**`). Never drops a match.
 */
function byName(pattern: string | undefined) {
	if (!pattern) return { matches: () => true, project: null };
	const first = literalOf(pattern.split("/")[0]);
	return {
		matches: nameMatcher(pattern),
		project: pattern.includes("/") ? first : null,
	};
}

/**
 * This Wharf's top-level artifacts (accessories follow their subject, children their index) with their tags and
 * label names, repository by repository; repositories and artifacts are read a page at a time in id order.
 * `projectPattern` is the policy's name filter, a glob on the repository name (see `byName`).
 */
export async function* listLocal(
	db: Db,
	opts: { projectPattern?: string; pageSize?: number },
): AsyncIterable<SourceArtifact> {
	const name = byName(opts.projectPattern);
	const page = opts.pageSize ?? defaultPage;
	for (let afterRepo = 0; ; ) {
		let q = db
			.selectFrom("repositories")
			.select(["repositories.id", "repositories.name"])
			.where("repositories.id", ">", afterRepo);
		if (name.project)
			q = q.where("repositories.project_id", "=", (eb) =>
				eb
					.selectFrom("projects")
					.select("projects.id")
					.where("projects.name", "=", name.project!),
			);
		const repos = await q.orderBy("repositories.id").limit(page).execute();
		for (const repo of repos) {
			if (name.matches(repo.name)) yield* localArtifacts(db, repo, page);
		}
		if (repos.length < page) return;
		afterRepo = repos[repos.length - 1].id;
	}
}

async function* localArtifacts(
	db: Db,
	repo: { id: number; name: string },
	page: number,
): AsyncIterable<SourceArtifact> {
	// Keyset pages in the order of the index (repository_id, top_level, push_time, id). A push during the listing only
	// moves an artifact later, so none is missed (one re-pushed meanwhile may come twice; its task is then a no-op).
	for (let after = { push: "", id: 0 }; ; ) {
		const rows = await db
			.selectFrom("artifacts")
			.select(["id", "digest", "type", "push_time"])
			.where("repository_id", "=", repo.id)
			.where("top_level", "=", 1)
			// `>=` first: the index's range; the OR then only breaks ties on push_time.
			.where("push_time", ">=", after.push)
			.where((eb) =>
				eb.or([eb("push_time", ">", after.push), eb("id", ">", after.id)]),
			)
			.orderBy("push_time")
			.orderBy("id")
			.limit(page)
			.execute();
		if (!rows.length) return;
		const ids = rows.map((r) => r.id);
		const [tags, labels] = await Promise.all([
			db
				.selectFrom("tags")
				.select(["artifact_id", "name"])
				.where("artifact_id", "in", ids)
				.orderBy("name")
				.execute(),
			db
				.selectFrom("artifact_labels")
				.innerJoin("labels", "labels.id", "artifact_labels.label_id")
				.select(["artifact_labels.artifact_id", "labels.name"])
				.where("artifact_labels.artifact_id", "in", ids)
				.execute(),
		]);
		for (const r of rows) {
			yield {
				repository: repo.name,
				digest: r.digest,
				artifactType: r.type,
				tags: tags.filter((t) => t.artifact_id === r.id).map((t) => t.name),
				labels: labels.filter((l) => l.artifact_id === r.id).map((l) => l.name),
			};
		}
		if (rows.length < page) return;
		const last = rows[rows.length - 1];
		after = { push: last.push_time, id: last.id };
	}
}

/** cosign's tag accessories and the OCI referrers tag: they follow their subject, never listed as artifacts. */
const accessoryTag = /^sha256-[0-9a-f]{64}(\.sig|\.att|\.sbom)?$/;

/**
 * A remote's tagged artifacts: its repositories as the adapter lists them, or, when it cannot list them (no
 * `_catalog`), the one repository a literal name filter names; each tag's digest by `HEAD` (which Docker Hub does not
 * count as a pull), tags of one digest together. Labels are Wharf's own, so a remote's are empty; the type is IMAGE
 * (learning a chart from an image would take a manifest GET per tag).
 */
export async function* listRemote(
	adapter: Adapter,
	client: V2Client,
	opts: { namePattern?: string },
): AsyncIterable<SourceArtifact> {
	const name = byName(opts.namePattern);
	let repos = await adapter.repositories();
	if (repos === null) {
		const literal = opts.namePattern ? literalOf(opts.namePattern) : null;
		if (!literal) {
			throw new Error(
				`${client.url} cannot list its repositories: give the policy a name filter that names one repository exactly (e.g. library/nginx)`,
			);
		}
		repos = [literal];
	}
	for (const repository of repos) {
		if (!name.matches(repository)) continue;
		const byDigest = new Map<string, string[]>();
		for (const tag of await client.tags(repository)) {
			if (accessoryTag.test(tag)) continue;
			const ref = await client.headManifest(repository, tag);
			if (!ref) continue; // deleted since the tag list was read
			// A registry that leaves the digest out of HEAD's answer: hash the manifest itself.
			const digest =
				ref.digest ||
				digestOf((await client.getManifest(repository, tag)).body);
			byDigest.set(digest, [...(byDigest.get(digest) ?? []), tag]);
		}
		for (const [digest, tags] of byDigest)
			yield { repository, digest, tags, labels: [], artifactType: "IMAGE" };
	}
}
