import { Router } from "express";
import { anonymous, systemAllowed } from "../../auth/policy.ts";
import { projectGrantable, systemGrantable } from "../../auth/robot-grants.ts";
import type { ApiDeps } from "../deps.ts";
import { forbidden, unauthorized } from "../errors.ts";

/**
 * The `permissions` tag: what a robot may be granted, at system and project level (Harbor's lists). Only for those
 * who can create robots: system admins see both, project admins the project list.
 */
export function createPermissionsRouter(deps: ApiDeps): Router {
	const router = Router();
	router.get("/permissions", async (req, res, next) => {
		try {
			const p = req.principal ?? anonymous;
			if (p.kind === "anonymous") throw unauthorized();
			if (systemAllowed(p, "robot", "create")) {
				res.json({ system: systemGrantable, project: projectGrantable });
				return;
			}
			const projectAdmin =
				p.kind === "user" &&
				(await deps.access.administersAnyProject({
					userId: p.id,
					groupIds: p.groupIds,
				}));
			if (!projectAdmin)
				throw forbidden(
					"only system and project admins may see the grantable permissions",
				);
			res.json({ system: [], project: projectGrantable });
		} catch (e) {
			next(e);
		}
	});
	return router;
}
