import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, query } from './client.ts';

/** Harbor's Project, as far as the console reads it. */
export type Project = {
  project_id: number;
  name: string;
  owner_name?: string;
  creation_time: string;
  repo_count?: number;
  current_user_role_id?: number;
  metadata?: { public?: string };
};

export type ProjectListParams = { page: number; pageSize: number; q?: string };

export const projectKeys = {
  all: ['projects'] as const,
  list: (p: ProjectListParams) => ['projects', 'list', p] as const,
};

export const getProjects = (p: ProjectListParams) =>
  api.page<Project>(`/api/v2.0/projects${query({ page: p.page, page_size: p.pageSize, q: p.q ? `name=~${p.q}` : undefined, with_detail: true })}`);

export const projectsQuery = (p: ProjectListParams) =>
  queryOptions({ queryKey: projectKeys.list(p), queryFn: () => getProjects(p), placeholderData: keepPreviousData });

export const useProjects = (p: ProjectListParams) => useQuery(projectsQuery(p));
