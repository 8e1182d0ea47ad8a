import type { Request } from "express";
import {
	allowedInProject,
	anonymous,
	canSeeProject,
	systemAllowed,
} from "../../auth/policy.ts";
import type { ProjectAccess } from "../../auth/project-access.ts";
import { systemGrantable } from "../../auth/robot-grants.ts";
import type { Db } from "../../db/database.ts";
import { findProject } from "../project-guard.ts";

/**
 * `GET /users/current/permissions?scope=/project/{id}&relative=true`: every resource and action the one policy allows the
 * caller in the scope (`/project/{id or name}` or `/system`). A project the caller cannot see yields an empty list.
 */
export async function currentPermissions(
	deps: { db: Db; access: ProjectAccess },
	req: Request,
	scope: string,
	relative: boolean,
) {
	const principal = req.principal ?? anonymous;
	const shape = (
		prefix: string,
		list: { resource: string; action: string }[],
	) =>
		list.map((p) => ({
			resource: relative ? p.resource : `${prefix}/${p.resource}`,
			action: p.action,
		}));
	const trimmed = scope.replace(/\/+$/, "");
	if (trimmed === "/system")
		return shape(
			trimmed,
			systemGrantable.filter((p) =>
				systemAllowed(principal, p.resource, p.action),
			),
		);
	const m = /^\/project\/([^/]+)$/.exec(trimmed);
	if (!m) return [];
	const project = await findProject(deps.db, req, decodeURIComponent(m[1]));
	const standing = project
		? await deps.access.standingIn(principal, project)
		: null;
	if (!standing || !canSeeProject(principal, standing)) return [];
	return shape(trimmed, allowedInProject(principal, standing));
}
