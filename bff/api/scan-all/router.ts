import { type Request, Router } from "express";
import { z } from "zod";
import { type Action, anonymous } from "../../auth/policy.ts";
import { scanAllJobType } from "../../scanning/scan-all.ts";
import type { ApiDeps } from "../deps.ts";
import { badRequest } from "../errors.ts";
import { requireSysadmin } from "../project-guard.ts";
import { parseWith } from "../request-body.ts";
import { createSystemRunService } from "../system-runs/service.ts";

const scheduleBody = z.object({
	schedule: z.object({
		type: z.enum(
			["Hourly", "Daily", "Weekly", "Custom", "Manual", "None", "Schedule"],
			{
				message:
					"schedule.type must be Hourly, Daily, Weekly, Custom, Manual or None",
			},
		),
		cron: z.string().max(255).nullish(),
	}),
	parameters: z.record(z.string(), z.unknown()).nullish(),
});

/** `scanAll`: scan every image now or on a schedule, stop it, and the latest runs' metrics. System admins. */
export function createScanAllRouter(deps: ApiDeps): Router {
	const router = Router();
	const { scanAll } = deps;
	const runs = createSystemRunService({
		runs: {
			history: scanAll.history,
			schedule: scanAll.schedule,
			jobs: scanAll.jobs,
			jobType: scanAllJobType,
		},
		audit: deps.audit,
		words: { noun: "scan all", short: "scan all", resourceType: "scan_all" },
	});
	const guard = (req: Request, action: Action) =>
		requireSysadmin(req, { resource: "scan-all", action });
	const operator = (req: Request) => (req.principal ?? anonymous).name;

	router.get("/system/scanAll/schedule", async (req, res) => {
		guard(req, "read");
		res.json(await runs.getSchedule());
	});

	const setSchedule = async (req: Request) =>
		runs.setSchedule(
			parseWith(scheduleBody, req.body).schedule,
			{},
			operator(req),
		);
	router.post("/system/scanAll/schedule", async (req, res) => {
		guard(req, "create");
		await setSchedule(req);
		res.status(201).set("Location", "/api/v2.0/scans/all/metrics").end();
	});
	router.put("/system/scanAll/schedule", async (req, res) => {
		guard(req, "update");
		await setSchedule(req);
		res.status(200).end();
	});

	router.post("/system/scanAll/stop", async (req, res) => {
		guard(req, "stop");
		const running = await scanAll.history.holder();
		if (!running) throw badRequest("no scan all is running");
		await runs.stop(running.id, operator(req));
		await scanAll.stopQueued(running.id);
		res.status(202).end();
	});

	router.get("/scans/all/metrics", async (req, res) => {
		guard(req, "read");
		res.json(await scanAll.metrics("Manual"));
	});
	router.get("/scans/schedule/metrics", async (req, res) => {
		guard(req, "read");
		res.json(await scanAll.metrics("Schedule"));
	});

	return router;
}
