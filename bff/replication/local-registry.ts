/**
 * Wharf itself as a v2 endpoint: the source of push-mode policies and the destination of pull-mode ones. Manifests,
 * and every write of a pull, go through Wharf's own `/v2` over loopback, so every rule of a push (quota,
 * immutability, audit, scans) applies as to any client. A push-mode source's blob bytes are read from storage
 * instead (`blobs`, injected by `bff/wharf.ts`): through `/v2` each replicated byte crossed this process's event
 * loop three times (served, read back, sent on), which slowed every concurrent push. In `bff/wharf.ts`, once listening:
 *
 *   const local = createLocalRegistry({ url: `http://127.0.0.1:${port}`, tokens, blobs: createLinkedBlobs(store, storage) });
 *   ... copyArtifact({ client: local, repo, reference }, ...) ...;  await local.close() on shutdown
 *
 * It calls as the built-in admin with tokens minted in-process (`bff/auth/system-token.ts`). The destination project
 * of a pull must exist first: `/v2` does not create projects.
 */
import { createSystemTokens } from "../auth/system-token.ts";
import type { TokenService } from "../auth/tokens.ts";
import { backgroundHeader } from "../core/foreground.ts";
import type { LinkedBlobs } from "../core/linked-blobs.ts";
import { createV2Client, type V2Client } from "./v2-client.ts";

export function localRegistryClient(opts: {
	url: string;
	token: (scopes: string[]) => Promise<string>;
	blobs?: LinkedBlobs;
	insecure?: boolean;
}): V2Client {
	// Marked as background: the core then does not count these calls as clients' work that replication yields to.
	const client = createV2Client({
		url: opts.url,
		bearer: opts.token,
		headers: { [backgroundHeader]: "replication" },
		insecure: opts.insecure,
	});
	const { blobs } = opts;
	if (!blobs) return client;
	// A blob not linked in the repository is asked of /v2, for the same answer a client gets (a 404 with its error
	// text, or a proxy cache's upstream).
	return {
		...client,
		headBlob: async (repo, digest) =>
			(await blobs.head(repo, digest)) ?? client.headBlob(repo, digest),
		getBlob: async (repo, digest) =>
			(await blobs.open(repo, digest)) ?? client.getBlob(repo, digest),
	};
}

/**
 * `tokens`: the token service; `adminId`: the built-in admin's user id, whom the jobs act as (1, the first user
 * every Wharf creates, unless told); `blobs`: this Wharf's linked blobs, read in-process.
 */
export function createLocalRegistry(opts: {
	url: string;
	tokens: TokenService;
	adminId?: number;
	blobs?: LinkedBlobs;
	insecure?: boolean;
}): V2Client {
	return localRegistryClient({
		url: opts.url,
		token: createSystemTokens(opts.tokens, `user:${opts.adminId ?? 1}`),
		blobs: opts.blobs,
		insecure: opts.insecure,
	});
}
