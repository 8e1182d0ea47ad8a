import { type Selectable, sql, type Transaction } from "kysely";
import { chunks } from "../db/chunks.ts";
import { type Db, now } from "../db/database.ts";
import { membersOf } from "../db/membership.ts";
import type { Database } from "../db/schema.ts";
import type { PullableProjects } from "./access.ts";
import { collectedBlob, isPostgres, lockDigests } from "./blob-locks.ts";
import { RegistryError } from "./errors.ts";
import { refreshTopLevel } from "./top-level.ts";

export type Tx = Db | Transaction<Database>;

export type ArtifactRow = Selectable<Database["artifacts"]>;

/** Everything a manifest push records, committed in one transaction once its bytes are durable. */
export type ManifestRecord = {
	projectId: number;
	repositoryId: number;
	digest: string;
	size: number;
	manifestMediaType: string;
	type: string;
	configMediaType: string;
	artifactType: string | null;
	subjectDigest: string | null;
	annotations: Record<string, string> | null;
	blobs: string[];
	children: { digest: string; platform: unknown; annotations: unknown }[];
	tags: string[];
};

/** SQL for the registry core: projects, repositories, blob links, uploads, artifacts, tags. */
export function createRegistryStore(db: Db) {
	return {
		db,

		findProject: (name: string) =>
			db
				.selectFrom("projects")
				.select(["id", "name", "public"])
				.where("name", "=", name)
				.executeTakeFirst(),

		findRepository: (name: string) =>
			db
				.selectFrom("repositories")
				.select(["id", "project_id", "name"])
				.where("name", "=", name)
				.executeTakeFirst(),

		async ensureRepository(projectId: number, name: string): Promise<number> {
			const t = now();
			await db
				.insertInto("repositories")
				.values({
					project_id: projectId,
					name,
					description: "",
					pull_count: 0,
					creation_time: t,
					update_time: t,
				})
				.onConflict((oc) => oc.column("name").doNothing())
				.execute();
			const row = await db
				.selectFrom("repositories")
				.select("id")
				.where("name", "=", name)
				.executeTakeFirstOrThrow();
			return row.id;
		},

		/**
		 * Records durable bytes and links them to a repository, and to its project as pending (counted in the quota until
		 * an artifact references them, or the stale purge forgets them). `existing`: the bytes are a blob the registry
		 * already holds (a mount, a copy), so its row must still be there: GC may have collected it since it was looked up.
		 */
		async linkBlob(
			repositoryId: number,
			projectId: number,
			digest: string,
			size: number,
			mediaType: string,
			tx: Tx = db,
			existing = false,
		) {
			const t = now();
			await lockDigests(tx, [digest]);
			if (!existing) {
				await tx
					.insertInto("blobs")
					.values({ digest, size, media_type: mediaType, creation_time: t })
					.onConflict((oc) => oc.column("digest").doNothing())
					.execute();
			}
			const row = await tx
				.selectFrom("blobs")
				.select("deleting")
				.where("digest", "=", digest)
				.executeTakeFirst();
			if (!row || row.deleting) throw collectedBlob(digest);
			await tx
				.insertInto("repository_blobs")
				.values({ repository_id: repositoryId, digest, linked_at: t })
				.onConflict((oc) => oc.columns(["repository_id", "digest"]).doNothing())
				.execute();
			await tx
				.insertInto("project_blobs")
				.values({ project_id: projectId, digest, creation_time: t })
				.onConflict((oc) =>
					oc
						.columns(["project_id", "digest"])
						.doUpdateSet({ creation_time: t }),
				)
				.execute();
		},

		/** Links blobs the registry holds into a repository (a mount, a copy), in one transaction `admit` opens. */
		async linkBlobs(
			repositoryId: number,
			projectId: number,
			blobs: { digest: string; size: number; mediaType: string }[],
			admit: (tx: Tx) => Promise<void>,
		) {
			await db.transaction().execute(async (tx) => {
				await admit(tx);
				await lockDigests(
					tx,
					blobs.map((b) => b.digest),
				);
				for (const b of blobs)
					await this.linkBlob(
						repositoryId,
						projectId,
						b.digest,
						b.size,
						b.mediaType,
						tx,
						true,
					);
			});
		},

		linkedBlob: (repositoryId: number, digest: string) =>
			db
				.selectFrom("repository_blobs")
				.innerJoin("blobs", "blobs.digest", "repository_blobs.digest")
				.select([
					"blobs.digest",
					"blobs.size",
					"blobs.media_type",
					"repository_blobs.linked_at",
				])
				.where("repository_blobs.repository_id", "=", repositoryId)
				.where("repository_blobs.digest", "=", digest)
				.where("blobs.deleting", "=", 0)
				.executeTakeFirst(),

		/**
		 * A HEAD that answers "exists" renews the link when it is older than `before`, so the manifest the client sends
		 * next finds it kept by GC's time window.
		 */
		touchLink: (repositoryId: number, digest: string, before: string) =>
			db
				.updateTable("repository_blobs")
				.set({ linked_at: now() })
				.where("repository_id", "=", repositoryId)
				.where("digest", "=", digest)
				.where("linked_at", "<", before)
				.execute(),

		/** Which of the digests the repository links, with their sizes. */
		async linkedSizes(
			repositoryId: number,
			digests: string[],
		): Promise<Map<string, number>> {
			const found = new Map<string, number>();
			for (const slice of chunks(digests)) {
				const rows = await db
					.selectFrom("repository_blobs")
					.innerJoin("blobs", "blobs.digest", "repository_blobs.digest")
					.select(["blobs.digest", "blobs.size"])
					.where("repository_blobs.repository_id", "=", repositoryId)
					.where("repository_blobs.digest", "in", slice)
					.where("blobs.deleting", "=", 0)
					.execute();
				for (const r of rows) found.set(r.digest, Number(r.size));
			}
			return found;
		},

		/**
		 * Unlinks a blob from a repository; it stops pending in the project unless another of its repositories holds it.
		 * Whether one does is decided under the digest's exclusive lock: two repositories letting go at once would each
		 * see the other's link and leave the count with no link behind it, and one letting go while another links would
		 * take the count from under the new link.
		 */
		unlinkBlob: (repositoryId: number, projectId: number, digest: string) =>
			db.transaction().execute(async (tx) => {
				await lockDigests(tx, [digest], "exclusive");
				const r = await tx
					.deleteFrom("repository_blobs")
					.where("repository_id", "=", repositoryId)
					.where("digest", "=", digest)
					.executeTakeFirst();
				await dropUnheldPending(tx, projectId, [digest]);
				return Number(r.numDeletedRows) > 0;
			}),

		/**
		 * Removes a repository that holds nothing (no artifact, blob link or upload): what a refused first push leaves.
		 * On Postgres the row is locked first, which waits for writes naming it that are under way: the check then sees
		 * them, and the repository (with what they wrote) stays. A write that comes after finds it gone.
		 */
		dropIfEmpty: (repositoryId: number) =>
			db.transaction().execute(async (tx) => {
				if (isPostgres(tx))
					await tx
						.selectFrom("repositories")
						.select("id")
						.where("id", "=", repositoryId)
						.forUpdate()
						.execute();
				await tx
					.deleteFrom("repositories")
					.where("id", "=", repositoryId)
					.where(({ not, exists, selectFrom }) =>
						not(
							exists(
								selectFrom("artifacts")
									.select(sql`1`.as("one"))
									.where("artifacts.repository_id", "=", repositoryId),
							),
						),
					)
					.where(({ not, exists, selectFrom }) =>
						not(
							exists(
								selectFrom("repository_blobs")
									.select(sql`1`.as("one"))
									.where("repository_blobs.repository_id", "=", repositoryId),
							),
						),
					)
					.where(({ not, exists, selectFrom }) =>
						not(
							exists(
								selectFrom("uploads")
									.select(sql`1`.as("one"))
									.where("uploads.repository_id", "=", repositoryId),
							),
						),
					)
					.execute();
			}),

		findBlob: (digest: string) =>
			db
				.selectFrom("blobs")
				.select(["digest", "size", "media_type"])
				.where("digest", "=", digest)
				.where("deleting", "=", 0)
				.executeTakeFirst(),

		/** Repositories (with their projects) that hold a blob: candidates for an automatic cross-repository mount. */
		repositoriesHolding: (digest: string, limit = 20) =>
			db
				.selectFrom("repository_blobs")
				.innerJoin(
					"repositories",
					"repositories.id",
					"repository_blobs.repository_id",
				)
				.select(["repositories.name"])
				.where("repository_blobs.digest", "=", digest)
				.limit(limit)
				.execute(),

		// ---- uploads
		createUpload: (row: {
			id: string;
			repositoryId: number;
			principal: string;
			algorithm: string;
		}) => {
			const t = now();
			return db
				.insertInto("uploads")
				.values({
					id: row.id,
					repository_id: row.repositoryId,
					principal: row.principal,
					offset: 0,
					hash_algorithm: row.algorithm,
					creation_time: t,
					last_activity: t,
				})
				.execute();
		},

		findUpload: (id: string) =>
			db
				.selectFrom("uploads")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst(),

		/** Takes the upload for one writer at a known offset; a racing writer, or a stale offset, gets false. */
		async claimUpload(
			id: string,
			offset: number,
			token: string,
			leaseMs: number,
		): Promise<boolean> {
			const t = new Date();
			const r = await db
				.updateTable("uploads")
				.set({
					lease_token: token,
					lease_until: new Date(t.getTime() + leaseMs).toISOString(),
					last_activity: t.toISOString(),
				})
				.where("id", "=", id)
				.where("offset", "=", offset)
				.where((eb) =>
					eb.or([
						eb("lease_until", "is", null),
						eb("lease_until", "<", t.toISOString()),
					]),
				)
				.executeTakeFirst();
			return Number(r.numUpdatedRows) === 1;
		},

		/** Moves the offset forward and lets the upload go (compare-and-set on the lease). */
		releaseUpload: (id: string, token: string, offset: number) =>
			db
				.updateTable("uploads")
				.set({
					offset,
					lease_token: null,
					lease_until: null,
					last_activity: now(),
				})
				.where("id", "=", id)
				.where("lease_token", "=", token)
				.execute(),

		/** Takes `bytes` more into the upload's quota reservation, in one transaction with `admit` (the quota's check). */
		reserve: (id: string, bytes: number, admit: (tx: Tx) => Promise<void>) =>
			db.transaction().execute(async (tx) => {
				await admit(tx);
				await tx
					.updateTable("uploads")
					.set((eb) => ({ reserved: eb("reserved", "+", bytes) }))
					.where("id", "=", id)
					.execute();
			}),

		/** Gives back what the upload reserved beyond the bytes it holds (a write ended short of its reservation). */
		settleReservation: (id: string, offset: number) =>
			db
				.updateTable("uploads")
				.set({ reserved: offset })
				.where("id", "=", id)
				.where("reserved", ">", offset)
				.execute(),

		/**
		 * A finished upload becomes a linked blob: its reservation turns into the pending link, in one transaction that
		 * `admit` (the quota's check, told what the upload had reserved) opens.
		 */
		async commitUpload(
			id: string,
			repositoryId: number,
			projectId: number,
			digest: string,
			size: number,
			admit: (tx: Tx, reserved: number) => Promise<void>,
		) {
			await db.transaction().execute(async (tx) => {
				const row = await tx
					.selectFrom("uploads")
					.select("reserved")
					.where("id", "=", id)
					.executeTakeFirst();
				await admit(tx, Number(row?.reserved ?? 0));
				await this.linkBlob(
					repositoryId,
					projectId,
					digest,
					size,
					"application/octet-stream",
					tx,
				);
				await tx.deleteFrom("uploads").where("id", "=", id).execute();
			});
		},

		deleteUpload: (id: string) =>
			db.deleteFrom("uploads").where("id", "=", id).execute(),

		staleUploads: (before: string) =>
			db
				.selectFrom("uploads")
				.select("id")
				.where("last_activity", "<", before)
				.execute(),

		/** Forgets pending links older than `before` that no artifact took over: pushes that never sent their manifest. */
		purgeStalePending: (before: string) =>
			db
				.deleteFrom("project_blobs")
				.where("creation_time", "<", before)
				.executeTakeFirst()
				.then((r) => Number(r.numDeletedRows)),

		// ---- manifests and tags
		findArtifact: (repositoryId: number, digest: string) =>
			db
				.selectFrom("artifacts")
				.selectAll()
				.where("repository_id", "=", repositoryId)
				.where("digest", "=", digest)
				.executeTakeFirst(),

		findTagged: (repositoryId: number, tag: string) =>
			db
				.selectFrom("tags")
				.innerJoin("artifacts", "artifacts.id", "tags.artifact_id")
				.selectAll("artifacts")
				.where("tags.repository_id", "=", repositoryId)
				.where("tags.name", "=", tag)
				.executeTakeFirst(),

		artifactIdsByDigest: (repositoryId: number, digests: string[]) =>
			artifactIds(db, repositoryId, digests),

		/**
		 * Records a pushed manifest: the artifact, its blob references, index children and tag, in one transaction.
		 * `admit` runs first in that transaction (the quota's check); the links the artifact now references stop pending.
		 */
		async recordManifest(
			m: ManifestRecord,
			admit?: (tx: Tx) => Promise<void>,
		): Promise<void> {
			await db.transaction().execute(async (tx) => {
				await admit?.(tx);
				// Under the digests' locks, the links the manifest service found must still be there: GC may have removed
				// them since. Then the client is told to push the blob again, and no artifact ever names a blob it lacks.
				await lockDigests(tx, [m.digest, ...m.blobs]);
				for (const slice of chunks(m.blobs)) {
					const held = await tx
						.selectFrom("repository_blobs")
						.select("digest")
						.where("repository_id", "=", m.repositoryId)
						.where("digest", "in", slice)
						.execute();
					if (held.length < slice.length) {
						const found = new Set(held.map((r) => r.digest));
						const missing = slice.find((d) => !found.has(d))!;
						throw new RegistryError(
							"MANIFEST_BLOB_UNKNOWN",
							`blob unknown to registry: ${missing}`,
							{ digest: missing },
						);
					}
				}
				const t = now();
				await this.linkBlob(
					m.repositoryId,
					m.projectId,
					m.digest,
					m.size,
					m.manifestMediaType,
					tx,
				);
				await tx
					.insertInto("artifacts")
					.values({
						project_id: m.projectId,
						repository_id: m.repositoryId,
						digest: m.digest,
						type: m.type,
						media_type: m.configMediaType,
						manifest_media_type: m.manifestMediaType,
						artifact_type: m.artifactType,
						size: m.size,
						subject_digest: m.subjectDigest,
						annotations: m.annotations ? JSON.stringify(m.annotations) : null,
						push_time: t,
						pull_time: null,
					})
					.onConflict((oc) =>
						oc
							.columns(["repository_id", "digest"])
							.doUpdateSet({ push_time: t }),
					)
					.execute();
				const artifact = await tx
					.selectFrom("artifacts")
					.select("id")
					.where("repository_id", "=", m.repositoryId)
					.where("digest", "=", m.digest)
					.executeTakeFirstOrThrow();
				for (const slice of chunks(m.blobs)) {
					await tx
						.insertInto("artifact_blobs")
						.values(
							slice.map((digest) => ({ artifact_id: artifact.id, digest })),
						)
						.onConflict((oc) =>
							oc.columns(["artifact_id", "digest"]).doNothing(),
						)
						.execute();
				}
				for (const slice of chunks([m.digest, ...m.blobs])) {
					await tx
						.deleteFrom("project_blobs")
						.where("project_id", "=", m.projectId)
						.where("digest", "in", slice)
						.execute();
				}
				if (m.children.length) {
					const idOf = await artifactIds(
						tx,
						m.repositoryId,
						m.children.map((c) => c.digest),
					);
					const children = [
						...new Map(m.children.map((c) => [c.digest, c])).values(),
					];
					for (const slice of chunks(children, 200)) {
						await tx
							.insertInto("artifact_references")
							.values(
								slice.map((c) => ({
									parent_id: artifact.id,
									child_id: idOf.get(c.digest)!,
									child_digest: c.digest,
									platform: c.platform ? JSON.stringify(c.platform) : null,
									annotations: c.annotations
										? JSON.stringify(c.annotations)
										: null,
								})),
							)
							.onConflict((oc) =>
								oc.columns(["parent_id", "child_digest"]).doNothing(),
							)
							.execute();
					}
				}
				const touched = [
					artifact.id,
					...(
						await tx
							.selectFrom("artifact_references")
							.select("child_id")
							.where("parent_id", "=", artifact.id)
							.execute()
					).map((r) => r.child_id),
				];
				// A tag moved off another artifact may leave that one untagged (and no longer top-level).
				for (const slice of chunks(m.tags)) {
					const previous = await tx
						.selectFrom("tags")
						.select("artifact_id")
						.where("repository_id", "=", m.repositoryId)
						.where("name", "in", slice)
						.execute();
					touched.push(...previous.map((r) => r.artifact_id));
				}
				for (const name of m.tags) {
					await tx
						.insertInto("tags")
						.values({
							repository_id: m.repositoryId,
							artifact_id: artifact.id,
							name,
							push_time: t,
							pull_time: null,
						})
						.onConflict((oc) =>
							oc
								.columns(["repository_id", "name"])
								.doUpdateSet({ artifact_id: artifact.id, push_time: t }),
						)
						.execute();
				}
				await refreshTopLevel(tx, touched);
				await tx
					.updateTable("repositories")
					.set({ update_time: t })
					.where("id", "=", m.repositoryId)
					.execute();
			});
		},

		/** Index manifests in the repository that still reference an artifact. */
		parentsOf: (artifactId: number) =>
			db
				.selectFrom("artifact_references")
				.innerJoin("artifacts", "artifacts.id", "artifact_references.parent_id")
				.select(["artifacts.id", "artifacts.digest"])
				.where("artifact_references.child_id", "=", artifactId)
				.execute(),

		/** Referrers (accessories) of a digest in a repository. */
		referrers: (repositoryId: number, digest: string) =>
			db
				.selectFrom("artifacts")
				.selectAll()
				.where("repository_id", "=", repositoryId)
				.where("subject_digest", "=", digest)
				.orderBy("id")
				.execute(),

		deleteArtifact: (artifactId: number) =>
			db.transaction().execute(async (tx) => {
				const children = await tx
					.selectFrom("artifact_references")
					.select("child_id")
					.where("parent_id", "=", artifactId)
					.execute();
				await tx
					.deleteFrom("artifact_references")
					.where("parent_id", "=", artifactId)
					.execute();
				await tx.deleteFrom("artifacts").where("id", "=", artifactId).execute();
				await refreshTopLevel(
					tx,
					children.map((c) => c.child_id),
				);
			}),

		deleteTag: (repositoryId: number, tag: string) =>
			db.transaction().execute(async (tx) => {
				const row = await tx
					.deleteFrom("tags")
					.where("repository_id", "=", repositoryId)
					.where("name", "=", tag)
					.returning("artifact_id")
					.executeTakeFirst();
				if (row) await refreshTopLevel(tx, [row.artifact_id]);
				return row !== undefined;
			}),

		/** The names of an artifact's tags. */
		tagNames: (artifactId: number) =>
			db
				.selectFrom("tags")
				.select("name")
				.where("artifact_id", "=", artifactId)
				.execute()
				.then((rows) => rows.map((r) => r.name)),

		listTags: (repositoryId: number, n: number, last?: string) => {
			let q = db
				.selectFrom("tags")
				.select("name")
				.where("repository_id", "=", repositoryId);
			if (last !== undefined) q = q.where("name", ">", last);
			return q
				.orderBy("name")
				.limit(n)
				.execute()
				.then((rows) => rows.map((r) => r.name));
		},

		/** Repository names with at least one artifact, in byte order, after `last`. */
		listRepositories: (
			n: number,
			last: string | undefined,
			pullable: PullableProjects,
		) => {
			let q = db
				.selectFrom("repositories")
				.select("repositories.name")
				.where(({ exists, selectFrom }) =>
					exists(
						selectFrom("artifacts")
							.select(sql`1`.as("one"))
							.whereRef("artifacts.repository_id", "=", "repositories.id"),
					),
				);
			if (!pullable.all) {
				const { publicProjects, member, projectIds } = pullable;
				q = q.where((eb) =>
					eb.or([
						...(publicProjects
							? [
									eb(
										"repositories.project_id",
										"in",
										eb
											.selectFrom("projects")
											.select("projects.id")
											.where("projects.public", "=", 1),
									),
								]
							: []),
						...(member
							? [
									eb(
										"repositories.project_id",
										"in",
										eb
											.selectFrom("members")
											.select("members.project_id")
											.where((m) => membersOf(m, member))
											.where("members.role", "in", member.roles),
									),
								]
							: []),
						...(projectIds?.length
							? [eb("repositories.project_id", "in", projectIds)]
							: []),
						sql<boolean>`1 = 0`,
					]),
				);
			}
			if (last !== undefined) q = q.where("repositories.name", ">", last);
			return q
				.orderBy("repositories.name")
				.limit(n)
				.execute()
				.then((rows) => rows.map((r) => r.name));
		},

		recordPulls: async (
			pulls: {
				artifactId: number;
				repositoryId: number;
				tag: string | null;
				count: number;
				time: string;
			}[],
		) => {
			if (pulls.length === 0) return;
			// On Postgres each update commits alone: a batch holding one row while it waits for the next deadlocks with a
			// tag's deletion or a push, which lock the tag before the artifact, and Postgres may pick the user's write as the
			// loser (a 500). Pull times are statistics; SQLite has one writer and no deadlocks, and there one transaction
			// saves a sync per row.
			const write = async (tx: Db) => {
				for (const p of pulls) {
					await tx
						.updateTable("artifacts")
						.set({ pull_time: p.time })
						.where("id", "=", p.artifactId)
						.execute();
					await tx
						.updateTable("repositories")
						.set((eb) => ({ pull_count: eb("pull_count", "+", p.count) }))
						.where("id", "=", p.repositoryId)
						.execute();
					if (p.tag) {
						await tx
							.updateTable("tags")
							.set({ pull_time: p.time })
							.where("repository_id", "=", p.repositoryId)
							.where("name", "=", p.tag)
							.execute();
					}
				}
			};
			if (isPostgres(db)) await write(db);
			else await db.transaction().execute(write);
		},
	};
}

