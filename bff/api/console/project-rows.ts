import { Router } from "express";
import { z } from "zod";
import {
	allowed,
	allowedInProject,
	anonymous,
	canSeeProject,
} from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { createQuotaStore } from "../quotas/store.ts";
import { parseWith } from "../request-body.ts";

const rowsQuery = z.object({
	project_id: z
		.string()
		.regex(/^\d+(,\d+)*$/, "project_id takes ids separated by commas")
		.transform((s) => [...new Set(s.split(",").map(Number))])
		.refine((ids) => ids.length <= 100, "at most 100 project ids"),
});

/**
 * `GET /project-rows?project_id=1,2`: what the project list shows beside Harbor's `/projects` page, in one request:
 * each project's storage limit and use, where the caller may read the quota (Harbor's `/quotas` is for system admins
 * only; otherwise `quota` is null), and what the caller may do in it (Harbor's relative permissions), so the list offers
 * exactly what the policy allows. Projects the caller may not see are left out, as if they did not exist.
 */
export function createProjectRowsRouter(deps: ApiDeps): Router {
	const router = Router();
	const quotas = createQuotaStore(deps.db);

	router.get("/project-rows", async (req, res) => {
		const { project_id: ids } = parseWith(rowsQuery, req.query);
		const principal = req.principal ?? anonymous;
		const projects = await deps.access.projectsByIds(ids);
		const standings = await deps.access.standingsIn(principal, projects);
		const visible = projects.filter((p) =>
			canSeeProject(principal, standings.get(p.id) ?? null),
		);
		const readable = visible
			.filter((p) => allowed(principal, standings.get(p.id)!, "quota", "read"))
			.map((p) => p.id);
		const usage = new Map(
			(await quotas.ofProjects(readable)).map((q) => [q.id, q]),
		);
		res.json(
			visible.map((p) => {
				const q = usage.get(p.id);
				return {
					project_id: p.id,
					quota: q
						? { hard: { storage: q.hard }, used: { storage: q.used } }
						: null,
					permissions: allowedInProject(principal, standings.get(p.id)!),
				};
			}),
		);
	});

	return router;
}
