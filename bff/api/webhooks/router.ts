import { type Request, Router } from "express";
import { z } from "zod";
import { type Action, anonymous } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { authorizeProject } from "../project-guard.ts";
import { integerParam, maxId, parseWith, pathId } from "../request-body.ts";
import { eventTypes, formatsOf, notifyTypes } from "./event-types.ts";
import type { WebhookPolicyInput } from "./policies.ts";
import { policySortKeys } from "./store.ts";

const target = z
	.object({
		type: z.string().nullish(),
		address: z
			.string({ message: "targets[].address is required" })
			.trim()
			.min(1, "targets[].address is required")
			.max(2048),
		auth_header: z.string().max(4096).nullish(),
		skip_cert_verify: z.boolean().nullish(),
		payload_format: z.string().nullish(),
	})
	.passthrough();
const policyBody = z
	.object({
		name: z
			.string({ message: "name is required" })
			.trim()
			.min(1, "name is required")
			.max(255),
		description: z.string().max(1024).nullish(),
		enabled: z.boolean().nullish(),
		event_types: z
			.array(z.string())
			.max(eventTypes.length * 2)
			.nullish(),
		targets: z.array(target).max(20).nullish(),
	})
	.passthrough();
type PolicyBody = z.infer<typeof policyBody>;

const sortKeys = ["id", "start_time", "end_time", "status"];

/** The body over a saved policy (update) or over defaults (create): a field left out keeps its value. */
function inputOf(b: PolicyBody, base: WebhookPolicyInput): WebhookPolicyInput {
	return {
		name: b.name,
		description: b.description ?? base.description,
		enabled: b.enabled ?? base.enabled,
		event_types: b.event_types ?? base.event_types,
		targets: b.targets
			? b.targets.map((t) => ({
					...t,
					type: t.type ?? undefined,
					auth_header: t.auth_header,
					skip_cert_verify: t.skip_cert_verify ?? false,
					payload_format: t.payload_format ?? undefined,
				}))
			: base.targets,
	};
}

/**
 * The `webhook` tag: a project's policies (Harbor's notification-policy resource: project admins manage them,
 * maintainers list them), their executions, tasks and logs, the last trigger per event type, the supported events.
 */
