import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api, ApiError, harborQ, match, query } from './client.ts';
import { keepPageOf } from './list-placeholder.ts';
import { projectKeys } from './projects.ts';

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

export type RepositoryListParams = { page: number; pageSize: number; name?: string; sort?: string };

/** Harbor's API, or the console's own endpoints (same project/repository paths, same encoding). */
export type ApiBase = '/api/v2.0' | '/api/console';

/**
 * A repository in an API path: its name without the project, encoded twice (Harbor's rule: `a/b` → `a%252Fb`),
 * so the slash survives the server's one decoding. The one place that encoding is written.
 */
export const repositoryPath = (project: string, repo: string, base: ApiBase = '/api/v2.0') =>
  `${base}/projects/${encodeURIComponent(project)}/repositories/${encodeURIComponent(encodeURIComponent(repo))}`;

export const repositoryKeys = {
  all: ['repositories'] as const,
  lists: (project: string) => ['repositories', project, 'list'] as const,
  list: (project: string, p: RepositoryListParams) => ['repositories', project, 'list', p] as const,
  detail: (project: string, repo: string) => ['repositories', project, 'detail', repo] as const,
};

// ---- list
export const getRepositories = (project: string, p: RepositoryListParams) =>
  api.page<Repository>(`/api/v2.0/projects/${encodeURIComponent(project)}/repositories${query({
    page: p.page, page_size: p.pageSize, q: harborQ({ name: match.fuzzy(p.name) }), sort: p.sort,
  })}`);

export const repositoriesQuery = (project: string, p: RepositoryListParams) => {
  const queryKey = repositoryKeys.list(project, p);
  return queryOptions({ queryKey, queryFn: () => getRepositories(project, p), placeholderData: keepPageOf(queryKey, ['name']) });
};

export const useRepositories = (project: string, p: RepositoryListParams) => useQuery(repositoriesQuery(project, p));

// ---- one
/**
 * Harbor's policy gives a public project's non-members repository *list* and *pull*, not *read*: when the one-repository
 * endpoint is forbidden, the same Repository object comes from the list, filtered by its exact full name.
 */
export async function getRepository(project: string, repo: string): Promise<Repository> {
  try {
    return await api.get<Repository>(repositoryPath(project, repo));
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 403)) throw e;
    const list = await api.page<Repository>(`/api/v2.0/projects/${encodeURIComponent(project)}/repositories${query({
      page: 1, page_size: 1, q: harborQ({ name: `${project}/${repo}` }),
    })}`);
    const found = list.items.find((r) => r.name === `${project}/${repo}`);
    if (!found) throw new ApiError(404, 'NOT_FOUND', `repository ${project}/${repo} not found`, null);
    return found;
  }
}

export const repositoryQuery = (project: string, repo: string) =>
  queryOptions({ queryKey: repositoryKeys.detail(project, repo), queryFn: () => getRepository(project, repo) });

export const useRepository = (project: string, repo: string) => useQuery(repositoryQuery(project, repo));

// ---- update the description
export const repositoryUpdateInput = z.object({ description: z.string().max(64 * 1024) });
export type RepositoryUpdate = z.infer<typeof repositoryUpdateInput>;

export const updateRepository = (project: string, repo: string, body: RepositoryUpdate) =>
  api.send('PUT', repositoryPath(project, repo), body);

export function useUpdateRepository(project: string, repo: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RepositoryUpdate) => updateRepository(project, repo, repositoryUpdateInput.parse(body)),
    onSuccess: () => Promise.all([
      qc.invalidateQueries({ queryKey: repositoryKeys.detail(project, repo) }),
      qc.invalidateQueries({ queryKey: repositoryKeys.lists(project) }),
    ]),
  });
}

// ---- delete
export const deleteRepository = (project: string, repo: string) => api.send('DELETE', repositoryPath(project, repo));

export function useDeleteRepository(project: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (repo: string) => deleteRepository(project, repo),
    // The project's repository count and quota change too.
    onSuccess: () => Promise.all([
      qc.invalidateQueries({ queryKey: repositoryKeys.all }),
      qc.invalidateQueries({ queryKey: projectKeys.all }),
    ]),
  });
}
