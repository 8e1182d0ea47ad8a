import type { AuditSink } from "../../core/access.ts";
import type { GcParameters } from "../../gc/collector.ts";
import type { Gc } from "../../gc/gc.ts";
import { createSystemRunService } from "../system-runs/service.ts";

/** The rules of the `gc` API: a system run (one at a time, history, logs, schedule, audited) that reports what it freed. */
export const createGcService = (deps: { gc: Gc; audit: AuditSink }) =>
	createSystemRunService<"gc_runs", GcParameters>({
		runs: deps.gc,
		audit: deps.audit,
		words: {
			noun: "garbage collection",
			short: "gc",
			resourceType: "garbage_collection",
		},
		dryRun: (p) => p.dry_run,
		extra: (r) => ({
			blobs_deleted: Number(r.blobs),
			freed_bytes: Number(r.bytes),
			artifacts_deleted: Number(r.artifacts),
		}),
	});
