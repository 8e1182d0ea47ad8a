import { Router } from "express";
import { z } from "zod";
import { describe, ldap } from "../../auth/ldap.ts";
import {
	createUserGroupStore,
	groupTypes,
	type UserGroupRow,
} from "../../auth/user-groups.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import type { ApiDeps } from "../deps.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import { ldapConfigOf } from "../ldap/config.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { requireSignedIn, requireSysadmin } from "../project-guard.ts";
import { parseWith, pathId } from "../request-body.ts";

const newGroup = z
	.object({
		group_name: z.string().trim().max(255).optional(),
		group_type: z.union(
			[
				z.literal(groupTypes.ldap),
				z.literal(groupTypes.http),
				z.literal(groupTypes.oidc),
			],
			{ message: "group_type must be 1 (LDAP), 2 (HTTP) or 3 (OIDC)" },
		),
		ldap_group_dn: z.string().trim().max(4096).optional(),
	})
	.passthrough();
const rename = z
	.object({
		group_name: z
			.string()
			.trim()
			.min(1, "group_name must not be empty")
			.max(255),
	})
	.passthrough();

const json = (g: UserGroupRow) => ({
	id: g.id,
	group_name: g.group_name,
	group_type: g.group_type,
	ldap_group_dn: g.ldap_group_dn,
});
const query = (v: unknown) =>
	typeof v === "string" && v !== "" ? v : undefined;

/** The `usergroup` tag: user groups (LDAP by DN, HTTP and OIDC by name) that project members may name. */
export function createUserGroupsRouter(deps: ApiDeps): Router {
	const router = Router();
	const groups = createUserGroupStore(deps.db);
	const audit = (
		req: Parameters<typeof requireSignedIn>[0],
		name: string,
		operation: string,
	) =>
		deps.audit.record({
			project: null,
			operator: req.principal!.name,
			resource: name,
			resourceType: "user_group",
			operation,
		});
	const mustFind = async (id: number) => {
		const g = await groups.byId(id);
		if (!g) throw notFound(`user group ${id} not found`);
		return g;
	};

	router.get("/usergroups", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "user-group", action: "list" });
			const page = parsePage(req);
			const { rows, total } = await groups.list(
				{
					dn: query(req.query.ldap_group_dn),
					fuzzyName: query(req.query.group_name),
				},
				page.pageSize,
				page.offset,
			);
			sendPage(req, res, rows.map(json), total, page);
		} catch (e) {
			next(e);
		}
	});

	// Anyone signed in may look groups up by name (project admins add them as members).
	router.get("/usergroups/search", async (req, res, next) => {
		try {
			requireSignedIn(req);
			const page = parsePage(req);
			const name = query(req.query.groupname);
			if (!name) throw badRequest("groupname is required");
			const { rows, total } = await groups.list(
				{ fuzzyName: name },
				page.pageSize,
				page.offset,
			);
			sendPage(
				req,
				res,
				rows.map((g) => ({
					id: g.id,
					group_name: g.group_name,
					group_type: g.group_type,
				})),
				total,
				page,
			);
		} catch (e) {
			next(e);
		}
	});

	router.post("/usergroups", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "user-group", action: "create" });
			const body = parseWith(newGroup, req.body);
			let name = body.group_name ?? "";
			let dn = "";
			if (body.group_type === groupTypes.ldap) {
				if (!body.ldap_group_dn)
					throw badRequest("ldap_group_dn is required for an LDAP group");
				// Harbor checks the DN with the directory, and names the group from it when no name is given.
				const cfg = ldapConfigOf(await deps.settings.get(), deps.box);
				if (!cfg.url)
					throw badRequest("LDAP is not configured: ldap_url is empty");
				const found = await ldap
					.searchGroups(cfg, { dn: body.ldap_group_dn })
					.catch((e: unknown) => {
						throw new ApiError("UNKNOWN", `LDAP: ${describe(e)}`);
					});
				if (!found.length)
					throw badRequest(`LDAP group DN is not found: ${body.ldap_group_dn}`);
				dn = found[0].dn;
				name ||= found[0].name;
			} else if (!name) {
				throw badRequest("group_name is required");
			}
			const twin = await groups.twin({
				group_type: body.group_type,
				group_name: name,
				ldap_group_dn: dn,
			});
			if (twin)
				throw new ApiError(
					"CONFLICT",
					`user group ${twin.group_name} already exists`,
				);
			const id = await groups
				.create({
					group_name: name,
					group_type: body.group_type,
					ldap_group_dn: dn,
				})
				.catch((e: unknown) => {
					if (isUniqueViolation(e))
						throw new ApiError("CONFLICT", `user group ${name} already exists`);
					throw e;
				});
			audit(req, name, "create");
			res.status(201).location(`${req.baseUrl}/usergroups/${id}`).end();
		} catch (e) {
			next(e);
		}
	});

	router.get("/usergroups/:group_id", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "user-group", action: "read" });
			res.json(json(await mustFind(pathId(req.params.group_id, "group_id"))));
		} catch (e) {
			next(e);
		}
	});

	router.put("/usergroups/:group_id", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "user-group", action: "update" });
			const g = await mustFind(pathId(req.params.group_id, "group_id"));
			const { group_name: name } = parseWith(rename, req.body);
			if (
				g.group_type !== groupTypes.ldap &&
				name !== g.group_name &&
				(await groups.byName(g.group_type, name))
			) {
				throw new ApiError("CONFLICT", `user group ${name} already exists`);
			}
			await groups.rename(g.id, name);
			audit(req, name, "update");
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	router.delete("/usergroups/:group_id", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "user-group", action: "delete" });
			const g = await mustFind(pathId(req.params.group_id, "group_id"));
			await groups.remove(g.id);
			audit(req, g.group_name, "delete");
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	return router;
}
