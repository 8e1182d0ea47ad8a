import type { Request } from "express";
import type { Action } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { badRequest, notFound } from "../errors.ts";
import { authorizeProject } from "../project-guard.ts";

/**
 * `{repository_name}` arrives double-encoded from Harbor clients (`a/b` → `a%252Fb`): Express decodes the path
 * once (`a%2Fb`) and this decodes the rest. A single-encoded or plain name decodes to itself.
 */
export function repositoryParam(raw: string): string {
	try {
		return decodeURIComponent(raw);
	} catch {
		throw badRequest("invalid repository name");
	}
}

/** The path segment Harbor writes for a repository name (`a/b` → `a%252Fb`), for links and Locations. */
export const encodeRepositoryName = (name: string) =>
	encodeURIComponent(name).replace(/%2F/g, "%252F");

/** Harbor's `{project_name}` is a name even when it is all digits (unlike `{project_name_or_id}`). */
export function byProjectName(req: Request): Request {
	req.headers["x-is-resource-name"] = "true";
	return req;
}

/**
 * Resolves `{project_name}/{repository_name}` and asks the policy about `action` on `resource` in the project.
 * A project the caller may not see answers like a missing one; a missing repository is 404.
 */
export async function authorizeRepository(
	deps: ApiDeps,
	req: Request,
	resource: string,
	action: Action,
) {
	const { project, standing } = await authorizeProject(
		deps,
		byProjectName(req),
		String(req.params.project_name),
		resource,
		action,
	);
	const path = repositoryParam(String(req.params.repository_name));
	const name = `${project.name}/${path}`;
	const row = await deps.store.findRepository(name);
	if (!row || row.project_id !== project.id)
		throw notFound(`repository ${name} not found`);
	return {
		project,
		standing,
		repository: { id: row.id, projectId: row.project_id, name },
		path,
	};
}
