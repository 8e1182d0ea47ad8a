import type { Generated } from "kysely";
import type { RunsTable } from "../jobs/runs/tables.ts";

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

/** GC history (Harbor's GCHistory): the columns every system run has, and what it deleted (a dry run: would delete). */
export interface GcRunsTable extends RunsTable {
	blobs: Generated<number>;
	bytes: Generated<number>;
	artifacts: Generated<number>;
}
