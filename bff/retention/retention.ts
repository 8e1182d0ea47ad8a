import type { ImmutableTest } from '../core/access.ts';
import type { Db } from '../db/database.ts';
import type { ProjectEventSink } from '../events/project-events.ts';
import type { Jobs } from '../jobs/jobs.ts';
import { registerRetentionJob, retentionJobType, type DeleteArtifact } from './retention-job.ts';
import type { Rule } from './rules.ts';
import { createRetentionStore } from './store.ts';

/** A policy's stored rules (validated when written). */
export const storedRules = (rules: string): Rule[] => JSON.parse(rules) as Rule[];

/**
 * Tag retention wired from its parts (the composition root calls this once): its store, its job type, and the
 * schedules (a policy's cron is a row of the job system's schedules, vendor id the policy's id).
 */
export function createRetention(deps: {
  db: Db; jobs: Jobs; events: ProjectEventSink;
  immutableTags(projectId: number): Promise<ImmutableTest | null>;
  deleteArtifact: DeleteArtifact;
}) {
  const store = createRetentionStore(deps.db);
  registerRetentionJob({ jobs: deps.jobs, store, events: deps.events, rulesOf: storedRules, immutableTags: deps.immutableTags, deleteArtifact: deps.deleteArtifact });
  return {
    store,
    jobs: deps.jobs,
    /** Sets or (an empty cron) removes a policy's schedule; a cron Harbor would refuse throws CronError. */
    schedule: (policyId: number, cron: string) => cron
      ? deps.jobs.schedules.set(retentionJobType, policyId, cron, { policyId })
      : deps.jobs.schedules.remove(retentionJobType, policyId),
    nextRun: (policyId: number) => deps.db.selectFrom('schedules').select('next_run')
      .where('vendor_type', '=', retentionJobType).where('vendor_id', '=', policyId).executeTakeFirst().then((r) => r?.next_run ?? null),
  };
}

export type Retention = ReturnType<typeof createRetention>;
