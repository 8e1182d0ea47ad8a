import { Router } from "express";
import { z } from "zod";
import type { ApiDeps } from "../deps.ts";
import { authorizeProject } from "../project-guard.ts";
import { byProjectName } from "../repositories/repository-path.ts";
import { parseWith } from "../request-body.ts";
import { createProjectActivityStore } from "./project-activity-store.ts";

const activityQuery = z.object({
	days: z.coerce
		.number()
		.int()
		.min(1, "days must be 1 to 90")
		.max(90, "days must be 1 to 90")
		.default(30),
});

/** How many of the most-pulled repositories the summary shows. */
const topRepositories = 5;

/** `YYYY-MM-DD` of the UTC day `back` days before today. */
const utcDay = (back: number) =>
	new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);

/**
 * `GET /projects/{name}/activity?days=30`, for the project summary: pushes and pulls per day from the audit log (as
 * the registry records them: operation `create` / `pull` on resource type `artifact`), and the most-pulled
 * repositories. Authorized like Harbor's project summary (`project` read: members, or anyone for a public project);
 * an outsider gets the same 404 as for a missing project.
 */
export function createProjectActivityRouter(deps: ApiDeps): Router {
	const router = Router();
	const activity = createProjectActivityStore(deps.db);

	router.get("/projects/:project_name/activity", async (req, res) => {
		const { days } = parseWith(activityQuery, req.query);
		const { project } = await authorizeProject(
			deps,
			byProjectName(req),
			String(req.params.project_name),
			"project",
			"read",
		);
		const [counts, top] = await Promise.all([
			activity.activityByDay(project.id, `${utcDay(days - 1)}T00:00:00.000Z`),
			activity.mostPulled(project.id, topRepositories),
		]);
		const byDay = new Map<
			string,
			{ date: string; pushes: number; pulls: number }
		>();
		for (let back = days - 1; back >= 0; back--) {
			const d = utcDay(back);
			byDay.set(d, { date: d, pushes: 0, pulls: 0 });
		}
		for (const c of counts) {
			const entry = byDay.get(c.day);
			if (!entry) continue;
			if (c.operation === "create") entry.pushes += c.n;
			else entry.pulls += c.n;
		}
		res.json({
			days: [...byDay.values()],
			top_repositories: top,
		});
	});

	return router;
}
