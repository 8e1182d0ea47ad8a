import type { Readable } from "node:stream";
import type { StorageDriver } from "./storage/driver.ts";
import type { RegistryStore } from "./store.ts";

/**
 * A repository's blobs read in-process, for Wharf's own background work (a push-mode replication's source): what
 * `/v2/<repo>/blobs/<digest>` answers a caller who may pull, without the HTTP round trip through this process's
 * event loop. Only a blob linked in that repository is answered; null otherwise (the caller may then ask `/v2`,
 * which also knows proxy caches' upstreams).
 */
export type LinkedBlobs = {
	/** The blob's size, renewing its link as a `/v2` HEAD does (GC's time window then keeps it). */
	head(repo: string, digest: string): Promise<number | null>;
	/** The blob's bytes; rejects, as a `/v2` GET does, when the link is there but the bytes are gone. */
	open(
		repo: string,
		digest: string,
	): Promise<{ stream: Readable; size: number } | null>;
};

export function createLinkedBlobs(
	store: RegistryStore,
	storage: StorageDriver,
): LinkedBlobs {
	async function linked(repo: string, digest: string) {
		const row = await store.findRepository(repo);
		const blob = row && (await store.linkedBlob(row.id, digest));
		return blob ? { repositoryId: row.id, size: Number(blob.size) } : null;
	}
	return {
		async head(repo, digest) {
			const found = await linked(repo, digest);
			if (!found) return null;
			await store.touchLink(
				found.repositoryId,
				digest,
				new Date(Date.now() - 60_000).toISOString(),
			);
			return found.size;
		},
		async open(repo, digest) {
			const found = await linked(repo, digest);
			return found && { stream: await storage.read(digest), size: found.size };
		},
	};
}
