import { type ExpressionBuilder, sql } from "kysely";
import { lockDigests } from "../core/blob-locks.ts";
import { chunks } from "../db/chunks.ts";
import { type Db, now } from "../db/database.ts";
import type { Database } from "../db/schema.ts";

const one = sql<number>`1`.as("one");

/** Some artifact references the blob: as its manifest, or as a config or layer. */
const referenced = (eb: ExpressionBuilder<Database, "blobs">) =>
	eb.or([
		eb.exists(
			eb
				.selectFrom("artifacts")
				.select(one)
				.whereRef("artifacts.digest", "=", "blobs.digest"),
		),
		eb.exists(
			eb
				.selectFrom("artifact_blobs")
				.select(one)
				.whereRef("artifact_blobs.digest", "=", "blobs.digest"),
		),
	]);

/**
 * Runs a GC transaction again when Postgres picked it as a deadlock's victim: removing a repository deletes the links
 * GC deletes, in another order, and neither waits for the other's lock otherwise.
 */
async function retryingDeadlocks<T>(work: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await work();
		} catch (e) {
			if ((e as { code?: string }).code !== "40P01" || attempt >= 5) throw e;
			await new Promise((r) => setTimeout(r, 20 * attempt));
		}
	}
}

/**
 * GC's SQL. Candidates come from `gc_candidates` (noted by triggers), so nothing here walks the whole registry except
 * the untagged-artifact query that option asks for. Every decision that something is unreferenced is taken again
 * under the digests' exclusive locks (bff/core/blob-locks.ts), in the transaction that acts on it.
 */
