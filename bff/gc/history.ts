import type { Selectable } from 'kysely';
import { now, type Db } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { GcRunsTable, GcStatus } from './tables.ts';
import type { GcParameters, GcResult } from './collector.ts';

export type GcRun = Selectable<GcRunsTable>;

/** A unique-constraint violation on either engine (the `active` lock is taken). */
const isUniqueViolation = (e: unknown) =>
  (e as { code?: string }).code === '23505' || /UNIQUE constraint failed/.test((e as Error).message ?? '');

/** GC history rows (`gc_runs`) and the one-GC-at-a-time lock they carry (`active`, unique). */
export function createGcHistory(db: Db, jobs: Pick<Jobs, 'get'>) {
  const history = {
    /** A new run holding the lock; undefined when another run holds it. */
    async open(kind: 'Manual' | 'Schedule', parameters: GcParameters, jobId: string | null = null): Promise<number | undefined> {
      const t = now();
      try {
        const r = await db.insertInto('gc_runs').values({
          job_id: jobId, kind, parameters: JSON.stringify(parameters), status: 'pending', active: 1, creation_time: t, update_time: t,
        }).returning('id').executeTakeFirstOrThrow();
        return r.id;
      } catch (e) {
        if (isUniqueViolation(e)) return undefined;
        throw e;
      }
    },

    holder: () => db.selectFrom('gc_runs').selectAll().where('active', '=', 1).executeTakeFirst(),

    /** Lets go of a lock whose run can no longer end by itself (its job is gone or ended without saying so). */
    release: (id: number, status: GcStatus) =>
      db.updateTable('gc_runs').set({ active: null, status, update_time: now() }).where('id', '=', id).execute(),

    setJob: (id: number, jobId: string) => db.updateTable('gc_runs').set({ job_id: jobId, update_time: now() }).where('id', '=', id).execute(),

    byJob: (jobId: string) => db.selectFrom('gc_runs').selectAll().where('job_id', '=', jobId).executeTakeFirst(),

    get: (id: number) => db.selectFrom('gc_runs').selectAll().where('id', '=', id).executeTakeFirst(),

    setStatus: (id: number, status: GcStatus) =>
      db.updateTable('gc_runs').set({ status, update_time: now() }).where('id', '=', id).execute(),

    /** Ends a run: its counts, its status, and the lock let go. */
    finish: (id: number, status: GcStatus, r: Partial<GcResult>) =>
      db.updateTable('gc_runs').set({
        status, active: null, blobs: r.blobs ?? 0, bytes: r.bytes ?? 0, artifacts: r.artifacts ?? 0, update_time: now(),
      }).where('id', '=', id).execute(),

    async list(limit: number, offset: number): Promise<{ rows: GcRun[]; total: number }> {
      const rows = await db.selectFrom('gc_runs').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
      const { n } = await db.selectFrom('gc_runs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { rows, total: Number(n) };
    },

    /**
     * A pending or running row whose job ended without its handler saying so (stopped while queued, lost with its
     * worker) is ended here and lets go of the lock.
     */
    async reconcile(row: GcRun): Promise<GcRun> {
      if (row.status !== 'pending' && row.status !== 'running') return row;
      const job = row.job_id ? await jobs.get(row.job_id) : undefined;
      const stale = row.job_id ? !job || job.status === 'success' || job.status === 'error' || job.status === 'stopped'
        : Date.now() - Date.parse(row.creation_time) > 60_000;
      if (!stale) return row;
      const status: GcStatus = job?.status === 'stopped' ? 'stopped' : 'error';
      await history.release(row.id, status);
      return { ...row, status, active: null };
    },

    /** Takes the lock for a new run, after freeing it from a holder that can no longer end by itself. */
    async openFreeing(kind: 'Manual' | 'Schedule', parameters: GcParameters, jobId: string | null = null) {
      const holder = await history.holder();
      if (holder) await history.reconcile(holder);
      return history.open(kind, parameters, jobId);
    },
  };
  return history;
}

export type GcHistory = ReturnType<typeof createGcHistory>;
