import type { RequestHandler } from "express";
import type { ApiDeps } from "../deps.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { authorizeProject } from "../project-guard.ts";

/**
 * A project's list of something Wharf does not have yet: authorized as Harbor would (`resource`, `list`), then an empty
 * page, which is what Harbor answers for a project with none. Clients such as harbor-cli stop on anything but a list.
 */
export function emptyProjectList(
	deps: ApiDeps,
	resource: string,
): RequestHandler<{ project_name_or_id: string }> {
	return async (req, res) => {
		await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			resource,
			"list",
		);
		sendPage(req, res, [], 0, parsePage(req));
	};
}
