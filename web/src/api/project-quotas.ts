import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import { projectKeys } from './projects.ts';
import type { StorageQuota } from './quotas.ts';

/** A project's storage limit (-1: unlimited) and use, from the console's one-request endpoint for a page of projects. */
export type ProjectQuota = StorageQuota & { project_id: number };

/** Only the projects whose quota the caller may read come back; the others are simply absent. */
export const getProjectQuotas = (ids: number[]) =>
  api.get<ProjectQuota[]>(`/api/console/project-quotas?project_id=${ids.join(',')}`);

export const projectQuotasQuery = (ids: number[]) =>
  queryOptions({
    queryKey: projectKeys.quotas(ids),
    queryFn: () => getProjectQuotas(ids),
    select: (list) => new Map(list.map((q) => [q.project_id, q])),
  });

export const useProjectQuotas = (ids: number[]) => useQuery({ ...projectQuotasQuery(ids), enabled: ids.length > 0 });
