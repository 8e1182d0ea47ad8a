import { z } from "zod";
import type { ManifestService } from "../core/manifests.ts";
import type { StorageDriver } from "../core/storage/driver.ts";
import type { Jobs } from "../jobs/jobs.ts";
import type { RunHistory } from "../jobs/runs/history.ts";
import { registerRunJob } from "../jobs/runs/run-job.ts";
import {
	collectGarbage,
	emptyResult,
	type GcParameters,
	type GcResult,
} from "./collector.ts";
import type { GcStore } from "./store.ts";

export const gcJobType = "GARBAGE_COLLECTION";

export const gcParameters = z.object({
	delete_untagged: z.boolean().default(false),
	dry_run: z.boolean().default(false),
	workers: z
		.number()
		.int()
		.min(1, "workers must be 1 to 5")
		.max(5, "workers must be 1 to 5")
		.default(1),
});

/** The GARBAGE_COLLECTION job type: one collection at a time across replicas (bff/jobs/runs/run-job.ts). */
export function registerGcJob(deps: {
	jobs: Jobs;
	store: GcStore;
	history: RunHistory<"gc_runs">;
	storage: StorageDriver;
	manifests: ManifestService;
	purgeUploads(before: Date): Promise<number>;
	windowHours: number;
}) {
	registerRunJob({
		jobs: deps.jobs,
		type: gcJobType,
		history: deps.history,
		parameters: gcParameters,
		noun: "garbage collection",
		stoppedNote: "what was begun is consistent; the next run picks up the rest",
		emptyResult,
		run: (ctx, params: GcParameters, result: GcResult) =>
			collectGarbage(
				{
					store: deps.store,
					storage: deps.storage,
					manifests: deps.manifests,
					purgeUploads: deps.purgeUploads,
					windowHours: deps.windowHours,
					log: (line) => ctx.log(line),
					progress: (p) => ctx.progress(p),
					signal: ctx.signal,
				},
				params,
				result,
			).then(() => undefined),
		counts: (r) => ({ blobs: r.blobs, bytes: r.bytes, artifacts: r.artifacts }),
	});
}
