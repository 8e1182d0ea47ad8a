import type { Caller, RegistryAuthorizer } from "../core/access.ts";
import { RegistryError } from "../core/errors.ts";
import { parseBasic, parseBearer } from "./credentials.ts";
import { anonymous, type Principal, pullableProjects } from "./policy.ts";
import type { Principals } from "./principals.ts";
import type { ProjectAccess } from "./project-access.ts";
import { lockedMessage } from "./refused-login.ts";
import type { TokenService } from "./tokens.ts";

/** A caller judged by the policy on every request: anonymous, or a user or robot who sent basic credentials. */
export function policyCaller(
	principal: Principal,
	access: ProjectAccess,
	via: "basic" | "none",
): Caller {
	return {
		name: principal.name,
		anonymous: principal.kind === "anonymous",
		via,
		can: (repository, action) =>
			access.registryAllowed(principal, repository, action),
		readable: (repository) =>
			access.registryAllowed(principal, repository, "pull"),
		pullable: () => pullableProjects(principal),
	};
}

/**
 * How /v2 learns who is calling: no credentials (anonymous), basic credentials (a user or a robot), or a
 * bearer token from /service/token, whose `access` list says what it may do; its subject must still be enabled.
 */
export function createRegistryAuthorizer(deps: {
	principals: Principals;
	tokens: TokenService;
	access: ProjectAccess;
}): RegistryAuthorizer {
	const { principals, tokens, access } = deps;
	const badCredentials = () =>
		Object.assign(
			new RegistryError(
				"UNAUTHORIZED",
				"authentication required: invalid credentials",
			),
			{
				headers: { "WWW-Authenticate": 'Basic realm="harbor"' },
			},
		);
	return {
		async authenticate(header, address) {
			if (!header) return policyCaller(anonymous, access, "none");
			const basic = parseBasic(header);
			if (basic) {
				const checked = await principals.verify(
					basic.username,
					basic.password,
					{ door: "registry", address },
				);
				if ("refused" in checked) {
					if (checked.refused === "locked")
						throw Object.assign(
							new RegistryError("TOOMANYREQUESTS", lockedMessage),
							{ headers: { "Retry-After": "60" } },
						);
					throw badCredentials();
				}
				return policyCaller(checked.principal, access, "basic");
			}
			const bearer = parseBearer(header);
			const claims = bearer ? await tokens.verify(bearer) : null;
			if (!claims)
				throw Object.assign(
					new RegistryError("UNAUTHORIZED", "invalid or expired token"),
					{ headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } },
				);
			let principal: Principal = anonymous;
			if (claims.sub !== "anonymous") {
				// Re-checked on every request: a disabled user or a disabled or expired robot stops at once.
				const found = await principals.bySubject(claims.sub);
				if (!found) throw badCredentials();
				principal = found;
			}
			return {
				name: principal.name,
				anonymous: principal.kind === "anonymous",
				via: "token",
				// What the token was issued for, and still what the policy allows now: a member removed since, or a project
				// made private, loses the rights at once, not when the token expires.
				async can(repository, action) {
					const granted = (a: {
						type: string;
						name: string;
						actions: string[];
					}) => a.type === "repository" && a.name === repository;
					// Exemption from pull policies is the token's alone: only Wharf mints it (for its scanner and its own jobs),
					// and /service/token grants it only to robots granted scanner-pull; never by `*`.
					if (action === "scanner-pull")
						return claims.access.some(
							(a) => granted(a) && a.actions.includes("scanner-pull"),
						);
					return (
						claims.access.some(
							(a) =>
								granted(a) &&
								(a.actions.includes(action) || a.actions.includes("*")),
						) && access.registryAllowed(principal, repository, action)
					);
				},
				readable: (repository) =>
					access.registryAllowed(principal, repository, "pull"),
				pullable: () => pullableProjects(principal),
			};
		},
	};
}
