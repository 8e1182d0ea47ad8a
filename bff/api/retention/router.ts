import { type Request, Router } from "express";
import { z } from "zod";
import { type Action, allowed, anonymous } from "../../auth/policy.ts";
import { policyBody } from "../../retention/rules.ts";
import type { ApiDeps } from "../deps.ts";
import { ApiError, forbidden, notFound } from "../errors.ts";
import { parsePage, sendPage } from "../pagination.ts";
import {
	authorizeInProject,
	findProjectById,
	requireSignedIn,
} from "../project-guard.ts";
import { parseWith, pathId } from "../request-body.ts";
import {
	createRetentionService,
	executionJson,
	retentionMetadata,
	taskJson,
	taskLogText,
} from "./service.ts";

const runBody = z.object({ dry_run: z.boolean().nullish() });
const actionBody = z.object({
	action: z.literal("stop", { message: 'action must be "stop"' }),
});

/**
 * `Retention`: Harbor's tag retention API. A policy belongs to a project (`scope.ref`) and every call is judged as
 * the `tag-retention` resource of that project; one the caller cannot see answers as missing.
 */
export function createRetentionRouter(deps: ApiDeps): Router {
	const router = Router();
	const retention = createRetentionService({
		retention: deps.retention,
		audit: deps.audit,
	});
	const operator = (req: Request) => (req.principal ?? anonymous).name;

	/**
	 * The project, once the caller may do `action` on its `tag-retention`. What deletes artifacts (a policy's rules, a
	 * run that is not dry) also needs `artifact` delete: Harbor lets developers edit and run retention, and so delete
	 * through it what they may not delete themselves; in Wharf they read policies and try them in dry runs.
	 */
	const inProject = async (
		req: Request,
		projectId: number,
		action: Action,
		missing: () => ApiError,
		deletes = false,
	) => {
		const row = await findProjectById(deps.db, projectId);
		let granted: Awaited<ReturnType<typeof authorizeInProject>>;
		try {
			granted = await authorizeInProject(
				deps,
				req,
				row,
				String(projectId),
				"tag-retention",
				action,
			);
		} catch (e) {
			throw e instanceof ApiError && e.code === "NOT_FOUND" ? missing() : e;
		}
		const { project, standing } = granted;
		if (
			deletes &&
			!allowed(req.principal ?? anonymous, standing, "artifact", "delete")
		) {
			throw forbidden(
				`retention deletes artifacts: only those who may delete artifacts in project ${project.name} may change it or run it for real (a dry run is allowed)`,
			);
		}
		return project;
	};
	/** The policy in the path and its project, once the caller may do `action` there. */
	const policyFor = async (req: Request, action: Action, deletes = false) => {
		const id = pathId(req.params.id, "id");
		const missing = () => notFound(`retention policy ${id} not found`);
		const policy = await deps.retention.store.policy(id);
		if (!policy) throw missing();
		return {
			policy,
			project: await inProject(
				req,
				policy.project_id,
				action,
				missing,
				deletes,
			),
		};
	};

	router.get("/retentions/metadatas", (req, res) => {
		requireSignedIn(req);
		res.json(retentionMetadata());
	});

	router.post("/retentions", async (req, res) => {
		const body = parseWith(policyBody, req.body);
		const project = await inProject(
			req,
			body.scope.ref,
			"create",
			() => notFound(`project ${body.scope.ref} not found`),
			true,
		);
		const id = await retention.create(project, body, operator(req));
		res.status(201).set("Location", `/api/v2.0/retentions/${id}`).end();
	});

	router.get("/retentions/:id", async (req, res) => {
		const { policy } = await policyFor(req, "read");
		res.json(await retention.json(policy));
	});

	router.put("/retentions/:id", async (req, res) => {
		const { policy, project } = await policyFor(req, "update", true);
		await retention.update(
			project,
			policy,
			parseWith(policyBody, req.body),
			operator(req),
		);
		res.status(200).end();
	});

	router.delete("/retentions/:id", async (req, res) => {
		const { policy, project } = await policyFor(req, "delete", true);
		await retention.remove(project, policy, operator(req));
		res.status(200).end();
	});

	router.post("/retentions/:id/executions", async (req, res) => {
		const { dry_run } = parseWith(runBody, req.body);
		const { policy, project } = await policyFor(req, "operate", !dry_run);
		const eid = await retention.run(project, policy, !!dry_run, operator(req));
		res
			.status(201)
			.set("Location", `/api/v2.0/retentions/${policy.id}/executions/${eid}`)
			.end();
	});

	router.get("/retentions/:id/executions", async (req, res) => {
		const { policy } = await policyFor(req, "list");
		const page = parsePage(req);
		const { rows, total } = await deps.retention.store.executions(
			policy.id,
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, rows.map(executionJson), total, page);
	});

	router.patch("/retentions/:id/executions/:eid", async (req, res) => {
		const eid = pathId(req.params.eid, "eid");
		const { policy, project } = await policyFor(req, "operate");
		parseWith(actionBody, req.body);
		await retention.stop(project, policy, eid, operator(req));
		res.status(200).end();
	});

	router.get("/retentions/:id/executions/:eid/tasks", async (req, res) => {
		const eid = pathId(req.params.eid, "eid");
		const { policy } = await policyFor(req, "list");
		await retention.execution(policy, eid);
		const page = parsePage(req);
		const { rows, total } = await deps.retention.store.tasks(
			eid,
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, rows.map(taskJson), total, page);
	});

	// Harbor answers the table as text; a client that asks for JSON (the console) gets its rows.
	router.get("/retentions/:id/executions/:eid/tasks/:tid", async (req, res) => {
		const eid = pathId(req.params.eid, "eid");
		const tid = pathId(req.params.tid, "tid");
		const { policy } = await policyFor(req, "read");
		const rows = await retention.taskLog(policy, eid, tid);
		if (req.accepts(["text/plain", "application/json"]) === "application/json")
			res.json(rows);
		else res.type("text/plain").send(taskLogText(rows));
	});

	return router;
}
