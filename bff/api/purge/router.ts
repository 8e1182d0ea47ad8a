import type { Router } from "express";
import { type PurgeParameters, purgeParameters } from "../../audit/purge.ts";
import type { ApiDeps } from "../deps.ts";
import { systemRunRoutes } from "../system-runs/routes.ts";
import { createSystemRunService } from "../system-runs/service.ts";

/**
 * `purge`: Harbor's audit-log purge API (`/system/purgeaudit*`), the same shape as GC's. System admins (and robots
 * granted purge-audit). Beyond Harbor, each run says how many rows it deleted (a dry run: would delete), per event type.
 */
export function createPurgeRouter(deps: ApiDeps): Router {
	const service = createSystemRunService<"purge_runs", PurgeParameters>({
		runs: deps.auditPurge,
		audit: deps.audit,
		words: {
			noun: "audit log purge",
			short: "purge",
			resourceType: "purge_audit",
		},
		dryRun: (p) => p.dry_run,
		extra: (r) => ({
			deleted_rows: Number(r.deleted),
			deleted_by_event_type: JSON.parse(r.by_event_type) as Record<
				string,
				number
			>,
		}),
	});
	return systemRunRoutes({
		base: "/system/purgeaudit",
		idName: "purge_id",
		resource: "purge-audit",
		parameters: purgeParameters,
		service,
	});
}
