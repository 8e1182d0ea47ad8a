import { Router } from "express";
import { z } from "zod";
import type { ApiDeps } from "../deps.ts";
import { requireSysadmin } from "../project-guard.ts";
import { parseWith } from "../request-body.ts";

export const logLevels = [
	"fatal",
	"error",
	"warn",
	"info",
	"debug",
	"trace",
	"silent",
] as const;
const body = z.object({ level: z.enum(logLevels) });

/**
 * `GET` and `PUT /log-level` (system admins): the server's log level, changed without a restart, for the replica that
 * answers; WHARF_LOG_LEVEL is the level at start. A change is logged (at warn, so it shows at most levels) with who
 * made it.
 */
export function createLogLevelRouter(deps: ApiDeps): Router {
	const router = Router();
	router.get("/log-level", (req, res) => {
		requireSysadmin(req);
		res.json({ level: deps.logLevel.get() });
	});
	router.put("/log-level", (req, res) => {
		requireSysadmin(req);
		const { level } = parseWith(body, req.body);
		const from = deps.logLevel.get();
		deps.logLevel.set(level);
		deps.logLevel.changed({ from, to: level, by: req.principal?.name ?? "" });
		res.json({ level });
	});
	return router;
}
