import { Router } from "express";
import { z } from "zod";
import type { ApiDeps } from "../deps.ts";
import { parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { requireSysadmin } from "../project-guard.ts";
import { parseWith, pathId } from "../request-body.ts";
import { createQuotaService } from "./service.ts";
import { quotaSortKeys } from "./store.ts";

const quotaUpdateReq = z.object({
	hard: z.record(z.string(), z.number().int("quota values are whole bytes")),
});
const optionalString = (v: unknown) =>
	typeof v === "string" && v !== "" ? v : undefined;

/** quota: list, get, update storage limits (system level: admins, and robots granted quota at system level). */
export function createQuotasRouter(deps: ApiDeps): Router {
	const router = Router();
	const service = createQuotaService(deps);

	router.get("/quotas", async (req, res) => {
		requireSysadmin(req, { resource: "quota", action: "list" });
		const page = parsePage(req);
		const sort = parseSort(req.query.sort, quotaSortKeys);
		// `project_name` (beyond Harbor): part of the project's name, any case, as the console's other lists search.
		const filter = {
			reference: optionalString(req.query.reference),
			referenceId: optionalString(req.query.reference_id),
			projectName: optionalString(req.query.project_name),
		};
		const { items, total } = await service.list(
			filter,
			sort,
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, items, total, page);
	});

	router.get("/quotas/:id", async (req, res) => {
		requireSysadmin(req, { resource: "quota", action: "read" });
		res.json(await service.get(pathId(req.params.id, "id")));
	});

	router.put("/quotas/:id", async (req, res) => {
		requireSysadmin(req, { resource: "quota", action: "update" });
		const body = parseWith(quotaUpdateReq, req.body);
		await service.update(
			pathId(req.params.id, "id"),
			body.hard,
			req.principal!.name,
		);
		res.status(200).end();
	});

	return router;
}
