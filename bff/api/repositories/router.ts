import { type Request, Router } from "express";
import { z } from "zod";
import { anonymous } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { badRequest, notFound } from "../errors.ts";
import { parseQuery, parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { authorizeProject } from "../project-guard.ts";
import { authorizeRepository, byProjectName } from "./repository-path.ts";
import {
	createRepositoryService,
	repositoryJson,
	visibilityOf,
} from "./service.ts";
import {
	createRepositoryStore,
	repositoryQueryKeys,
	repositorySortKeys,
} from "./store.ts";

const updateBody = z.object({
	description: z
		.string()
		.max(64 * 1024)
		.optional(),
});

/** repository: list (all visible, or one project's), get, update the description, delete. */
export function createRepositoriesRouter(deps: ApiDeps): Router {
	const router = Router();
	const repositories = createRepositoryService({
		store: createRepositoryStore(deps.db),
		audit: deps.audit,
		manifests: deps.manifests,
	});
	const operator = (req: Request) => (req.principal ?? anonymous).name;
	const listArgs = (req: Request) => {
		const page = parsePage(req);
		return {
			page,
			q: parseQuery(req.query.q, repositoryQueryKeys),
			sort: parseSort(req.query.sort, repositorySortKeys),
		};
	};

	router.get("/repositories", async (req, res) => {
		const { page, q, sort } = listArgs(req);
		const { rows, total } = await repositories.list(
			visibilityOf(req.principal ?? anonymous),
			q,
			sort,
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, rows.map(repositoryJson), total, page);
	});

	router.get("/projects/:project_name/repositories", async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			byProjectName(req),
			req.params.project_name,
			"repository",
			"list",
		);
		const { page, q, sort } = listArgs(req);
		const { rows, total } = await repositories.list(
			{ projectId: project.id },
			q,
			sort,
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, rows.map(repositoryJson), total, page);
	});

	router.get(
		"/projects/:project_name/repositories/:repository_name",
		async (req, res) => {
			const { repository } = await authorizeRepository(
				deps,
				req,
				"repository",
				"read",
			);
			const row = await repositories.get(repository.projectId, repository.name);
			if (!row) throw notFound(`repository ${repository.name} not found`);
			res.json(repositoryJson(row));
		},
	);

	router.put(
		"/projects/:project_name/repositories/:repository_name",
		async (req, res) => {
			const parsed = updateBody.safeParse(req.body ?? {});
			if (!parsed.success)
				throw badRequest(
					`invalid repository: ${parsed.error.issues[0].message}`,
				);
			const { repository } = await authorizeRepository(
				deps,
				req,
				"repository",
				"update",
			);
			if (parsed.data.description !== undefined)
				await repositories.updateDescription(
					repository.id,
					parsed.data.description,
				);
			res.status(200).end();
		},
	);

	router.delete(
		"/projects/:project_name/repositories/:repository_name",
		async (req, res) => {
			const { project, repository } = await authorizeRepository(
				deps,
				req,
				"repository",
				"delete",
			);
			await repositories.remove(repository, project.name, operator(req));
			res.status(200).end();
		},
	);

	return router;
}
