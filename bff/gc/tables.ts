import type { Generated } from 'kysely';

/** GC's tables (migration 0015). Times are ISO-8601 UTC strings, as everywhere. */
export interface BlobPinsTable {
  id: string;
  digest: string;
  /** A pin a crashed writer left is ignored (and removed by GC) after this time. */
  expires_at: string;
}

export interface GcCandidatesTable {
  id: Generated<number>;
  digest: string;
}

export type GcStatus = 'pending' | 'running' | 'success' | 'error' | 'stopped';

export interface GcRunsTable {
  id: Generated<number>;
  job_id: string | null;
  /** Harbor's job_kind: Manual or Schedule. */
  kind: string;
  /** JSON: delete_untagged, dry_run, workers. */
  parameters: string;
  status: GcStatus;
  /** 1 while this run holds the one-GC-at-a-time lock, else null. */
  active: number | null;
  /** What it deleted (or, dry run, would delete). */
  blobs: Generated<number>;
  bytes: Generated<number>;
  artifacts: Generated<number>;
  creation_time: string;
  update_time: string;
}
