import { randomUUID } from "node:crypto";
import { type Kysely, PostgresAdapter, sql } from "kysely";
import { chunks } from "../db/chunks.ts";
import type { Database } from "../db/schema.ts";
import { RegistryError } from "./errors.ts";

/**
 * What keeps online garbage collection and pushes apart. The one rule: a transaction that adds a reference to a
 * digest (a blob row, a repository link, an artifact's reference to a blob), or that decides a digest is unreferenced
 * and removes it, first takes that digest's lock. Removing a reference needs no lock: GC decides later, under it.
 * A project's pending count of a blob (quota) goes when no repository of the project links it any more: that is
 * decided under the exclusive lock too (unlinking, removing a repository, GC), or two repositories letting go at once
 * would each see the other's link and leave the count behind.
 * Postgres: transaction-scoped advisory locks (two-key form, class `gcLockClass`, so no other advisory key collides)
 * on one of `buckets` keys per digest, so a manifest of 20,000 layers takes at most that many; writers share them (they
 * never wait for each other), GC takes them exclusively; always in ascending order, so two holders never deadlock.
 * SQLite: Kysely runs one transaction at a time on its one connection, which already serializes them.
 */
const gcLockClass = 0x4743;
const buckets = 1024;

type Q = Kysely<Database>;

export const isPostgres = (db: Q) =>
	db.getExecutor().adapter instanceof PostgresAdapter;

export async function lockDigests(
	tx: Q,
	digests: Iterable<string>,
	mode: "shared" | "exclusive" = "shared",
): Promise<void> {
	if (!isPostgres(tx)) return;
	const lock = sql.raw(
		mode === "shared"
			? "pg_advisory_xact_lock_shared"
			: "pg_advisory_xact_lock",
	);
	const keys = [...new Set([...new Set(digests)].map((d) => bucketOf(d)))].sort(
		(a, b) => a - b,
	);
	for (const slice of chunks(keys)) {
		await sql`select ${lock}(${gcLockClass}, k) from (select k from unnest(${slice}::int[]) k order by k) s`.execute(
			tx,
		);
	}
}

/** A digest's lock key: its hex spread over the buckets (digests are uniformly random already). */
const bucketOf = (digest: string) =>
	parseInt(digest.slice(digest.indexOf(":") + 1, digest.indexOf(":") + 9), 16) %
		buckets || 0;

/** A pin outlives its writer's crash by at most this long; GC ignores (and removes) older ones. */
export const pinLifetimeMs = 3600_000;
const tombstoneWaitMs = 15_000;

/** The blob is being garbage-collected: the client pushes it again. */
export const collectedBlob = (digest: string) =>
	new RegistryError(
		"BLOB_UNKNOWN",
		"blob was garbage-collected meanwhile: push it again",
		{ digest },
	);

/**
 * Runs `work` (which writes the bytes of `digest` and then records them) with the digest pinned, so GC does not mark
 * the blob between the bytes landing and the row that records them. A blob GC is deleting right now is waited for:
 * once its tombstone is gone, its file is too, and the bytes written next stay.
 */
export async function withPin<T>(
	db: Q,
	digest: string,
	work: () => Promise<T>,
): Promise<T> {
	const id = randomUUID();
	const deadline = Date.now() + tombstoneWaitMs;
	for (;;) {
		const pinned = await db.transaction().execute(async (tx) => {
			await lockDigests(tx, [digest]);
			const row = await tx
				.selectFrom("blobs")
				.select("deleting")
				.where("digest", "=", digest)
				.executeTakeFirst();
			if (row?.deleting) return false;
			await tx
				.insertInto("blob_pins")
				.values({
					id,
					digest,
					expires_at: new Date(Date.now() + pinLifetimeMs).toISOString(),
				})
				.execute();
			return true;
		});
		if (pinned) break;
		if (Date.now() > deadline)
			throw new RegistryError(
				"UNAVAILABLE",
				"the blob is being garbage-collected: try again",
				{ digest },
			);
		await new Promise((r) => setTimeout(r, 50));
	}
	try {
		return await work();
	} finally {
		await db
			.deleteFrom("blob_pins")
			.where("id", "=", id)
			.execute()
			.catch(() => undefined);
	}
}
