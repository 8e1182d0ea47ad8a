import type { RequestHandler } from "express";
import { isRepositoryName } from "../core/names.ts";
import { parseBasic } from "./credentials.ts";
import { anonymous, type Principal, systemAllowed } from "./policy.ts";
import type { Principals } from "./principals.ts";
import type { ProjectAccess } from "./project-access.ts";
import { lockedMessage } from "./refused-login.ts";
import { type AccessEntry, subjectOf, type TokenService } from "./tokens.ts";

const repositoryScope = /^repository(?:\([a-z0-9]+\))?:([^:]+):([a-z*,]*)$/;

/** Parses `scope` parameters (repeatable, or space-separated in one). */
export function parseScopes(
	raw: unknown,
): { type: string; name: string; actions: string[] }[] {
	const values = ([] as unknown[])
		.concat(raw ?? [])
		.flatMap((v) => String(v).split(" "))
		.filter(Boolean);
	return values.flatMap((s) => {
		const repo = repositoryScope.exec(s);
		if (repo)
			return [
				{
					type: "repository",
					name: repo[1],
					actions: repo[2].split(",").filter(Boolean),
				},
			];
		if (s === "registry:catalog:*")
			return [{ type: "registry", name: "catalog", actions: ["*"] }];
		return [];
	});
}

/**
 * The Docker token service (`GET /service/token`). Valid basic credentials (a user or a robot: the token's `sub` is its
 * name) or none; wrong credentials get 401, never an anonymous token. Each scope's actions are cut down to what the policy allows; denied scopes yield empty actions.
 */
export function createTokenRoute(deps: {
	principals: Principals;
	tokens: TokenService;
	access: ProjectAccess;
	service: string;
}): RequestHandler {
	const { principals, tokens, access, service } = deps;
	const refuse = (
		res: Parameters<RequestHandler>[1],
		status: number,
		code: string,
		message: string,
	) => res.status(status).json({ errors: [{ code, message }] });

	return async (req, res, next) => {
		try {
			if (req.query.service !== undefined && req.query.service !== service) {
				return refuse(
					res,
					400,
					"BAD_REQUEST",
					`unknown service: ${String(req.query.service).slice(0, 100)}`,
				);
			}
			const scopes = parseScopes(req.query.scope);
			const badName = scopes.find(
				(s) => s.type === "repository" && !isRepositoryName(s.name),
			);
			if (badName)
				return refuse(
					res,
					400,
					"BAD_REQUEST",
					`invalid repository name in scope: ${badName.name.slice(0, 100)}`,
				);
			let principal: Principal = anonymous;
			const basic = parseBasic(req.headers.authorization);
			if (basic) {
				const checked = await principals.verify(
					basic.username,
					basic.password,
					{ door: "token", address: req.ip ?? "" },
				);
				if ("refused" in checked) {
					if (checked.refused === "locked")
						return refuse(
							res.set("Retry-After", "60"),
							429,
							"TOO_MANY_REQUEST",
							lockedMessage,
						);
					return refuse(
						res.set("WWW-Authenticate", 'Basic realm="harbor"'),
						401,
						"UNAUTHORIZED",
						"invalid username or password",
					);
				}
				principal = checked.principal;
			} else if (req.headers.authorization) {
				return refuse(
					res,
					401,
					"UNAUTHORIZED",
					"unsupported authorization scheme for the token service",
				);
			} else if (scopes.length === 0) {
				return refuse(
					res.set("WWW-Authenticate", 'Basic realm="harbor"'),
					401,
					"UNAUTHORIZED",
					"authentication required",
				);
			}
			const granted: AccessEntry[] = [];
			for (const scope of scopes) {
				if (scope.type === "registry") {
					// The listing itself shows only what the caller may pull; robots need the catalog grant.
					const catalog =
						principal.kind === "user" ||
						systemAllowed(principal, "catalog", "read");
					granted.push({ ...scope, actions: catalog ? ["*"] : [] });
					continue;
				}
				const wanted = scope.actions.flatMap((a) =>
					a === "*" ? ["pull", "push", "delete"] : [a],
				);
				const actions: string[] = [];
				for (const action of new Set(wanted)) {
					if (await access.registryAllowed(principal, scope.name, action))
						actions.push(action);
				}
				granted.push({ type: "repository", name: scope.name, actions });
			}
			const { token, issuedAt, expiresIn } = await tokens.issue(
				subjectOf(principal),
				granted,
			);
			res.set("Cache-Control", "no-store").json({
				token,
				access_token: token,
				expires_in: expiresIn,
				issued_at: issuedAt,
			});
		} catch (e) {
			next(e);
		}
	};
}
