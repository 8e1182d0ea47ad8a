import { queryOptions, useQuery } from "@tanstack/react-query";
import { ApiError, api, harborQ, match, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams } from "./list-placeholder.ts";
import { type ApiBase, projectKeys, projectPath } from "./projects.ts";
import { z } from "./zod.ts";

/** Harbor's Repository; `name` includes the project (`library/team/api`). */
export type Repository = {
	id: number;
	project_id: number;
	name: string;
	description: string;
	artifact_count: number;
	pull_count: number;
	creation_time: string;
	update_time: string;
};

export type RepositoryListParams = PageParams & { name?: string };

/**
 * A repository in an API path: its name without the project, encoded twice (Harbor's rule: `a/b` → `a%252Fb`),
 * so the slash survives the server's one decoding. The one place that encoding is written.
 */
export const repositoryPath = (project: string, repo: string, base?: ApiBase) =>
	`${projectPath(project, base)}/repositories/${encodeURIComponent(encodeURIComponent(repo))}`;

export const repositoryKeys = {
	all: ["repositories"] as const,
	lists: (project: string) => ["repositories", project, "list"] as const,
	list: (project: string, p: RepositoryListParams) =>
		["repositories", project, "list", p] as const,
	detail: (project: string, repo: string) =>
		["repositories", project, "detail", repo] as const,
};

// ---- list
export const getRepositories = (project: string, p: RepositoryListParams) =>
	api.page<Repository>(
		`${projectPath(project)}/repositories${query({
			page: p.page,
			page_size: p.pageSize,
			q: harborQ({ name: match.fuzzy(p.name) }),
			sort: p.sort,
		})}`,
	);

export const repositoriesQuery = (project: string, p: RepositoryListParams) =>
	listQuery(
		repositoryKeys.list(project, p),
		() => getRepositories(project, p),
		["name"],
	);

export const useRepositories = (project: string, p: RepositoryListParams) =>
	useQuery(repositoriesQuery(project, p));

// ---- one
/**
 * Harbor's policy gives a public project's non-members repository *list* and *pull*, not *read*: when the one-repository
 * endpoint is forbidden, the same Repository object comes from the list, filtered by its exact full name.
 */
export async function getRepository(
	project: string,
	repo: string,
): Promise<Repository> {
	try {
		return await api.get<Repository>(repositoryPath(project, repo));
	} catch (e) {
		if (!(e instanceof ApiError && e.status === 403)) throw e;
		const list = await api.page<Repository>(
			`${projectPath(project)}/repositories${query({
				page: 1,
				page_size: 1,
				q: harborQ({ name: `${project}/${repo}` }),
			})}`,
		);
		const found = list.items.find((r) => r.name === `${project}/${repo}`);
		if (!found)
			throw new ApiError(
				404,
				"NOT_FOUND",
				`repository ${project}/${repo} not found`,
				null,
			);
		return found;
	}
}

export const repositoryQuery = (project: string, repo: string) =>
	queryOptions({
		queryKey: repositoryKeys.detail(project, repo),
		queryFn: () => getRepository(project, repo),
	});

export const useRepository = (project: string, repo: string) =>
	useQuery(repositoryQuery(project, repo));

// ---- update the description
export const repositoryUpdateInput = z.object({
	description: z.string().max(64 * 1024),
});
export type RepositoryUpdate = z.infer<typeof repositoryUpdateInput>;

export const updateRepository = (
	project: string,
	repo: string,
	body: RepositoryUpdate,
) => api.send("PUT", repositoryPath(project, repo), body);

export const useUpdateRepository = (project: string, repo: string) =>
	useInvalidatingMutation(
		(body: RepositoryUpdate) =>
			updateRepository(project, repo, repositoryUpdateInput.parse(body)),
		[repositoryKeys.detail(project, repo), repositoryKeys.lists(project)],
	);

// ---- delete
export const deleteRepository = (project: string, repo: string) =>
	api.send("DELETE", repositoryPath(project, repo));

// The project's repository count and quota change too.
export const useDeleteRepository = (project: string) =>
	useInvalidatingMutation(
		(repo: string) => deleteRepository(project, repo),
		[repositoryKeys.all, projectKeys.all],
	);
