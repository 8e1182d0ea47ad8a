import { useQuery } from '@tanstack/react-query';
import { api, ApiError, query } from './client.ts';
import { useInvalidatingMutation } from './invalidating-mutation.ts';
import { listQuery, pageQuery, type PageParams } from './list-placeholder.ts';
import { getProject, projectKeys } from './projects.ts';

/** A quota's limit and use: storage is the only resource Wharf limits, in bytes; -1 is unlimited. */
export type StorageQuota = { hard: { storage: number }; used: { storage: number } };

/** Harbor's Quota; `ref` names the project. */
export type Quota = StorageQuota & {
  id: number;
  ref: { id: number; name: string; owner_name: string };
  creation_time: string;
  update_time: string;
};

/** `sort`: Harbor's keys `used.storage` / `hard.storage`, `-` for descending. */
/** `project`: one project by its exact name (the quota list filters only by project id). */
export type QuotaListParams = PageParams & { project?: string };

export const quotaKeys = {
  all: ['quotas'] as const,
  list: (p: QuotaListParams) => ['quotas', 'list', p] as const,
};

export async function getQuotas(p: QuotaListParams) {
  let referenceId: number | undefined;
  if (p.project) {
    try {
      referenceId = (await getProject(p.project)).project_id;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return { items: [], total: 0 };
      throw e;
    }
  }
  return api.page<Quota>(`/api/v2.0/quotas${query({ reference: 'project', reference_id: referenceId, ...pageQuery(p) })}`);
}

export const quotasQuery = (p: QuotaListParams) => listQuery(quotaKeys.list(p), () => getQuotas(p), ['project']);

export const useQuotas = (p: QuotaListParams) => useQuery(quotasQuery(p));

export const updateQuota = (id: number, storage: number) => api.send('PUT', `/api/v2.0/quotas/${id}`, { hard: { storage } });

/** Changes a project's limit; project lists show the quota too, so they are refreshed as well. */
export const useUpdateQuota = () =>
  useInvalidatingMutation((v: { id: number; storage: number }) => updateQuota(v.id, v.storage), [quotaKeys.all, projectKeys.all]);
