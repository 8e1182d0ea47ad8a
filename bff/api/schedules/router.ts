import { Router } from "express";
import type { ApiDeps } from "../deps.ts";
import { badRequest } from "../errors.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { requireSysadmin } from "../project-guard.ts";

/** The `schedule` tag: every cron schedule (GC, scan all, replication policies…) and the scheduler's pause switch. */
export function createSchedulesRouter(deps: ApiDeps): Router {
	const router = Router();
	const { schedules } = deps.jobs;

	router.get("/schedules", async (req, res) => {
		requireSysadmin(req, { resource: "jobservice-monitor", action: "list" });
		const page = parsePage(req);
		const { rows, total } = await schedules.list({
			offset: page.offset,
			limit: page.pageSize,
		});
		sendPage(
			req,
			res,
			rows.map((r) => ({
				id: r.id,
				vendor_type: r.vendor_type,
				vendor_id: r.vendor_id,
				cron: r.cron,
				update_time: r.update_time,
			})),
			total,
			page,
		);
	});

	router.get("/schedules/:job_type/paused", async (req, res) => {
		requireSysadmin(req, { resource: "jobservice-monitor", action: "list" });
		// As Harbor: only `all` is supported.
		if (req.params.job_type !== "all")
			throw badRequest('only job_type "all" is supported');
		res.json({ paused: await schedules.paused() });
	});

	return router;
}
