import express, { Router } from "express";
import { readOnlyApi } from "../configurations/read-only.ts";
import type { ApiDeps } from "../deps.ts";
import { notFound } from "../errors.ts";
import { createArtifactContentRouter } from "./artifact-content.ts";
import { createLogLevelRouter } from "./log-level.ts";
import { createProjectActivityRouter } from "./project-activity.ts";
import { createProjectRowsRouter } from "./project-rows.ts";

/**
 * `/api/console`: what the console needs beside Harbor's `/api/v2.0` so a page takes one or two requests.
 * Same principal, CSRF rule, policy and error body as `/api/v2.0`.
 */
export function createConsoleRouter(deps: ApiDeps): Router {
	const router = Router();
	router.use(express.json({ limit: "1mb" }));
	// Before the read-only guard: turning logs up is how a read-only (or failing) server gets looked at.
	router.use(createLogLevelRouter(deps));
	router.use(readOnlyApi(deps));
	router.use(createProjectActivityRouter(deps));
	router.use(createArtifactContentRouter(deps));
	router.use(createProjectRowsRouter(deps));
	router.use((req, _res, next) =>
		next(notFound(`no such API: ${req.method} ${req.path}`)),
	);
	return router;
}
