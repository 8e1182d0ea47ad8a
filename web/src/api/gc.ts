import { useQuery } from '@tanstack/react-query';
import { api, query } from './client.ts';
import { useInvalidatingMutation } from './invalidating-mutation.ts';

/** Harbor's GCHistory, with what Wharf adds: what the run freed (a dry run: would free) and, running, its progress. */
export type GcRun = {
  id: number;
  job_name: string;
  job_kind: 'Manual' | 'Schedule';
  /** JSON: { delete_untagged, dry_run, workers }. */
  job_parameters: string;
  job_status: 'Pending' | 'Running' | 'Success' | 'Error' | 'Stopped';
  creation_time: string;
  update_time: string;
  blobs_deleted: number;
  freed_bytes: number;
  artifacts_deleted: number;
  progress?: number;
};

export type GcParameters = { delete_untagged: boolean; dry_run: boolean; workers: number };

export type GcScheduleType = 'None' | 'Hourly' | 'Daily' | 'Weekly' | 'Custom';

/** GET /system/gc/schedule: `{}` when there is none. */
export type GcSchedule = { schedule?: { type: GcScheduleType; cron: string; next_scheduled_time?: string }; job_parameters?: string };

export const parametersOf = (run: { job_parameters?: string }): Partial<GcParameters> => {
  try { return JSON.parse(run.job_parameters ?? '{}') as Partial<GcParameters>; } catch { return {}; }
};

export const gcKeys = {
  all: ['gc'] as const,
  history: (p: { page: number; pageSize: number }) => ['gc', 'history', p] as const,
  schedule: ['gc', 'schedule'] as const,
  log: (id: number) => ['gc', 'log', id] as const,
};

const running = (runs: GcRun[] | undefined) => runs?.some((r) => r.job_status === 'Pending' || r.job_status === 'Running');

export const getGcHistory = (p: { page: number; pageSize: number }) =>
  api.page<GcRun>(`/api/v2.0/system/gc${query({ page: p.page, page_size: p.pageSize })}`);
/** Refreshed every second while a run is pending or running (its progress moves), else left alone. */
export const useGcHistory = (p: { page: number; pageSize: number }) => useQuery({
  queryKey: gcKeys.history(p), queryFn: () => getGcHistory(p),
  refetchInterval: (q) => (running(q.state.data?.items) ? 1000 : false),
});

export const getGcSchedule = () => api.get<GcSchedule>('/api/v2.0/system/gc/schedule');
export const useGcSchedule = () => useQuery({ queryKey: gcKeys.schedule, queryFn: getGcSchedule });

export const getGcLog = (id: number) => api.text(`/api/v2.0/system/gc/${id}/log`);
export const useGcLog = (id: number, live: boolean) =>
  useQuery({ queryKey: gcKeys.log(id), queryFn: () => getGcLog(id), refetchInterval: live ? 1000 : false });

/** Runs now (Harbor's Manual schedule type). */
export const runGc = (parameters: GcParameters) =>
  api.send('POST', '/api/v2.0/system/gc/schedule', { schedule: { type: 'Manual' }, parameters });
export const useRunGc = () => useInvalidatingMutation(runGc, [gcKeys.all]);

export const saveGcSchedule = (v: { type: GcScheduleType; cron: string; parameters: GcParameters }) =>
  api.send('PUT', '/api/v2.0/system/gc/schedule', { schedule: { type: v.type, cron: v.type === 'Custom' ? v.cron : undefined }, parameters: v.parameters });
export const useSaveGcSchedule = () => useInvalidatingMutation(saveGcSchedule, [gcKeys.schedule]);

export const stopGc = (id: number) => api.send('PUT', `/api/v2.0/system/gc/${id}`);
export const useStopGc = () => useInvalidatingMutation(stopGc, [gcKeys.all]);
