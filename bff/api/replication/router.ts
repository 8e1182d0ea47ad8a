import { type Request, Router } from "express";
import { z } from "zod";
import { type Action, anonymous } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { parseQuery, parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { requireSysadmin } from "../project-guard.ts";
import { integerParam, maxId, parseWith, pathId } from "../request-body.ts";
import type { PolicyInput } from "./policies.ts";
import { policyQueryKeys, policySortKeys } from "./store.ts";

/** A side of a policy: Harbor sends the whole Registry; only its id counts (0 or none is this Wharf). */
const side = z
	.object({ id: z.number().int().min(0).max(maxId).nullish() })
	.passthrough()
	.nullish();
const policyBody = z.object({
	name: z.string().trim().min(1, "name is required").max(255),
	description: z.string().max(1024).nullish(),
	src_registry: side,
	dest_registry: side,
	dest_namespace: z.string().max(255).nullish(),
	dest_namespace_replace_count: z.number().int().nullish(),
	trigger: z
		.object({
			type: z
				.enum(["manual", "scheduled", "event_based"], {
					message: "trigger.type must be manual, scheduled or event_based",
				})
				.nullish(),
			trigger_settings: z
				.object({ cron: z.string().max(255).nullish() })
				.passthrough()
				.nullish(),
		})
		.nullish(),
	filters: z.unknown().optional(),
	replicate_deletion: z.boolean().nullish(),
	deletion: z.boolean().nullish(),
	override: z.boolean().nullish(),
	enabled: z.boolean().nullish(),
	speed: z.number().int().nullish(),
	copy_by_chunk: z.boolean().nullish(),
});
type PolicyBody = z.infer<typeof policyBody>;

const executionsQuery = z
	.object({
		policy_id: z
			.string()
			.regex(/^\d{1,10}$/, "policy_id must be an integer")
			.transform(Number)
			.optional(),
		status: z.enum(["InProgress", "Succeed", "Failed", "Stopped"]).optional(),
		trigger: z.enum(["manual", "scheduled", "event_based"]).optional(),
	})
	.passthrough();
const tasksQuery = z
	.object({
		status: z
			.enum(["Pending", "InProgress", "Succeed", "Failed", "Stopped"])
			.optional(),
		resource_type: z.string().max(64).optional(),
	})
	.passthrough();
const sortKeys = ["id", "start_time", "end_time", "status"];

/** The body over a saved policy (update) or over Harbor's defaults (create): a field left out keeps its value. */
function inputOf(b: PolicyBody, base: PolicyInput): PolicyInput {
	const cron = b.trigger?.trigger_settings?.cron;
	return {
		name: b.name,
		description: b.description ?? base.description,
		src_registry_id:
			b.src_registry !== undefined
				? (b.src_registry?.id ?? 0)
				: base.src_registry_id,
		dest_registry_id:
			b.dest_registry !== undefined
				? (b.dest_registry?.id ?? 0)
				: base.dest_registry_id,
		dest_namespace: b.dest_namespace ?? base.dest_namespace,
		dest_namespace_replace_count:
			b.dest_namespace_replace_count ?? base.dest_namespace_replace_count,
		trigger: b.trigger
			? { type: b.trigger.type ?? "manual", cron: cron ?? null }
			: base.trigger,
		filters: b.filters !== undefined ? b.filters : base.filters,
		replicate_deletion:
			b.replicate_deletion ?? b.deletion ?? base.replicate_deletion,
		override: b.override ?? base.override,
		enabled: b.enabled ?? base.enabled,
		speed: b.speed ?? base.speed,
		copy_by_chunk: b.copy_by_chunk ?? base.copy_by_chunk,
	};
}

const defaults: Omit<PolicyInput, "name"> = {
	description: "",
	src_registry_id: 0,
	dest_registry_id: 0,
	dest_namespace: "",
	dest_namespace_replace_count: -1,
	trigger: { type: "manual", cron: null },
	filters: [],
	replicate_deletion: false,
	override: true,
	enabled: true,
	speed: -1,
	copy_by_chunk: false,
};

/** `replication`: policies, executions, tasks and their logs. System admins (and robots granted replication). */
export function createReplicationRouter(deps: ApiDeps): Router {
	const router = Router();
	const { policies, executions } = deps.replication;
	const operator = (req: Request) => (req.principal ?? anonymous).name;
	const policyGuard = (req: Request, action: Action) =>
		requireSysadmin(req, { resource: "replication-policy", action });
	const guard = (req: Request, action: Action) =>
		requireSysadmin(req, { resource: "replication", action });

	router.get("/replication/policies", async (req, res) => {
		policyGuard(req, "list");
		const page = parsePage(req);
		const name =
			typeof req.query.name === "string" ? req.query.name : undefined;
		const { rows, total } = await policies.list(
			name,
			parseQuery(req.query.q, policyQueryKeys),
			parseSort(req.query.sort, policySortKeys),
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, await Promise.all(rows.map(policies.json)), total, page);
	});

	router.post("/replication/policies", async (req, res) => {
		policyGuard(req, "create");
		const b = parseWith(policyBody, req.body);
		const id = await policies.create(
			inputOf(b, { name: b.name, ...defaults }),
			operator(req),
		);
		res
			.status(201)
			.set("Location", `/api/v2.0/replication/policies/${id}`)
			.end();
	});

	router.get("/replication/policies/:id", async (req, res) => {
		policyGuard(req, "read");
		res.json(
			await policies.json(await policies.get(pathId(req.params.id, "id"))),
		);
	});

	router.put("/replication/policies/:id", async (req, res) => {
		policyGuard(req, "update");
		const id = pathId(req.params.id, "id");
		const saved = policies.inputOf(await policies.get(id));
		const b = parseWith(
			policyBody.extend({ name: z.string().trim().min(1).max(255).optional() }),
			req.body,
		);
		await policies.update(
			id,
			inputOf({ ...b, name: b.name ?? saved.name }, saved),
			operator(req),
		);
		res.status(200).end();
	});

	router.delete("/replication/policies/:id", async (req, res) => {
		policyGuard(req, "delete");
		await policies.remove(pathId(req.params.id, "id"), operator(req));
		res.status(200).end();
	});

	router.get("/replication/executions", async (req, res) => {
		guard(req, "list");
		const page = parsePage(req);
		const q = parseWith(executionsQuery, req.query);
		const { items, total } = await executions.list(
			{ policyId: q.policy_id, status: q.status, trigger: q.trigger },
			parseSort(req.query.sort, sortKeys),
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, items, total, page);
	});

	router.post("/replication/executions", async (req, res) => {
		guard(req, "create");
		const b = parseWith(
			z.object({
				policy_id: z
					.number({ message: "policy_id is required" })
					.int()
					.min(1)
					.max(maxId),
			}),
			req.body,
		);
		const id = await executions.start(b.policy_id, "manual");
		res
			.status(201)
			.set("Location", `/api/v2.0/replication/executions/${id}`)
			.end();
	});

	router.get("/replication/executions/:id", async (req, res) => {
		guard(req, "read");
		res.json(await executions.json(pathId(req.params.id, "id")));
	});

	router.put("/replication/executions/:id", async (req, res) => {
		guard(req, "update");
		await executions.stop(pathId(req.params.id, "id"));
		res.status(200).end();
	});

	router.post("/replication/executions/:id/retry", async (req, res) => {
		guard(req, "create");
		res.json({ retried: await executions.retry(pathId(req.params.id, "id")) });
	});

	router.get("/replication/executions/:id/tasks", async (req, res) => {
		guard(req, "list");
		const page = parsePage(req);
		const q = parseWith(tasksQuery, req.query);
		const { items, total } = await executions.tasks(
			pathId(req.params.id, "id"),
			{ status: q.status, resourceType: q.resource_type },
			parseSort(req.query.sort, sortKeys),
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, items, total, page);
	});

	router.get(
		"/replication/executions/:id/tasks/:task_id/log",
		async (req, res) => {
			guard(req, "read");
			const log = await executions.log(
				pathId(req.params.id, "id"),
				integerParam(req.params.task_id, "task_id", 1, maxId),
			);
			res.type("text/plain; charset=utf-8").send(log);
		},
	);

	return router;
}
