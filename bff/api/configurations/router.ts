import { Router } from "express";
import type { ApiDeps } from "../deps.ts";
import { forbidden } from "../errors.ts";
import { requireSignedIn, requireSysadmin } from "../project-guard.ts";
import { createConfigurationsService } from "./service.ts";

/** configure: system configuration (system admins), and the internal configuration (no internal callers exist). */
export function createConfigurationsRouter(deps: ApiDeps): Router {
	const router = Router();
	const service = createConfigurationsService(deps);

	router.get("/configurations", async (req, res, next) => {
		try {
			requireSysadmin(req);
			res.json(await service.get());
		} catch (e) {
			next(e);
		}
	});

	router.put("/configurations", async (req, res, next) => {
		try {
			requireSysadmin(req);
			await service.update(req.principal!, req.body);
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});

	// Harbor serves this to its own components with a shared secret; Wharf has no such callers.
	router.get("/internalconfig", (req, _res, next) => {
		try {
			requireSignedIn(req);
			throw forbidden(
				"the internal configuration is for internal components only",
			);
		} catch (e) {
			next(e);
		}
	});

	return router;
}
