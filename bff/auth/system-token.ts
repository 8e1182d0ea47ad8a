import { parseScopes } from "./token-route.ts";
import type { TokenService } from "./tokens.ts";

/**
 * Wharf's own jobs (replication's local side) reach its `/v2` over loopback as the built-in admin (`subject` is
 * `user:<its id>`; Harbor's admin cannot be deleted), so the audit log shows `admin` pushing and pulling for them.
 * The bearer token is minted in-process, never leaves it, and is kept at most five minutes per set of scopes; the
 * registry still checks on every request that the admin is enabled and may do what the scope asks.
 */
export function createSystemTokens(tokens: TokenService, subject: string) {
	const held = new Map<string, { token: string; until: number }>();
	return async (scopes: string[]): Promise<string> => {
		const key = [...scopes].sort().join(" ");
		const hit = held.get(key);
		if (hit && hit.until > Date.now()) return hit.token;
		// Wharf's own jobs pull exempt from the projects' pull policies (`scanner-pull`), as Harbor's replication does.
		const expand = (a: string) =>
			a === "*"
				? ["pull", "push", "delete", "scanner-pull"]
				: a === "pull"
					? ["pull", "scanner-pull"]
					: [a];
		const access = parseScopes(scopes).map((s) => ({
			...s,
			actions: s.type === "repository" ? s.actions.flatMap(expand) : s.actions,
		}));
		const { token, expiresIn } = await tokens.issue(subject, access);
		if (held.size > 1000) held.clear();
		held.set(key, {
			token,
			until: Date.now() + Math.min(300, expiresIn - 30) * 1000,
		});
		return token;
	};
}
