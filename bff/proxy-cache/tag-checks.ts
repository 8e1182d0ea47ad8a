import { LRUCache } from "lru-cache";
import type { Db } from "../db/database.ts";
import type { ManifestRef } from "../replication/v2-client.ts";

/**
 * What the upstream says a tag points at, asked at most once per window: a burst of pulls of one tag makes one
 * upstream `HEAD` (callers share the one in flight), and the answer is kept in memory and in `proxy_tag_checks`, so
 * other replicas and a restarted Wharf reuse it. A failed check is not remembered: the next pull asks again.
 */
export function createTagChecks(db: Db, windowMs: number) {
	const recent = new LRUCache<string, { ref: ManifestRef | null; at: number }>({
		max: 10_000,
	});
	const inFlight = new Map<string, Promise<ManifestRef | null>>();
	const fresh = (at: number) => Date.now() - at < windowMs;

	async function remembered(
		projectId: number,
		repository: string,
		tag: string,
	) {
		const row = await db
			.selectFrom("proxy_tag_checks")
			.select(["digest", "media_type", "size", "checked_at"])
			.where("project_id", "=", projectId)
			.where("repository", "=", repository)
			.where("tag", "=", tag)
			.executeTakeFirst();
		if (!row) return undefined;
		const ref = row.digest
			? {
					digest: row.digest,
					mediaType: row.media_type ?? "",
					size: Number(row.size ?? 0),
				}
			: null;
		return { ref, at: Date.parse(row.checked_at) };
	}

	async function record(
		projectId: number,
		repository: string,
		tag: string,
		ref: ManifestRef | null,
		at: number,
	) {
		const values = {
			digest: ref?.digest ?? null,
			media_type: ref?.mediaType ?? null,
			size: ref?.size ?? null,
			checked_at: new Date(at).toISOString(),
		};
		await db
			.insertInto("proxy_tag_checks")
			.values({ project_id: projectId, repository, tag, ...values })
			.onConflict((oc) =>
				oc.columns(["project_id", "repository", "tag"]).doUpdateSet(values),
			)
			.execute();
	}

	return {
		/** This process's answer for `tag` while it is younger than the window (undefined: none), without asking anyone. */
		recent(
			projectId: number,
			repository: string,
			tag: string,
		): ManifestRef | null | undefined {
			const known = recent.get(`${projectId}\n${repository}\n${tag}`);
			return known && fresh(known.at) ? known.ref : undefined;
		},
		/** What a GET by tag just learned from the upstream, kept as a check would keep it. */
		remember(
			projectId: number,
			repository: string,
			tag: string,
			ref: ManifestRef,
		) {
			const at = Date.now();
			recent.set(`${projectId}\n${repository}\n${tag}`, { ref, at });
			void record(projectId, repository, tag, ref, at).catch(() => undefined);
		},
		/** The upstream's answer for `tag` (null: it has none), from a check younger than the window or from `head`. */
		check(
			projectId: number,
			repository: string,
			tag: string,
			head: () => Promise<ManifestRef | null>,
		): Promise<ManifestRef | null> {
			const key = `${projectId}\n${repository}\n${tag}`;
			const known = recent.get(key);
			if (known && fresh(known.at)) return Promise.resolve(known.ref);
			let asking = inFlight.get(key);
			if (asking) return asking;
			asking = (async () => {
				const stored = await remembered(projectId, repository, tag);
				if (stored && fresh(stored.at)) {
					recent.set(key, stored);
					return stored.ref;
				}
				const ref = await head();
				const at = Date.now();
				recent.set(key, { ref, at });
				// Sharing the answer is best effort: the pull does not wait on, or fail with, this write.
				void record(projectId, repository, tag, ref, at).catch(() => undefined);
				return ref;
			})().finally(() => inFlight.delete(key));
			inFlight.set(key, asking);
			return asking;
		},
	};
}

export type TagChecks = ReturnType<typeof createTagChecks>;
