import type { AuditSink } from '../../core/access.ts';
import type { Gc } from '../../gc/gc.ts';
import { gcJobType } from '../../gc/gc-job.ts';
import type { GcParameters } from '../../gc/collector.ts';
import type { GcRun } from '../../gc/history.ts';
import type { ScheduleType } from '../../gc/schedule.ts';
import type { GcStatus } from '../../gc/tables.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';

/** Harbor's job_status words. */
const statusWord: Record<GcStatus, string> = { pending: 'Pending', running: 'Running', success: 'Success', error: 'Error', stopped: 'Stopped' };

export type ScheduleInput = { type: ScheduleType | 'Manual' | 'None' | 'Schedule'; cron?: string | null };

/** The rules of the `gc` API: runs (one at a time), their history and logs, the schedule; every change audited. */
export function createGcService(deps: { gc: Gc; audit: AuditSink }) {
  const { history, schedule, jobs } = deps.gc;

  async function found(id: number): Promise<GcRun> {
    const row = await history.get(id);
    if (!row) throw notFound(`garbage collection ${id} not found`);
    return history.reconcile(row);
  }

  const json = (r: GcRun, progress?: number) => ({
    id: r.id,
    job_name: gcJobType,
    job_kind: r.kind,
    job_parameters: r.parameters,
    job_status: statusWord[r.status],
    deleted: false,
    creation_time: r.creation_time,
    update_time: r.update_time,
    // Beyond Harbor (whose console digs them out of the log): what the run freed (a dry run: would free), and how far it is.
    blobs_deleted: Number(r.blobs),
    freed_bytes: Number(r.bytes),
    artifacts_deleted: Number(r.artifacts),
    ...(progress === undefined ? {} : { progress }),
  });

  const withProgress = async (r: GcRun) =>
    json(r, r.status === 'running' && r.job_id ? (await jobs.get(r.job_id))?.progress : undefined);

  const record = (operator: string, resource: string, operation: string) =>
    deps.audit.record({ project: null, operator, resource, resourceType: 'garbage_collection', operation });

  const service = {
    /** Starts a run now; 409 while another is pending or running. */
    async run(parameters: GcParameters, operator: string): Promise<number> {
      const id = await history.openFreeing('Manual', parameters);
      if (id === undefined) throw new ApiError('CONFLICT', 'a garbage collection is already running: wait for it to end or stop it');
      try {
        await history.setJob(id, await jobs.enqueue(gcJobType, { runId: id, parameters }, { attempts: 1 }));
      } catch (e) {
        await history.release(id, 'error');
        throw e;
      }
      record(operator, `gc #${id}${parameters.dry_run ? ' (dry run)' : ''}`, 'create');
      return id;
    },

    async stop(id: number, operator: string) {
      const row = await found(id);
      if (row.status !== 'pending' && row.status !== 'running') return;
      if (row.job_id) await jobs.stop(row.job_id);
      // Stopped while still queued: it never runs, so nothing else ends it.
      if ((await history.get(id))?.status === 'pending') await history.release(id, 'stopped');
      record(operator, `gc #${id}`, 'stop');
    },

    get: async (id: number) => withProgress(await found(id)),

    async list(limit: number, offset: number) {
      const { rows, total } = await history.list(limit, offset);
      return { items: await Promise.all(rows.map(async (r) => withProgress(await history.reconcile(r)))), total };
    },

    /** The run's plain-text log (empty once the job system has dropped it). */
    async log(id: number): Promise<string> {
      const row = await found(id);
      const lines = row.job_id ? await jobs.log(row.job_id) : undefined;
      return (lines ?? []).map((l) => `${l}\n`).join('');
    },

    /** Harbor answers the schedule in GCHistory's shape; no schedule is `{}`. */
    async getSchedule() {
      const s = await schedule.get();
      if (!s) return {};
      return {
        id: 0, job_name: gcJobType, job_kind: 'Schedule', job_parameters: JSON.stringify(s.parameters), deleted: false,
        schedule: { type: s.type, cron: s.cron, next_scheduled_time: s.nextRun },
        creation_time: s.creationTime, update_time: s.updateTime,
      };
    },

    /** Manual runs now (answers its id); None removes the schedule; the others set it. */
    async setSchedule(input: ScheduleInput, parameters: GcParameters, operator: string): Promise<number | undefined> {
      if (input.type === 'Manual') return service.run(parameters, operator);
      if (input.type === 'None') {
        await schedule.remove();
      } else {
        const type = input.type === 'Schedule' ? 'Custom' : input.type;
        if (type === 'Custom' && !input.cron?.trim()) throw badRequest('a Custom schedule needs a cron (six fields, seconds first: "0 0 2 * * *")');
        await schedule.set(type, input.cron ?? '', parameters); // a cron Harbor would refuse: CronError → 400
      }
      record(operator, `gc schedule ${input.type}${input.cron ? ` ${input.cron}` : ''}`, 'update');
      return undefined;
    },
  };
  return service;
}
