import { type Request, Router } from "express";
import { z } from "zod";
import { type Action, anonymous, systemAllowed } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import {
	ApiError,
	badRequest,
	forbidden,
	notFound,
	unauthorized,
} from "../errors.ts";
import { parseQuery, parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { authorizeProject, requireSignedIn } from "../project-guard.ts";
import { maxId } from "../request-body.ts";
import { createLabelService, labelJson } from "./service.ts";
import {
	createLabelStore,
	type LabelScope,
	labelQueryKeys,
	labelSortKeys,
} from "./store.ts";

const listQuery = z.object({
	scope: z.enum(["g", "p"]).default("g"),
	project_id: z.coerce.number().int().positive().max(maxId).optional(),
	name: z.string().optional(),
});
const labelBody = z.object({
	name: z.string().trim().min(1, "name is required").max(128),
	description: z.string().max(1024).optional(),
	color: z.string().max(32).optional(),
	scope: z.enum(["g", "p"]).default("g"),
	project_id: z.number().int().nonnegative().optional(),
});
const labelUpdate = labelBody.partial();
const labelId = z.coerce.number().int().positive().max(maxId);

const parse = <T>(schema: z.ZodType<T>, value: unknown): T => {
	const r = schema.safeParse(value);
	if (!r.success)
		throw badRequest(
			r.error.issues
				.map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
				.join("; "),
		);
	return r.data;
};

/** label: global labels (system label rights) and project labels (the project's label rights). */
export function createLabelsRouter(deps: ApiDeps): Router {
	const router = Router();
	const labels = createLabelService({
		store: createLabelStore(deps.db),
		audit: deps.audit,
	});
	const operator = (req: Request) => (req.principal ?? anonymous).name;

	/** May the caller do `action` on labels of this scope? Returns the project's name for a project label. */
	async function authorizeScope(
		req: Request,
		s: LabelScope,
		action: Action,
	): Promise<string | null> {
		if (s.scope === "p")
			return (
				await authorizeProject(deps, req, String(s.projectId), "label", action)
			).project.name;
		if (action === "read" || action === "list") {
			requireSignedIn(req);
			return null;
		}
		const p = req.principal ?? anonymous;
		if (p.kind === "anonymous") throw unauthorized();
		if (!systemAllowed(p, "label", action))
			throw forbidden(`not allowed to ${action} global labels`);
		return null;
	}

	/** A label in a project the caller may not see answers like a missing label. */
	async function visibleLabel(req: Request, action: Action) {
		const id = parse(labelId, req.params.label_id);
		const label = await labels.get(id);
		const s: LabelScope =
			label.scope === "p"
				? { scope: "p", projectId: label.project_id }
				: { scope: "g" };
		try {
			return { label, projectName: await authorizeScope(req, s, action) };
		} catch (e) {
			if (e instanceof ApiError && e.code === "NOT_FOUND")
				throw notFound(`label ${id} not found`);
			throw e;
		}
	}

	router.get("/labels", async (req, res) => {
		const q = parse(listQuery, req.query);
		if (q.scope === "p" && !q.project_id)
			throw badRequest("project_id is required when scope is p");
		const s: LabelScope =
			q.scope === "p"
				? { scope: "p", projectId: q.project_id! }
				: { scope: "g" };
		await authorizeScope(req, s, "list");
		const page = parsePage(req);
		const { rows, total } = await labels.list(
			s,
			q.name,
			parseQuery(req.query.q, labelQueryKeys),
			parseSort(req.query.sort, labelSortKeys),
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, rows.map(labelJson), total, page);
	});

	router.post("/labels", async (req, res) => {
		const body = parse(labelBody, req.body);
		if (body.scope === "p" && !body.project_id)
			throw badRequest("project_id is required when scope is p");
		const s: LabelScope =
			body.scope === "p"
				? { scope: "p", projectId: body.project_id! }
				: { scope: "g" };
		const projectName = await authorizeScope(req, s, "create");
		const id = await labels.create(s, body, operator(req), projectName);
		res.status(201).set("Location", `/api/v2.0/labels/${id}`).end();
	});

	router.get("/labels/:label_id", async (req, res) => {
		const { label } = await visibleLabel(req, "read");
		res.json(labelJson(label));
	});

	router.put("/labels/:label_id", async (req, res) => {
		const body = parse(labelUpdate, req.body ?? {});
		const { label } = await visibleLabel(req, "update");
		await labels.update(label, {
			name: body.name,
			description: body.description,
			color: body.color,
		});
		res.status(200).end();
	});

	router.delete("/labels/:label_id", async (req, res) => {
		const { label, projectName } = await visibleLabel(req, "delete");
		await labels.remove(label, operator(req), projectName);
		res.status(200).end();
	});

	return router;
}
