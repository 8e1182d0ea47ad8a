import { type Request, Router } from "express";
import { z } from "zod";
import {
	type Action,
	allowed,
	anonymous,
	type RobotPermission,
	systemAllowed,
} from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { ApiError, badRequest, forbidden, notFound } from "../errors.ts";
import { type Condition, parseQuery, parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import {
	authorizeInProject,
	requireSignedIn,
	requireSysadmin,
} from "../project-guard.ts";
import { parseWith, pathId } from "../request-body.ts";
import {
	createRobotsService,
	normalizePermissions,
	robotResp,
} from "./service.ts";
import { type RobotFilter, type RobotRecord, robotSortKeys } from "./store.ts";

const permissionInput = z.object({
	kind: z.string(),
	namespace: z.string(),
	access: z.array(
		z.object({
			resource: z.string(),
			action: z.string(),
			effect: z.string().optional(),
		}),
	),
});
const robotCreate = z.object({
	name: z.string(),
	description: z.string().max(1024).optional(),
	secret: z.string().max(1024).optional(),
	level: z.string(),
	disable: z.boolean().optional(),
	duration: z.number().int().nullable().optional(),
	permissions: z.array(permissionInput).default([]),
});
const robotUpdate = z.object({
	name: z.string().optional(),
	description: z.string().max(1024).optional(),
	level: z.string().optional(),
	disable: z.boolean().optional(),
	duration: z.number().int().nullable().optional(),
	permissions: z.array(permissionInput).optional(),
});
const robotSec = z.object({ secret: z.string().max(1024).optional() });
// Harbor's console writes `Level` and `ProjectID`; scripts often write them in snake case.
const queryKeys = ["name", "level", "Level", "project_id", "ProjectID"];

const exactValue = (c: Condition) => {
	if (c.op !== "exact")
		throw badRequest(`${c.key} supports only an exact match`);
	return c.value;
};

/** The `robot` tag: robot accounts, system or project level, created only with what their creator may grant. */
export function createRobotsRouter(deps: ApiDeps): Router {
	const router = Router();
	const service = createRobotsService(deps);
	const { projectById, projectNamed: projectByName } = deps.access;

	/**
	 * The caller may grant every access asked: its own rights bound a robot's (Harbor: robots get no more than their
	 * creator). Returns the permissions with each named project's id, which is what a grant binds to.
	 */
	async function grantable(
		req: Request,
		permissions: RobotPermission[],
	): Promise<RobotPermission[]> {
		const principal = req.principal ?? anonymous;
		const bound: RobotPermission[] = [];
		for (const p of permissions) {
			if (p.kind === "system") {
				const denied = p.access.find(
					(a) => !systemAllowed(principal, a.resource, a.action as Action),
				);
				if (denied)
					throw forbidden(
						`you cannot grant ${denied.resource}:${denied.action} at system level`,
					);
				bound.push(p);
				continue;
			}
			if (p.namespace === "*") {
				const denied = p.access.find(
					(a) =>
						!allowed(
							principal,
							{ id: -1, public: false, role: null },
							a.resource,
							a.action as Action,
						),
				);
				if (denied)
					throw forbidden(
						`you cannot grant ${denied.resource}:${denied.action} in all projects`,
					);
				bound.push(p);
				continue;
			}
			const [first, ...rest] = p.access;
			const { project, standing } = await authorizeInProject(
				deps,
				req,
				await projectByName(p.namespace),
				p.namespace,
				first.resource,
				first.action as Action,
			);
			const denied = rest.find(
				(a) => !allowed(principal, standing, a.resource, a.action as Action),
			);
			if (denied)
				throw forbidden(
					`you cannot grant ${denied.resource}:${denied.action} in project ${p.namespace}`,
				);
			bound.push({ ...p, projectId: project.id });
		}
		return bound;
	}

	/** May the caller do `action` on this robot? A robot in a project the caller cannot see is answered as missing. */
	async function authorizeRobot(
		req: Request,
		robot: RobotRecord,
		action: Action,
	): Promise<string | null> {
		if (robot.level !== "project" || robot.project_id === null) {
			requireSysadmin(req, { resource: "robot", action });
			return null;
		}
		try {
			const { project } = await authorizeInProject(
				deps,
				req,
				await projectById(robot.project_id),
				String(robot.project_id),
				"robot",
				action,
			);
			return project.name;
		} catch (e) {
			if (e instanceof ApiError && e.code === "NOT_FOUND")
				throw notFound(`robot ${robot.id} not found`);
			throw e;
		}
	}

	router.get("/robots", async (req, res, next) => {
		try {
			requireSignedIn(req);
			const page = parsePage(req);
			const filter: RobotFilter = {};
			for (const c of parseQuery(req.query.q, queryKeys)) {
				if (c.key === "name") {
					if (c.op === "fuzzy") filter.nameFuzzy = c.value;
					else {
						const v = exactValue(c);
						const robotPrefix = (await deps.settings.get()).robot_name_prefix;
						filter.nameExact = v.startsWith(robotPrefix)
							? v
							: `${robotPrefix}${v}`;
					}
				} else if (c.key === "level" || c.key === "Level") {
					filter.level = exactValue(c);
					if (filter.level !== "system" && filter.level !== "project")
						throw badRequest("level must be system or project");
				} else {
					filter.projectId = pathId(exactValue(c), "project_id");
				}
			}
			// Harbor: without Level the list holds system robots, and project robots are asked for as Level=project,ProjectID=…
			// (a ProjectID alone, which Harbor would drop, names that project's robots here).
			filter.level ??= filter.projectId === undefined ? "system" : "project";
			if (filter.level === "system") {
				requireSysadmin(req, { resource: "robot", action: "list" });
				filter.projectId = undefined;
			} else {
				if (filter.projectId === undefined)
					throw badRequest(
						"project robots are listed with their project: q=Level=project,ProjectID=<project id>",
					);
				await authorizeInProject(
					deps,
					req,
					await projectById(filter.projectId),
					String(filter.projectId),
					"robot",
					"list",
				);
			}
			const { items, total } = await service.list(
				filter,
				parseSort(req.query.sort, robotSortKeys),
				page.pageSize,
				page.offset,
			);
			sendPage(req, res, items, total, page);
		} catch (e) {
			next(e);
		}
	});

	router.post("/robots", async (req, res, next) => {
		try {
			requireSignedIn(req);
			const body = parseWith(robotCreate, req.body);
			const { permissions, project: projectName } = normalizePermissions(
				body.level,
				body.permissions,
			);
			let project: { id: number; name: string } | null = null;
			if (projectName === null) {
				requireSysadmin(req, { resource: "robot", action: "create" });
			} else {
				({ project } = await authorizeInProject(
					deps,
					req,
					await projectByName(projectName),
					projectName,
					"robot",
					"create",
				));
			}
			const created = await service.create(
				req.principal!,
				body,
				await grantable(req, permissions),
				project,
			);
			res.status(201).location(`/api/v2.0/robots/${created.id}`).json(created);
		} catch (e) {
			next(e);
		}
	});

	router.get("/robots/:robot_id", async (req, res, next) => {
		try {
			const robot = await service.mustFind(
				pathId(req.params.robot_id, "robot_id"),
			);
			await authorizeRobot(req, robot, "read");
			res.json(robotResp(robot));
		} catch (e) {
			next(e);
		}
	});

	router.put("/robots/:robot_id", async (req, res, next) => {
		try {
			const robot = await service.mustFind(
				pathId(req.params.robot_id, "robot_id"),
			);
			const projectName = await authorizeRobot(req, robot, "update");
			const body = parseWith(robotUpdate, req.body);
			let permissions: RobotPermission[] | undefined;
			if (body.permissions) {
				const normalized = normalizePermissions(robot.level, body.permissions);
				if (normalized.project !== projectName)
					throw badRequest(
						"a project robot's permission must name its own project",
					);
				permissions = await grantable(req, normalized.permissions);
			}
			await service.update(
				req.principal!,
				robot,
				body,
				permissions,
				projectName,
			);
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	router.patch("/robots/:robot_id", async (req, res, next) => {
		try {
			const robot = await service.mustFind(
				pathId(req.params.robot_id, "robot_id"),
			);
			const p = req.principal ?? anonymous;
			// A robot may refresh its own secret.
			const projectName =
				p.kind === "robot" && p.id === robot.id
					? robot.project_id === null
						? null
						: ((await projectById(robot.project_id))?.name ?? null)
					: await authorizeRobot(req, robot, "update");
			const secret = await service.refreshSecret(
				p,
				robot,
				parseWith(robotSec, req.body).secret,
				projectName,
			);
			res.json({ secret });
		} catch (e) {
			next(e);
		}
	});

	router.delete("/robots/:robot_id", async (req, res, next) => {
		try {
			const robot = await service.mustFind(
				pathId(req.params.robot_id, "robot_id"),
			);
			const projectName = await authorizeRobot(req, robot, "delete");
			await service.remove(req.principal!, robot, projectName);
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	return router;
}