export function createWebhooksRouter(deps: ApiDeps): Router {
	const router = Router();
	const { policies, executions } = deps.webhooks;
	const operator = (req: Request) => (req.principal ?? anonymous).name;
	const guard = (req: Request, action: Action) =>
		authorizeProject(
			deps,
			req,
			String(req.params.project_name_or_id),
			"notification-policy",
			action,
		);
	const base = "/projects/:project_name_or_id/webhook";

	router.get(`${base}/policies`, async (req, res) => {
		const { project } = await guard(req, "list");
		const page = parsePage(req);
		const { rows, total } = await policies.list(
			project.id,
			parseSort(req.query.sort, policySortKeys),
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, rows.map(policies.json), total, page);
	});

	router.post(`${base}/policies`, async (req, res) => {
		const { project } = await guard(req, "create");
		const b = parseWith(policyBody, req.body);
		const id = await policies.create(
			project,
			inputOf(b, {
				name: b.name,
				description: "",
				enabled: true,
				event_types: [],
				targets: [],
			}),
			operator(req),
		);
		res
			.status(201)
			.set(
				"Location",
				`/api/v2.0/projects/${project.id}/webhook/policies/${id}`,
			)
			.end();
	});

	router.get(`${base}/policies/:id`, async (req, res) => {
		const { project } = await guard(req, "read");
		res.json(
			policies.json(
				await policies.get(
					project.id,
					pathId(req.params.id, "webhook_policy_id"),
				),
			),
		);
	});

	router.put(`${base}/policies/:id`, async (req, res) => {
		const { project } = await guard(req, "update");
		const id = pathId(req.params.id, "webhook_policy_id");
		const saved = policies.inputOf(await policies.get(project.id, id));
		const b = parseWith(
			policyBody.extend({ name: z.string().trim().min(1).max(255).optional() }),
			req.body,
		);
		await policies.update(
			project,
			id,
			inputOf({ ...b, name: b.name ?? saved.name }, saved),
			operator(req),
		);
		res.status(200).end();
	});

	router.delete(`${base}/policies/:id`, async (req, res) => {
		const { project } = await guard(req, "delete");
		await policies.remove(
			project,
			pathId(req.params.id, "webhook_policy_id"),
			operator(req),
		);
		res.status(200).end();
	});

	// Wharf beyond Harbor 2.x: a TEST event sent to the policy's targets now, its delivery shown with the others.
	router.post(`${base}/policies/:id/test`, async (req, res) => {
		const { project } = await guard(req, "update");
		const p = await policies.get(
			project.id,
			pathId(req.params.id, "webhook_policy_id"),
		);
		const executionId = await deps.webhooks.test(project, p, operator(req));
		res.status(201).json({ execution_id: executionId });
	});

	router.get(`${base}/policies/:id/executions`, async (req, res) => {
		const { project } = await guard(req, "read");
		const p = await policies.get(
			project.id,
			pathId(req.params.id, "webhook_policy_id"),
		);
		const page = parsePage(req);
		const { items, total } = await executions.list(
			p.id,
			parseSort(req.query.sort, sortKeys),
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, items, total, page);
	});

	router.get(
		`${base}/policies/:id/executions/:execution_id/tasks`,
		async (req, res) => {
			const { project } = await guard(req, "read");
			const p = await policies.get(
				project.id,
				pathId(req.params.id, "webhook_policy_id"),
			);
			const page = parsePage(req);
			const { items, total } = await executions.tasks(
				p.id,
				pathId(req.params.execution_id, "execution_id"),
				page.pageSize,
				page.offset,
			);
			sendPage(req, res, items, total, page);
		},
	);

	router.get(
		`${base}/policies/:id/executions/:execution_id/tasks/:task_id/log`,
		async (req, res) => {
			const { project } = await guard(req, "read");
			const p = await policies.get(
				project.id,
				pathId(req.params.id, "webhook_policy_id"),
			);
			const log = await executions.log(
				p.id,
				pathId(req.params.execution_id, "execution_id"),
				integerParam(req.params.task_id, "task_id", 1, maxId),
			);
			res.type("text/plain; charset=utf-8").send(log);
		},
	);

	router.get(`${base}/lasttrigger`, async (req, res) => {
		const { project } = await guard(req, "list");
		const [all, last] = await Promise.all([
			deps.webhooks.allPolicies(project.id),
			deps.webhooks.lastTriggers(project.id),
		]);
		const at = new Map(
			last.map((l) => [`${l.policy_id} ${l.event_type}`, String(l.last)]),
		);
		res.json(
			all.flatMap((p) =>
				(JSON.parse(p.event_types) as string[]).map((event_type) => ({
					policy_name: p.name,
					event_type,
					enabled: p.enabled === 1,
					creation_time: p.creation_time,
					...(at.has(`${p.id} ${event_type}`)
						? { last_trigger_time: at.get(`${p.id} ${event_type}`) }
						: {}),
				})),
			),
		);
	});

	// Harbor's legacy deliveries list (deprecated in 2.x, still called by clients): one row per target's delivery.
	router.get(`${base}/jobs`, async (req, res) => {
		const { project } = await guard(req, "list");
		const q = parseWith(
			z
				.object({
					policy_id: z
						.string({ message: "policy_id is required" })
						.regex(/^\d{1,10}$/, "policy_id must be an integer")
						.transform(Number),
					status: z.string().max(32).optional(),
				})
				.passthrough(),
			req.query,
		);
		const p = await policies.get(project.id, q.policy_id);
		const page = parsePage(req);
		const { rows, total } = await deps.webhooks.jobsOf(
			p.id,
			q.status,
			page.pageSize,
			page.offset,
		);
		sendPage(
			req,
			res,
			rows.map((j) => ({
				id: j.id,
				policy_id: p.id,
				event_type: j.event_type,
				notify_type: (JSON.parse(j.target) as { type: string }).type,
				status: j.status,
				job_detail: (JSON.parse(j.payload) as { body: string }).body,
				creation_time: j.creation_time,
				update_time: j.update_time,
			})),
			total,
			page,
		);
	});

	router.get(`${base}/events`, async (req, res) => {
		await guard(req, "list");
		res.json({
			event_type: [...eventTypes],
			notify_type: [...notifyTypes],
			payload_formats: notifyTypes.map((t) => ({
				notify_type: t,
				formats: formatsOf[t],
			})),
		});
	});

	return router;
}
