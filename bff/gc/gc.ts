import type { ManifestService } from "../core/manifests.ts";
import type { StorageDriver } from "../core/storage/driver.ts";
import type { Db } from "../db/database.ts";
import type { Jobs } from "../jobs/jobs.ts";
import { createRunHistory } from "../jobs/runs/history.ts";
import { createSystemSchedule } from "../jobs/runs/schedule.ts";
import type { GcParameters } from "./collector.ts";
import { gcJobType, registerGcJob } from "./gc-job.ts";
import { createGcStore } from "./store.ts";

/** Garbage collection wired from its parts (the composition root calls this once): its job type, history and schedule. */
export function createGc(deps: {
	db: Db;
	jobs: Jobs;
	storage: StorageDriver;
	manifests: ManifestService;
	/** Forgets uploads idle since before the time given (the upload service's purge); answers how many. */
	purgeUploads(before: Date): Promise<number>;
	windowHours: number;
}) {
	const store = createGcStore(deps.db);
	const history = createRunHistory(deps.db, deps.jobs, "gc_runs");
	const schedule = createSystemSchedule<GcParameters>(
		deps.db,
		deps.jobs.schedules,
		gcJobType,
	);
	registerGcJob({ ...deps, store, history });
	return { store, history, schedule, jobs: deps.jobs, jobType: gcJobType };
}

export type Gc = ReturnType<typeof createGc>;
