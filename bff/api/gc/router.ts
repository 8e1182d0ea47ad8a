import type { Router } from "express";
import { gcParameters } from "../../gc/gc-job.ts";
import type { ApiDeps } from "../deps.ts";
import { systemRunRoutes } from "../system-runs/routes.ts";
import { createGcService } from "./service.ts";

/** `gc`: Harbor's garbage-collection API. System admins (and robots granted garbage-collection). */
export function createGcRouter(deps: ApiDeps): Router {
	return systemRunRoutes({
		base: "/system/gc",
		idName: "gc_id",
		resource: "garbage-collection",
		parameters: gcParameters,
		service: createGcService({ gc: deps.gc, audit: deps.audit }),
	});
}
