import { z } from 'zod';
import type { Jobs } from '../jobs/jobs.ts';
import type { StorageDriver } from '../core/storage/driver.ts';
import type { ManifestService } from '../core/manifests.ts';
import { collectGarbage, emptyResult, type GcParameters } from './collector.ts';
import type { GcStore } from './store.ts';
import type { GcHistory } from './history.ts';

export const gcJobType = 'GARBAGE_COLLECTION';

export const gcParameters = z.object({
  delete_untagged: z.boolean().default(false),
  dry_run: z.boolean().default(false),
  workers: z.number().int().min(1, 'workers must be 1 to 5').max(5, 'workers must be 1 to 5').default(1),
});

const payload = z.object({ runId: z.number().int().optional(), parameters: gcParameters });

/**
 * The GARBAGE_COLLECTION job type. One at a time across replicas: a run row holds the unique `active` lock from the
 * moment it is asked for (a manual run) or fires (a schedule) until it ends. A run given back at shutdown keeps it and
 * resumes at the next start.
 */
export function registerGcJob(deps: {
  jobs: Jobs; store: GcStore; history: GcHistory; storage: StorageDriver; manifests: ManifestService;
  purgeUploads(before: Date): Promise<number>;
  windowHours: number;
}) {
  const { history } = deps;
  deps.jobs.register(gcJobType, {
    concurrency: 1,
    payload,
    async handler(ctx) {
      const params = ctx.payload.parameters as GcParameters;
      let id = ctx.payload.runId ?? (await history.byJob(ctx.id))?.id;
      if (id === undefined) {
        id = await history.openFreeing('Schedule', params, ctx.id);
        if (id === undefined) { await ctx.log('skipped: another garbage collection is running'); return; }
      }
      await history.setStatus(id, 'running');
      const result = emptyResult();
      try {
        await collectGarbage({
          store: deps.store, storage: deps.storage, manifests: deps.manifests, purgeUploads: deps.purgeUploads,
          windowHours: deps.windowHours, log: (line) => ctx.log(line), progress: (p) => ctx.progress(p), signal: ctx.signal,
        }, params, result);
        await history.finish(id, 'success', result);
      } catch (e) {
        if (ctx.signal.aborted && /shutting down/.test(String((ctx.signal.reason as Error | undefined)?.message))) {
          await history.setStatus(id, 'pending');
        } else {
          await ctx.log(ctx.signal.aborted ? 'stopped: what was begun is consistent; the next run picks up the rest' : `failed: ${(e as Error).message}`);
          await history.finish(id, ctx.signal.aborted ? 'stopped' : 'error', result);
        }
        throw e;
      }
    },
  });
}