export function createGcStore(db: Db) {
	return {
		db,

		/** The newest candidate now: a run handles those up to it (what it notes itself waits for the next run). */
		async lastCandidate(): Promise<number> {
			const r = await db
				.selectFrom("gc_candidates")
				.select((eb) => eb.fn.max("id").as("id"))
				.executeTakeFirst();
			return Number(r?.id ?? 0);
		},

		candidates: (afterId: number, upTo: number, limit: number) =>
			db
				.selectFrom("gc_candidates")
				.select(["id", "digest"])
				.where("id", ">", afterId)
				.where("id", "<=", upTo)
				.orderBy("id")
				.limit(limit)
				.execute(),

		/** Forgets handled candidates, and notes again those a later run must look at (kept by the window or a pin). */
		async settleCandidates(afterId: number, upTo: number, again: string[]) {
			await db.transaction().execute(async (tx) => {
				await tx
					.deleteFrom("gc_candidates")
					.where("id", ">", afterId)
					.where("id", "<=", upTo)
					.execute();
				for (const slice of chunks(again))
					await tx
						.insertInto("gc_candidates")
						.values(slice.map((digest) => ({ digest })))
						.execute();
			});
		},

		/**
		 * Removes the links of `digests` that are not younger than `cutoff` and that no artifact of their repository references,
		 * and the projects' pending counts that no remaining link of theirs holds (quota stays exact). Answers how many
		 * links went. Dry run: counts them, removes nothing.
		 */
		async unlink(
			digests: string[],
			cutoff: string,
			dryRun: boolean,
		): Promise<number> {
			return retryingDeadlocks(() =>
				db.transaction().execute(async (tx) => {
					if (!dryRun) await lockDigests(tx, digests, "exclusive");
					const stale = (eb: ExpressionBuilder<Database, "repository_blobs">) =>
						eb.and([
							eb("repository_blobs.digest", "in", digests),
							eb("repository_blobs.linked_at", "<=", cutoff),
							eb.not(
								eb.exists(
									eb
										.selectFrom("artifacts")
										.select(one)
										.whereRef(
											"artifacts.repository_id",
											"=",
											"repository_blobs.repository_id",
										)
										.whereRef(
											"artifacts.digest",
											"=",
											"repository_blobs.digest",
										),
								),
							),
							eb.not(
								eb.exists(
									eb
										.selectFrom("artifact_blobs")
										.innerJoin(
											"artifacts",
											"artifacts.id",
											"artifact_blobs.artifact_id",
										)
										.select(one)
										.whereRef(
											"artifacts.repository_id",
											"=",
											"repository_blobs.repository_id",
										)
										.whereRef(
											"artifact_blobs.digest",
											"=",
											"repository_blobs.digest",
										),
								),
							),
						]);
					if (dryRun) {
						const r = await tx
							.selectFrom("repository_blobs")
							.select((eb) => eb.fn.countAll<number>().as("n"))
							.where(stale)
							.executeTakeFirstOrThrow();
						return Number(r.n);
					}
					const gone = await tx
						.deleteFrom("repository_blobs")
						.where(stale)
						.executeTakeFirst();
					await tx
						.deleteFrom("project_blobs")
						.where("project_blobs.digest", "in", digests)
						.where(({ not, exists, selectFrom }) =>
							not(
								exists(
									selectFrom("repository_blobs")
										.innerJoin(
											"repositories",
											"repositories.id",
											"repository_blobs.repository_id",
										)
										.select(one)
										.whereRef(
											"repositories.project_id",
											"=",
											"project_blobs.project_id",
										)
										.whereRef(
											"repository_blobs.digest",
											"=",
											"project_blobs.digest",
										),
								),
							),
						)
						.execute();
					return Number(gone.numDeletedRows);
				}),
			);
		},

		/**
		 * Marks (tombstones) those of `digests` that nothing holds: no link, no artifact reference, no pending count, no
		 * live pin, and not younger than `cutoff`; answers them with their sizes. Dry run: answers those that would be, had
		 * `unlink` run (links it would remove do not count).
		 */
		async mark(
			digests: string[],
			cutoff: string,
			dryRun: boolean,
		): Promise<{ digest: string; size: number }[]> {
			return retryingDeadlocks(() =>
				db.transaction().execute(async (tx) => {
					if (!dryRun) await lockDigests(tx, digests, "exclusive");
					const t = now();
					const free = (eb: ExpressionBuilder<Database, "blobs">) =>
						eb.and([
							eb("blobs.digest", "in", digests),
							eb("blobs.deleting", "=", 0),
							eb("blobs.creation_time", "<=", cutoff),
							eb.not(referenced(eb)),
							eb.not(
								eb.exists(
									eb
										.selectFrom("repository_blobs")
										.select(one)
										.whereRef("repository_blobs.digest", "=", "blobs.digest")
										.$if(dryRun, (q) =>
											q.where("repository_blobs.linked_at", ">", cutoff),
										),
								),
							),
							...(dryRun
								? []
								: [
										eb.not(
											eb.exists(
												eb
													.selectFrom("project_blobs")
													.select(one)
													.whereRef(
														"project_blobs.digest",
														"=",
														"blobs.digest",
													),
											),
										),
									]),
							eb.not(
								eb.exists(
									eb
										.selectFrom("blob_pins")
										.select(one)
										.whereRef("blob_pins.digest", "=", "blobs.digest")
										.where("blob_pins.expires_at", ">", t),
								),
							),
						]);
					const rows = dryRun
						? await tx
								.selectFrom("blobs")
								.select(["digest", "size"])
								.where(free)
								.execute()
						: await tx
								.updateTable("blobs")
								.set({ deleting: 1 })
								.where(free)
								.returning(["digest", "size"])
								.execute();
					return rows.map((r) => ({ digest: r.digest, size: Number(r.size) }));
				}),
			);
		},

		/** Blobs GC marked and has not finished (a run stopped or crashed between file and row). */
		tombstones: (limit: number) =>
			db
				.selectFrom("blobs")
				.select(["digest", "size"])
				.where("deleting", "=", 1)
				.limit(limit)
				.execute(),

		/** The rows of marked blobs whose files are gone. */
		async forget(digests: string[]) {
			for (const slice of chunks(digests))
				await db
					.deleteFrom("blobs")
					.where("digest", "in", slice)
					.where("deleting", "=", 1)
					.execute();
		},

		/** Of `digests`, those still held only by young links, young rows or pins: a later run looks again. */
		async stillPending(digests: string[]): Promise<string[]> {
			const rows = await db
				.selectFrom("blobs")
				.select("digest")
				.where("digest", "in", digests)
				.where("deleting", "=", 0)
				.where((eb) => eb.not(referenced(eb)))
				.execute();
			return rows.map((r) => r.digest);
		},

		dropExpiredPins: () =>
			db.deleteFrom("blob_pins").where("expires_at", "<", now()).execute(),

		/**
		 * Untagged top-level artifacts pushed before `cutoff` (Harbor's delete_untagged): not accessories (their subject
		 * decides), not children of an index (those are not top-level).
		 */
		untagged: (cutoff: string, afterId: number, limit: number) =>
			db
				.selectFrom("artifacts")
				.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
				.select([
					"artifacts.id",
					"artifacts.digest",
					"artifacts.repository_id",
					"artifacts.project_id",
					"repositories.name as repository",
					"artifacts.size",
				])
				.where("artifacts.top_level", "=", 1)
				.where("artifacts.push_time", "<=", cutoff)
				.where("artifacts.id", ">", afterId)
				.where(({ not, exists, selectFrom }) =>
					not(
						exists(
							selectFrom("tags")
								.select(one)
								.whereRef("tags.artifact_id", "=", "artifacts.id"),
						),
					),
				)
				.orderBy("artifacts.id")
				.limit(limit)
				.execute(),
	};
}

export type GcStore = ReturnType<typeof createGcStore>;
