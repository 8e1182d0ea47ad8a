import { type Request, Router } from "express";
import { z } from "zod";
import { type Action, anonymous } from "../../auth/policy.ts";
import {
	createScannerStore,
	type ScannerRow,
} from "../../scanning/registration-store.ts";
import type { ApiDeps } from "../deps.ts";
import { parseQuery } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { authorizeProject, requireSysadmin } from "../project-guard.ts";
import { endpointUrl } from "../registries/router.ts";
import { parseWith } from "../request-body.ts";
import { createScannerService, registrationJson } from "./service.ts";

const registrationBody = z.object({
	name: z.string().trim().min(1, "name is required").max(255),
	description: z.string().max(1024).nullish(),
	url: endpointUrl,
	auth: z.string().nullish(),
	access_credential: z.string().max(4096).nullish(),
	skip_certVerify: z.boolean().nullish(),
	use_internal_addr: z.boolean().nullish(),
	disabled: z.boolean().nullish(),
});
// `uuid` (beyond Harbor): a registration being edited, whose stored credential is used when none is given.
const pingBody = registrationBody
	.pick({ name: true, url: true, auth: true, access_credential: true })
	.extend({ uuid: z.string().nullish() });
const isDefaultBody = z.object({ is_default: z.boolean() });
const projectScannerBody = z.object({
	uuid: z.string().min(1, "uuid is required"),
});
const queryKeys = ["name", "description", "url"];

/** Harbor's `q` on the few registrations there are: exact or `~` (contains) on name, description and url. */
function matching(rows: ScannerRow[], q: unknown): ScannerRow[] {
	const conditions = parseQuery(q, queryKeys);
	return rows.filter((r) =>
		conditions.every((c) => {
			const v = String(r[c.key as "name" | "description" | "url"]);
			if (c.op === "exact") return v === c.value;
			if (c.op === "fuzzy") return v.includes(c.value);
			return true;
		}),
	);
}

/** The `scanner` tag: scanner registrations (system admins), and a project's scanner (its admins choose). */
export function createScannersRouter(deps: ApiDeps): Router {
	const router = Router();
	const store = createScannerStore(deps.db);
	const scanners = createScannerService({
		store,
		box: deps.box,
		audit: deps.audit,
	});
	const guard = (req: Request, action: Action) =>
		requireSysadmin(req, { resource: "scanner", action });
	const operator = (req: Request) => (req.principal ?? anonymous).name;
	const id = (req: Request) => String(req.params.registration_id);

	router.get("/scanners", async (req, res) => {
		guard(req, "list");
		const page = parsePage(req);
		const rows = matching(await store.all(), req.query.q);
		sendPage(
			req,
			res,
			rows
				.slice(page.offset, page.offset + page.pageSize)
				.map((r) => registrationJson(r)),
			rows.length,
			page,
		);
	});

	router.post("/scanners", async (req, res) => {
		guard(req, "create");
		const uuid = await scanners.create(
			parseWith(registrationBody, req.body),
			operator(req),
		);
		res.status(201).set("Location", `/api/v2.0/scanners/${uuid}`).end();
	});

	router.post("/scanners/ping", async (req, res) => {
		guard(req, "read");
		const body = parseWith(pingBody, req.body);
		await scanners.ping(
			body,
			body.uuid ? await scanners.get(body.uuid) : undefined,
		);
		res.status(200).end();
	});

	router.get("/scanners/:registration_id", async (req, res) => {
		guard(req, "read");
		const r = await scanners.get(id(req));
		const health = await scanners.health(r);
		res.json(registrationJson((await store.byUuid(r.uuid)) ?? r, health));
	});

	router.put("/scanners/:registration_id", async (req, res) => {
		guard(req, "update");
		await scanners.update(
			await scanners.get(id(req)),
			parseWith(registrationBody, req.body),
			operator(req),
		);
		res.status(200).end();
	});

	router.patch("/scanners/:registration_id", async (req, res) => {
		guard(req, "update");
		const r = await scanners.get(id(req));
		if (parseWith(isDefaultBody, req.body).is_default)
			await scanners.makeDefault(r, operator(req));
		res.status(200).end();
	});

	router.delete("/scanners/:registration_id", async (req, res) => {
		guard(req, "delete");
		const r = await scanners.get(id(req));
		await scanners.remove(r, operator(req));
		res.json(registrationJson(r));
	});

	router.get("/scanners/:registration_id/metadata", async (req, res) => {
		guard(req, "read");
		res.json(await scanners.metadata(await scanners.get(id(req))));
	});

	const projectPath = "/projects/:project_name_or_id/scanner";
	router.get(projectPath, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			String(req.params.project_name_or_id),
			"scanner",
			"read",
		);
		const r = await scanners.forProject(project.id);
		// No scanner registered at all: an empty registration, as Harbor's model answers it.
		res.json(r ? registrationJson(r) : {});
	});

	router.put(projectPath, async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			String(req.params.project_name_or_id),
			"scanner",
			"create",
		);
		await scanners.setForProject(
			project,
			parseWith(projectScannerBody, req.body).uuid,
			operator(req),
		);
		res.status(200).end();
	});

	router.get(`${projectPath}/candidates`, async (req, res) => {
		await authorizeProject(
			deps,
			req,
			String(req.params.project_name_or_id),
			"scanner",
			"create",
		);
		const page = parsePage(req);
		const rows = matching(
			(await store.all()).filter((r) => !r.disabled),
			req.query.q,
		);
		sendPage(
			req,
			res,
			rows
				.slice(page.offset, page.offset + page.pageSize)
				.map((r) => registrationJson(r)),
			rows.length,
			page,
		);
	});

	return router;
}
