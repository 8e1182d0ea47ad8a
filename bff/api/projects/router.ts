import { type Request, Router } from "express";
import { z } from "zod";
import { cveAllowlistInput } from "../cve-allowlists/service.ts";
import type { ApiDeps } from "../deps.ts";
import { badRequest, notFound } from "../errors.ts";
import { type Condition, parseQuery, parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { authorizeProject, requireSignedIn } from "../project-guard.ts";
import { parseWith } from "../request-body.ts";
import { createProjectService } from "./service.ts";
import { projectQueryKeys, projectSortKeys } from "./store.ts";

const projectReq = z.object({
	project_name: z.string().optional(),
	public: z.boolean().nullable().optional(),
	metadata: z.record(z.string(), z.unknown()).nullable().optional(),
	cve_allowlist: cveAllowlistInput.nullable().optional(),
	storage_limit: z.number().int().nullable().optional(),
	registry_id: z.number().int().nullable().optional(),
});
const metadataBody = z.record(z.string(), z.unknown());

const queryString = (req: Request, name: string) => {
	const v = req.query[name];
	if (v === undefined || v === "") return undefined;
	if (typeof v !== "string") throw badRequest(`${name} must be a single value`);
	return v;
};

/** `q` plus Harbor's own `name` (a substring), `public` and `owner` parameters, as one list of conditions. */
function listConditions(req: Request): Condition[] {
	const conditions = parseQuery(req.query.q, projectQueryKeys);
	const name = queryString(req, "name");
	const pub = queryString(req, "public");
	const owner = queryString(req, "owner");
	if (name !== undefined)
		conditions.push({ key: "name", op: "fuzzy", value: name });
	if (pub !== undefined)
		conditions.push({ key: "public", op: "exact", value: pub });
	if (owner !== undefined)
		conditions.push({ key: "owner", op: "exact", value: owner });
	return conditions;
}

/** project and projectMetadata: projects, their metadata, summary, deletable check. */
export function createProjectsRouter(deps: ApiDeps): Router {
	const router = Router();
	const service = createProjectService(deps);
	const one = "/projects/:project_name_or_id";

	// Registered before GET, which Express would otherwise also answer HEAD with.
	router.head("/projects", async (req, res) => {
		requireSignedIn(req);
		const name = queryString(req, "project_name");
		if (!name) throw badRequest("project_name is required");
		if (!(await service.exists(name)))
			throw notFound(`project ${name} not found`);
		res.status(200).end();
	});

	router.get("/projects", async (req, res) => {
		const page = parsePage(req);
		const { items, total } = await service.list(
			req.principal,
			listConditions(req),
			parseSort(req.query.sort, projectSortKeys),
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, items, total, page);
	});

	router.post("/projects", async (req, res) => {
		const created = await service.create(
			req.principal,
			parseWith(projectReq, req.body),
		);
		const byName = req.headers["x-resource-name-in-location"] === "true";
		res
			.status(201)
			.location(`${req.baseUrl}/projects/${byName ? created.name : created.id}`)
			.end();
	});

	router.get(one, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"project",
			"read",
		);
		res.json(await service.get(project, req.principal!));
	});

	router.put(one, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"project",
			"update",
		);
		await service.update(
			project,
			parseWith(projectReq, req.body),
			req.principal!.name,
		);
		res.status(200).end();
	});

	router.delete(one, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"project",
			"delete",
		);
		await service.remove(project, req.principal!.name);
		res.status(200).end();
	});

	router.get(`${one}/_deletable`, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"project",
			"delete",
		);
		res.json(await service.deletable(project));
	});

	router.get(`${one}/summary`, async (req, res) => {
		const { project, standing } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"project",
			"read",
		);
		res.json(await service.summary(project, req.principal!, standing));
	});

	router.get(`${one}/metadatas`, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"metadata",
			"read",
		);
		res.json(await service.metadata(project));
	});

	router.post(`${one}/metadatas`, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"metadata",
			"create",
		);
		await service.addMetadata(
			project,
			parseWith(metadataBody, req.body),
			req.principal!.name,
		);
		res.status(200).end();
	});

	router.get(`${one}/metadatas/:meta_name`, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"metadata",
			"read",
		);
		const value = (await service.metadata(project))[req.params.meta_name];
		if (value === undefined)
			throw notFound(
				`metadata ${req.params.meta_name} not found in project ${project.name}`,
			);
		res.json({ [req.params.meta_name]: value });
	});

	router.put(`${one}/metadatas/:meta_name`, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"metadata",
			"update",
		);
		await service.setMetadata(
			project,
			req.params.meta_name,
			parseWith(metadataBody, req.body),
			req.principal!.name,
		);
		res.status(200).end();
	});

	router.delete(`${one}/metadatas/:meta_name`, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			req.params.project_name_or_id,
			"metadata",
			"delete",
		);
		await service.deleteMetadata(
			project,
			req.params.meta_name,
			req.principal!.name,
		);
		res.status(200).end();
	});

	return router;
}
