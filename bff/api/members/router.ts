import { Router } from "express";
import { z } from "zod";
import type { ApiDeps } from "../deps.ts";
import { badRequest } from "../errors.ts";
import { ldapConfigOf } from "../ldap/config.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { authorizeProject } from "../project-guard.ts";
import { parseWith, pathId } from "../request-body.ts";
import { createMembersService } from "./service.ts";

const roleId = z
	.number()
	.int()
	.min(1, "role_id must be 1 to 5")
	.max(5, "role_id must be 1 to 5");
const projectMember = z.object({
	role_id: roleId,
	member_user: z
		.object({
			user_id: z.number().int().optional(),
			username: z.string().optional(),
		})
		.optional(),
	member_group: z
		.object({
			id: z.number().int().optional(),
			group_name: z.string().max(255).optional(),
			group_type: z.number().int().optional(),
			ldap_group_dn: z.string().max(4096).optional(),
		})
		.passthrough()
		.optional(),
});
const roleRequest = z.object({ role_id: roleId });

/** The `member` tag: who belongs to a project and with which role, guarded by the matrix's `member` resource. */
export function createMembersRouter(deps: ApiDeps): Router {
	const router = Router();
	const service = createMembersService({
		...deps,
		ldapConfig: async () => ldapConfigOf(await deps.settings.get(), deps.box),
	});
	const base = "/projects/:project_name_or_id/members";

	router.get(base, async (req, res, next) => {
		try {
			const { project } = await authorizeProject(
				deps,
				req,
				req.params.project_name_or_id,
				"member",
				"list",
			);
			const page = parsePage(req);
			const name =
				typeof req.query.entityname === "string" && req.query.entityname !== ""
					? req.query.entityname
					: undefined;
			const { items, total } = await service.list(
				project,
				name,
				page.pageSize,
				page.offset,
			);
			sendPage(req, res, items, total, page);
		} catch (e) {
			next(e);
		}
	});

	router.post(base, async (req, res, next) => {
		try {
			const { project } = await authorizeProject(
				deps,
				req,
				req.params.project_name_or_id,
				"member",
				"create",
			);
			const body = parseWith(projectMember, req.body);
			const user = body.member_user;
			let id: number;
			if (user && (user.user_id !== undefined || user.username))
				id = await service.addUser(req.principal!, project, user, body.role_id);
			else if (body.member_group)
				id = await service.addGroup(
					req.principal!,
					project,
					body.member_group,
					body.role_id,
				);
			else
				throw badRequest(
					"member_user with user_id or username, or member_group, is required",
				);
			res
				.status(201)
				.location(`${req.baseUrl}${req.path.replace(/\/+$/, "")}/${id}`)
				.end();
		} catch (e) {
			next(e);
		}
	});

	router.get(`${base}/:mid`, async (req, res, next) => {
		try {
			const { project } = await authorizeProject(
				deps,
				req,
				req.params.project_name_or_id,
				"member",
				"read",
			);
			res.json(await service.get(project, pathId(req.params.mid, "mid")));
		} catch (e) {
			next(e);
		}
	});

	router.put(`${base}/:mid`, async (req, res, next) => {
		try {
			const { project } = await authorizeProject(
				deps,
				req,
				req.params.project_name_or_id,
				"member",
				"update",
			);
			await service.setRole(
				req.principal!,
				project,
				pathId(req.params.mid, "mid"),
				parseWith(roleRequest, req.body).role_id,
			);
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	router.delete(`${base}/:mid`, async (req, res, next) => {
		try {
			const { project } = await authorizeProject(
				deps,
				req,
				req.params.project_name_or_id,
				"member",
				"delete",
			);
			await service.remove(
				req.principal!,
				project,
				pathId(req.params.mid, "mid"),
			);
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	return router;
}
