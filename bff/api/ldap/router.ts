import { Router } from "express";
import { z } from "zod";
import { describe, type LdapConfig, ldap } from "../../auth/ldap.ts";
import { createLdapSignIn } from "../../auth/ldap-sign-in.ts";
import { createUserGroupStore, groupTypes } from "../../auth/user-groups.ts";
import type { ApiDeps } from "../deps.ts";
import { ApiError, badRequest } from "../errors.ts";
import { requireSysadmin } from "../project-guard.ts";
import { parseWith } from "../request-body.ts";
import { ldapConfigOf } from "./config.ts";

/** Harbor's LdapConf: what a ping may try instead of the stored settings. */
const ldapConf = z
	.object({
		ldap_url: z.string().max(4096).optional(),
		ldap_search_dn: z.string().max(4096).optional(),
		ldap_search_password: z.string().max(4096).optional(),
		ldap_base_dn: z.string().max(4096).optional(),
		ldap_filter: z.string().max(4096).optional(),
		ldap_uid: z.string().max(4096).optional(),
		ldap_scope: z.number().int().min(0).max(2).optional(),
		ldap_connection_timeout: z.number().int().min(1).max(3600).optional(),
		ldap_verify_cert: z.boolean().optional(),
	})
	.passthrough();
const importUsers = z.object({
	ldap_uid_list: z.array(z.string().min(1).max(255)).min(1).max(1000),
});

/** An unreachable or refusing directory: Harbor answers 500 with what went wrong. */
const directoryFailed = (e: unknown) =>
	e instanceof ApiError ? e : new ApiError("UNKNOWN", `LDAP: ${describe(e)}`);

/** The `Ldap` tag: test the settings, search people and groups, onboard people (system admins). */
export function createLdapRouter(deps: ApiDeps): Router {
	const router = Router();
	const groups = createUserGroupStore(deps.db);
	const signIn = createLdapSignIn({ users: deps.users, groups });
	const stored = async () => ldapConfigOf(await deps.settings.get(), deps.box);
	/** The stored settings for a search: refused (400) while there is no server to ask. */
	const directory = async () => {
		const cfg = await stored();
		if (!cfg.url) throw badRequest("LDAP is not configured: ldap_url is empty");
		return cfg;
	};

	router.post("/ldap/ping", async (req, res, next) => {
		try {
			requireSysadmin(req);
			const body = parseWith(ldapConf, req.body ?? {});
			const base = await stored();
			// A body's settings are tried over the stored ones; its password, when left out, is the stored one (the console
			// never has it to send).
			const cfg: LdapConfig = {
				...base,
				url: body.ldap_url ?? base.url,
				searchDn: body.ldap_search_dn ?? base.searchDn,
				searchPassword: body.ldap_search_password || base.searchPassword,
				baseDn: body.ldap_base_dn ?? base.baseDn,
				filter: body.ldap_filter ?? base.filter,
				uid: body.ldap_uid ?? base.uid,
				scope: body.ldap_scope ?? base.scope,
				timeoutSeconds: body.ldap_connection_timeout ?? base.timeoutSeconds,
				verifyCert: body.ldap_verify_cert ?? base.verifyCert,
			};
			res.json(await ldap.ping(cfg));
		} catch (e) {
			next(e);
		}
	});

	router.get("/ldap/users/search", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "ldap-user", action: "list" });
			const username =
				typeof req.query.username === "string" ? req.query.username : "";
			const people = await ldap
				.searchUsers(await directory(), username)
				.catch((e: unknown) => {
					throw directoryFailed(e);
				});
			res.json(
				people.map((p) => ({
					username: p.username,
					realname: p.realname,
					email: p.email,
				})),
			);
		} catch (e) {
			next(e);
		}
	});

	router.post("/ldap/users/import", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "ldap-user", action: "create" });
			const { ldap_uid_list: uids } = parseWith(importUsers, req.body);
			const settings = await deps.settings.get();
			if (settings.auth_mode !== "ldap_auth")
				throw badRequest(
					"LDAP users can be imported only while auth_mode is ldap_auth",
				);
			const cfg = await directory();
			const failed: { uid: string; error: string }[] = [];
			for (const uid of new Set(uids)) {
				const person = await ldap.findUser(cfg, uid).catch((e: unknown) => {
					throw directoryFailed(e);
				});
				if (!person) {
					failed.push({ uid, error: "not found in LDAP" });
					continue;
				}
				if (await deps.users.byName(person.username)) continue;
				await signIn.onboard(cfg, person);
				deps.audit.record({
					project: null,
					operator: req.principal!.name,
					resource: person.username,
					resourceType: "user",
					operation: "create",
				});
			}
			if (failed.length) {
				res.status(404).json(failed);
				return;
			}
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	router.get("/ldap/groups/search", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "user-group", action: "list" });
			const name =
				typeof req.query.groupname === "string" ? req.query.groupname : "";
			const dn = typeof req.query.groupdn === "string" ? req.query.groupdn : "";
			if (!name && !dn) throw badRequest("groupname or groupdn is required");
			const found = await ldap
				.searchGroups(await directory(), dn ? { dn } : { name })
				.catch((e: unknown) => {
					throw directoryFailed(e);
				});
			res.json(
				found.map((g) => ({
					group_name: g.name,
					group_type: groupTypes.ldap,
					ldap_group_dn: g.dn,
				})),
			);
		} catch (e) {
			next(e);
		}
	});

	return router;
}
