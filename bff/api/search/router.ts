import { Router } from "express";
import type { ApiDeps } from "../deps.ts";
import { badRequest } from "../errors.ts";
import { createProjectService } from "../projects/service.ts";
import { createSearchService } from "./service.ts";

/** search and statistic. */
export function createSearchRouter(deps: ApiDeps): Router {
	const router = Router();
	const service = createSearchService(deps, createProjectService(deps));

	router.get("/search", async (req, res) => {
		const q = req.query.q;
		if (typeof q !== "string" || q.trim() === "")
			throw badRequest("q is required: a part of a project or repository name");
		res.json(await service.search(req.principal, q.trim()));
	});

	router.get("/statistics", async (req, res) => {
		res.json(await service.statistic(req.principal));
	});

	return router;
}
