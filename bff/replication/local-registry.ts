/**
 * Wharf itself as a v2 endpoint: the source of push-mode policies and the destination of pull-mode ones. Replication
 * copies through Wharf's own `/v2` over loopback, so every rule of a push (quota, immutability, audit, scans) applies
 * as to any client. In `bff/wharf.ts`, once listening:
 *
 *   const local = createLocalRegistry({ url: `http://127.0.0.1:${port}`, tokens, adminId: adminRow.id });
 *   ... copyArtifact({ client: local, repo, reference }, ...) ...;  await local.close() on shutdown
 *
 * It calls as the built-in admin with tokens minted in-process (`bff/auth/system-token.ts`). The destination project
 * of a pull must exist first: `/v2` does not create projects.
 */
import { createSystemTokens } from '../auth/system-token.ts';
import type { TokenService } from '../auth/tokens.ts';
import { createV2Client, type V2Client } from './v2-client.ts';

export function localRegistryClient(opts: { url: string; token: (scopes: string[]) => Promise<string> }): V2Client {
  return createV2Client({ url: opts.url, bearer: opts.token });
}

/**
 * `tokens`: the token service; `adminId`: the built-in admin's user id, whom the jobs act as (1, the first user
 * every Wharf creates, unless told).
 */
export function createLocalRegistry(opts: { url: string; tokens: TokenService; adminId?: number }): V2Client {
  return localRegistryClient({ url: opts.url, token: createSystemTokens(opts.tokens, `user:${opts.adminId ?? 1}`) });
}
