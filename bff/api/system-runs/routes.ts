import { type Request, Router } from "express";
import { z } from "zod";
import { type Action, anonymous } from "../../auth/policy.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { requireSysadmin } from "../project-guard.ts";
import { parseWith, pathId } from "../request-body.ts";
import type { SystemRunService } from "./service.ts";

const scheduleObj = z.object({
	type: z.enum(
		["Hourly", "Daily", "Weekly", "Custom", "Manual", "None", "Schedule"],
		{
			message:
				"schedule.type must be Hourly, Daily, Weekly, Custom, Manual or None",
		},
	),
	cron: z.string().max(255).nullish(),
});

/**
 * The routes Harbor gives a system run (`/system/gc`, `/system/purgeaudit`): history (paged), one run, its plain-text
 * log, stop (PUT), and the schedule (GET; POST and PUT take Harbor's Schedule, `Manual` runs now). Guarded by the one
 * policy as system-level `resource` (system admins, and robots granted it).
 */
export function systemRunRoutes<P>(opts: {
	base: string;
	/** The path parameter's name in Harbor's swagger (`gc_id`, `purge_id`), for error messages. */
	idName: string;
	resource: string;
	/** The run's parameters: unknown keys are dropped (Harbor's console sends more than a kind reads), defaults applied. */
	parameters: z.ZodType<P>;
	service: SystemRunService<P>;
}): Router {
	const router = Router();
	const { base, idName, service } = opts;
	const guard = (req: Request, action: Action) =>
		requireSysadmin(req, { resource: opts.resource, action });
	const operator = (req: Request) => (req.principal ?? anonymous).name;
	const body = z.object({
		schedule: scheduleObj,
		parameters: z.unknown().optional(),
	});
	const parse = (req: Request) => {
		const b = parseWith(body, req.body);
		return {
			schedule: b.schedule,
			parameters: parseWith(opts.parameters, b.parameters ?? {}),
		};
	};
	const id = (req: Request) => pathId(req.params.id, idName);

	router.get(base, async (req, res) => {
		guard(req, "list");
		const page = parsePage(req);
		const { items, total } = await service.list(page.pageSize, page.offset);
		sendPage(req, res, items, total, page);
	});

	router.get(`${base}/schedule`, async (req, res) => {
		guard(req, "read");
		res.json(await service.getSchedule());
	});

	router.post(`${base}/schedule`, async (req, res) => {
		guard(req, "create");
		const b = parse(req);
		const runId = await service.setSchedule(
			b.schedule,
			b.parameters,
			operator(req),
		);
		if (runId !== undefined) res.set("Location", `/api/v2.0${base}/${runId}`);
		res.status(201).end();
	});

	router.put(`${base}/schedule`, async (req, res) => {
		guard(req, "update");
		const b = parse(req);
		await service.setSchedule(b.schedule, b.parameters, operator(req));
		res.status(200).end();
	});

	router.get(`${base}/:id`, async (req, res) => {
		guard(req, "read");
		res.json(await service.get(id(req)));
	});

	router.put(`${base}/:id`, async (req, res) => {
		guard(req, "stop");
		await service.stop(id(req), operator(req));
		res.status(200).end();
	});

	router.get(`${base}/:id/log`, async (req, res) => {
		guard(req, "read");
		res.type("text/plain").send(await service.log(id(req)));
	});

	return router;
}
