import type { Request } from "express";
import {
	type Action,
	allowed,
	anonymous,
	canSeeProject,
	type ProjectStanding,
	systemAllowed,
} from "../auth/policy.ts";
import type { ProjectAccess } from "../auth/project-access.ts";
import type { Db } from "../db/database.ts";
import { ApiError, forbidden, unauthorized } from "./errors.ts";
import { maxId } from "./request-body.ts";

export type ProjectRow = {
	id: number;
	name: string;
	public: number;
	owner_id: number;
	creation_time: string;
	update_time: string;
};

/**
 * `project_name_or_id`: an id when numeric, unless `X-Is-Resource-Name: true` says it is a name (Harbor's rule).
 */
export async function findProject(
	db: Db,
	req: Request,
	nameOrId: string,
): Promise<ProjectRow | undefined> {
	const byName =
		req.headers["x-is-resource-name"] === "true" || !/^\d+$/.test(nameOrId);
	// An id past any the table can hold names no project (and would make Postgres fail).
	if (!byName && !(Number(nameOrId) <= maxId)) return undefined;
	return byName
		? projectRows(db).where("name", "=", nameOrId).executeTakeFirst()
		: findProjectById(db, Number(nameOrId));
}

const projectRows = (db: Db) =>
	db
		.selectFrom("projects")
		.select([
			"id",
			"name",
			"public",
			"owner_id",
			"creation_time",
			"update_time",
		]);

/** The project a row of another table points at (a retention policy's `project_id`…). */
export const findProjectById = (
	db: Db,
	id: number,
): Promise<ProjectRow | undefined> =>
	projectRows(db).where("id", "=", id).executeTakeFirst();

/** The answer for a project the caller may not see: the same whether it exists or not. */
export function invisible(req: Request, nameOrId: string): ApiError {
	return (req.principal ?? anonymous).kind === "anonymous"
		? unauthorized("sign in to see this project")
		: new ApiError("NOT_FOUND", `project ${nameOrId} not found`);
}

/**
 * Resolves a project and asks the policy whether the caller may do `action` on `resource` in it. A project the caller
 * cannot see answers like a missing one; one it sees but may not act on answers 403 (401 when anonymous).
 */
export async function authorizeProject(
	deps: { db: Db; access: ProjectAccess },
	req: Request,
	nameOrId: string,
	resource: string,
	action: Action,
): Promise<{ project: ProjectRow; standing: ProjectStanding }> {
	return authorizeInProject(
		deps,
		req,
		await findProject(deps.db, req, nameOrId),
		nameOrId,
		resource,
		action,
	);
}

/** authorizeProject for a project row already looked up (or not found); `asked` names it in the not-found answer. */
export async function authorizeInProject<
	P extends { id: number; name: string; public: number },
>(
	deps: { access: ProjectAccess },
	req: Request,
	project: P | undefined,
	asked: string,
	resource: string,
	action: Action,
): Promise<{ project: P; standing: ProjectStanding }> {
	const principal = req.principal ?? anonymous;
	const standing = project
		? await deps.access.standingIn(principal, project)
		: null;
	if (!project || !standing || !canSeeProject(principal, standing))
		throw invisible(req, asked);
	if (!allowed(principal, standing, resource, action)) {
		throw principal.kind === "anonymous"
			? unauthorized()
			: forbidden(
					`not allowed to ${action} ${resource} in project ${project.name}`,
				);
	}
	return { project, standing };
}

/** System-level resources (users, configuration, audit log…): system admins, and robots granted `grant` at system level. */
export function requireSysadmin(
	req: Request,
	grant?: { resource: string; action: Action },
) {
	const p = req.principal ?? anonymous;
	if (p.kind === "anonymous") throw unauthorized();
	if (
		!(grant
			? systemAllowed(p, grant.resource, grant.action)
			: p.kind === "user" && p.sysadmin)
	)
		throw forbidden("system admin only");
}

/** Any signed-in caller. */
export function requireSignedIn(req: Request) {
	if ((req.principal ?? anonymous).kind === "anonymous") throw unauthorized();
}