export type RegistryStore = ReturnType<typeof createRegistryStore>;

/**
 * Forgets the project's pending counts of `digests` that no repository of the project links any more. The caller holds
 * the digests' exclusive locks (bff/core/blob-locks.ts), so no link is being added or removed meanwhile.
 */
export async function dropUnheldPending(
	tx: Tx,
	projectId: number,
	digests: string[],
) {
	for (const slice of chunks(digests)) {
		await tx
			.deleteFrom("project_blobs")
			.where("project_id", "=", projectId)
			.where("digest", "in", slice)
			.where(({ not, exists, selectFrom }) =>
				not(
					exists(
						selectFrom("repository_blobs")
							.innerJoin(
								"repositories",
								"repositories.id",
								"repository_blobs.repository_id",
							)
							.select(sql`1`.as("one"))
							.where("repositories.project_id", "=", projectId)
							.whereRef("repository_blobs.digest", "=", "project_blobs.digest"),
					),
				),
			)
			.execute();
	}
}

async function artifactIds(
	q: Tx,
	repositoryId: number,
	digests: string[],
): Promise<Map<string, number>> {
	const found = new Map<string, number>();
	for (const slice of chunks(digests)) {
		const rows = await q
			.selectFrom("artifacts")
			.select(["id", "digest"])
			.where("repository_id", "=", repositoryId)
			.where("digest", "in", slice)
			.execute();
		for (const r of rows) found.set(r.digest, r.id);
	}
	return found;
}
