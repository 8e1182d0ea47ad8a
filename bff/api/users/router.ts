import { type Request, Router } from "express";
import { z } from "zod";
import { createOidcUsers } from "../../auth/oidc-users.ts";
import { passwordProblem } from "../../auth/passwords.ts";
import {
	type Action,
	anonymous,
	mayModifyUser,
	systemAllowed,
} from "../../auth/policy.ts";
import { createUserGroupStore } from "../../auth/user-groups.ts";
import type { ApiDeps } from "../deps.ts";
import { ApiError, badRequest, forbidden, unauthorized } from "../errors.ts";
import { parseQuery, parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { requireSignedIn, requireSysadmin } from "../project-guard.ts";
import { parseWith, pathId } from "../request-body.ts";
import { currentPermissions } from "./permissions.ts";
import { createUsersService } from "./service.ts";
import { userQueryKeys, userSortKeys } from "./store.ts";

const userCreationReq = z.object({
	username: z.string().max(255),
	password: z.string().max(1024),
	email: z.string().max(255).optional(),
	realname: z.string().optional(),
	comment: z.string().optional(),
});
const userProfile = z.object({
	email: z.string().optional(),
	realname: z.string().optional(),
	comment: z.string().optional(),
});
// Go clients leave a false flag out (omitempty): missing means false, as Harbor reads it.
const sysAdminFlag = z.object({ sysadmin_flag: z.boolean().default(false) });
const disableFlag = z.object({ disable: z.boolean() });
const passwordReq = z.object({
	old_password: z.string().max(1024).optional(),
	new_password: z.string().max(1024).optional(),
});
const cliSecretReq = z.object({ secret: z.string().max(1024) });
const permissionsQuery = z.object({
	scope: z.string().optional(),
	relative: z.enum(["true", "false"]).optional(),
});

/** The caller itself, or whoever the policy lets act on users at system level (system admins, granted robots). */
function requireSelfOr(req: Request, id: number, action: Action) {
	const p = req.principal ?? anonymous;
	if (p.kind === "anonymous") throw unauthorized();
	if (p.kind === "user" && p.id === id) return;
	if (!systemAllowed(p, "user", action))
		throw forbidden(`not allowed to ${action} user ${id}`);
}

/** A user's profile, password and CLI secret: the policy's `mayModifyUser`. */
function requireModifiable(req: Request, id: number) {
	const p = req.principal ?? anonymous;
	if (p.kind === "anonymous") throw unauthorized();
	if (!mayModifyUser(p, id))
		throw forbidden(
			`user ${id} can be changed only by that user or a system administrator`,
		);
}

/** The `user` tag: users, the current user, its permissions, and password and admin-flag changes. */
export function createUsersRouter(deps: ApiDeps): Router {
	const router = Router();
	const service = createUsersService(deps);
	const oidcUsers = createOidcUsers({
		db: deps.db,
		box: deps.box,
		users: deps.users,
		groups: createUserGroupStore(deps.db),
	});
	/** Harbor's oidc_user_meta on an OIDC user; the CLI secret only for the user themselves. */
	const withOidcMeta = async <U extends { user_id: number }>(
		u: U,
		self: boolean,
	) => {
		const m = await oidcUsers.meta(u.user_id);
		if (!m) return u;
		return {
			...u,
			oidc_user_meta: {
				id: m.id,
				user_id: m.user_id,
				subiss: m.subiss,
				...(self ? { secret: deps.box.open(m.secret) } : {}),
				creation_time: m.creation_time,
				update_time: m.update_time,
			},
		};
	};
	// `/users/<not a number>` is no route here (so `/users/current` writes answer 404, not 400).
	router.param("user_id", (_req, _res, next, value: string) =>
		/^\d+$/.test(value) ? next() : next("route"),
	);

	router.get("/users", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "user", action: "list" });
			const page = parsePage(req);
			const { items, total } = await service.list(
				parseQuery(req.query.q, userQueryKeys),
				parseSort(req.query.sort, userSortKeys),
				page.pageSize,
				page.offset,
			);
			sendPage(req, res, items, total, page);
		} catch (e) {
			next(e);
		}
	});

	// Sysadmin only until the configure slice adds self-registration.
	router.post("/users", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "user", action: "create" });
			// Under LDAP, users come from the directory (sign-in or /ldap/users/import), as in Harbor.
			const mode = (await deps.settings.get()).auth_mode;
			if (mode !== "db_auth")
				throw forbidden(
					`creating local users is not allowed while auth_mode is ${mode}`,
				);
			const id = await service.create(
				req.principal!,
				parseWith(userCreationReq, req.body),
			);
			res.status(201).location(`/api/v2.0/users/${id}`).end();
		} catch (e) {
			next(e);
		}
	});

	router.get("/users/current", async (req, res, next) => {
		try {
			const p = req.principal ?? anonymous;
			if (p.kind === "anonymous") throw unauthorized("sign in first");
			// Harbor answers 412 for callers that are not users (robots).
			if (p.kind !== "user")
				throw new ApiError(
					"PRECONDITION",
					`the current user is not available for ${p.name}`,
				);
			res.json(await withOidcMeta(await service.get(p.id), true));
		} catch (e) {
			next(e);
		}
	});

	router.get("/users/current/permissions", async (req, res, next) => {
		try {
			requireSignedIn(req);
			const q = parseWith(permissionsQuery, req.query);
			res.json(
				await currentPermissions(
					deps,
					req,
					q.scope ?? "",
					q.relative === "true",
				),
			);
		} catch (e) {
			next(e);
		}
	});

	router.get("/users/search", async (req, res, next) => {
		try {
			requireSignedIn(req);
			const username = req.query.username;
			if (typeof username !== "string" || username === "")
				throw badRequest("username is required");
			const page = parsePage(req);
			const { items, total } = await service.search(
				username,
				page.pageSize,
				page.offset,
			);
			sendPage(req, res, items, total, page);
		} catch (e) {
			next(e);
		}
	});

	router.get("/users/:user_id", async (req, res, next) => {
		try {
			const id = pathId(req.params.user_id, "user_id");
			requireSelfOr(req, id, "read");
			const self = req.principal?.kind === "user" && req.principal.id === id;
			res.json(await withOidcMeta(await service.get(id), self));
		} catch (e) {
			next(e);
		}
	});

	router.put("/users/:user_id", async (req, res, next) => {
		try {
			const id = pathId(req.params.user_id, "user_id");
			requireModifiable(req, id);
			await service.updateProfile(id, parseWith(userProfile, req.body));
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	router.delete("/users/:user_id", async (req, res, next) => {
		try {
			const id = pathId(req.params.user_id, "user_id");
			requireSysadmin(req, { resource: "user", action: "delete" });
			await service.remove(req.principal!, id);
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	router.put("/users/:user_id/sysadmin", async (req, res, next) => {
		try {
			const id = pathId(req.params.user_id, "user_id");
			requireSysadmin(req);
			await service.setSysadmin(
				req.principal!,
				id,
				parseWith(sysAdminFlag, req.body).sysadmin_flag,
			);
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	// Beyond Harbor (which has no such switch): a system admin disables an account without deleting it.
	router.put("/users/:user_id/disable", async (req, res, next) => {
		try {
			const id = pathId(req.params.user_id, "user_id");
			requireSysadmin(req);
			await service.setDisabled(
				req.principal!,
				id,
				parseWith(disableFlag, req.body).disable,
			);
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	router.put("/users/:user_id/password", async (req, res, next) => {
		try {
			const id = pathId(req.params.user_id, "user_id");
			requireModifiable(req, id);
			await service.changePassword(
				req.principal!,
				id,
				parseWith(passwordReq, req.body),
				req.session?.csrf,
			);
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	// An OIDC user's CLI secret (their password for docker and podman), set by them or a system admin.
	router.put("/users/:user_id/cli_secret", async (req, res, next) => {
		try {
			const id = pathId(req.params.user_id, "user_id");
			requireModifiable(req, id);
			await service.get(id);
			if ((await deps.settings.get()).auth_mode !== "oidc_auth")
				throw new ApiError(
					"PRECONDITION",
					"CLI secrets are only available when the authentication mode is OIDC",
				);
			const { secret } = parseWith(cliSecretReq, req.body);
			const weak = passwordProblem(secret);
			if (weak) throw badRequest(weak.replace("password", "secret"));
			if (!(await oidcUsers.setSecret(id, secret)))
				throw new ApiError(
					"PRECONDITION",
					`user ${id} was not onboarded through OIDC and has no CLI secret`,
				);
			deps.audit.record({
				project: null,
				operator: req.principal!.name,
				resource: String(id),
				resourceType: "user",
				operation: "update",
				description: "CLI secret changed",
			});
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	return router;
}
