import { useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams, pageQuery } from "./list-placeholder.ts";

/** Harbor's WebhookTargetObject; a saved auth header comes back as `******` (sent back, it keeps the saved one). */
export type WebhookTarget = {
	type: "http" | "slack";
	address: string;
	auth_header?: string;
	skip_cert_verify: boolean;
	payload_format: "Default" | "CloudEvents";
};

export type WebhookPolicy = {
	id: number;
	name: string;
	description: string;
	project_id: number;
	targets: WebhookTarget[];
	event_types: string[];
	creator: string;
	creation_time: string;
	update_time: string;
	enabled: boolean;
};

export type WebhookPolicyInput = Pick<
	WebhookPolicy,
	"name" | "description" | "targets" | "event_types" | "enabled"
>;

export type WebhookLastTrigger = {
	policy_name: string;
	event_type: string;
	enabled: boolean;
	creation_time: string;
	last_trigger_time?: string;
};

export type WebhookEvents = {
	event_type: string[];
	notify_type: string[];
	payload_formats: { notify_type: string; formats: string[] }[];
};

export type WebhookStatus =
	| "Pending"
	| "Running"
	| "Success"
	| "Error"
	| "Stopped";

/** Harbor's Execution of vendor WEBHOOK: one event sent to one policy. */
export type WebhookExecution = {
	id: number;
	status: WebhookStatus | string;
	trigger: string;
	extra_attrs: { event_type?: string };
	metrics: {
		task_count: number;
		success_task_count: number;
		error_task_count: number;
		pending_task_count: number;
		running_task_count: number;
	};
	start_time: string;
	end_time?: string;
};

/** Harbor's Task: one target's delivery of the event. */
export type WebhookTask = {
	id: number;
	execution_id: number;
	status: WebhookStatus | string;
	status_message: string;
	run_count: number;
	extra_attrs: {
		notify_type?: string;
		address?: string;
		payload_format?: string;
		payload?: string;
	};
	start_time?: string;
	end_time?: string;
};

const base = (project: string | number) =>
	`/api/v2.0/projects/${encodeURIComponent(String(project))}/webhook`;

export const webhookKeys = {
	all: ["webhooks"] as const,
	policies: (projectId: number, p: PageParams) =>
		["webhooks", projectId, "policies", p] as const,
	lastTriggers: (projectId: number) =>
		["webhooks", projectId, "last-triggers"] as const,
	events: (projectId: number) => ["webhooks", projectId, "events"] as const,
	executions: (projectId: number, policyId: number, p: PageParams) =>
		["webhooks", projectId, "executions", policyId, p] as const,
	tasks: (projectId: number, policyId: number, executionId: number) =>
		["webhooks", projectId, "tasks", policyId, executionId] as const,
	log: (
		projectId: number,
		policyId: number,
		executionId: number,
		taskId: number,
	) => ["webhooks", projectId, "log", policyId, executionId, taskId] as const,
};

/** Deliveries finish on their own: lists with one still running refresh every few seconds. */
const liveInterval = 2000;
const whileRunning = (items: { status: string }[] | undefined) =>
	items?.some((i) => i.status === "Pending" || i.status === "Running")
		? liveInterval
		: false;

export const usePolicies = (projectId: number, p: PageParams) =>
	useQuery(
		listQuery(
			webhookKeys.policies(projectId, p),
			() =>
				api.page<WebhookPolicy>(
					`${base(projectId)}/policies${query(pageQuery(p))}`,
				),
			[],
		),
	);

export const useLastTriggers = (projectId: number) =>
	useQuery({
		queryKey: webhookKeys.lastTriggers(projectId),
		queryFn: () =>
			api.get<WebhookLastTrigger[]>(`${base(projectId)}/lasttrigger`),
		refetchInterval: 10_000,
	});

export const useWebhookEvents = (projectId: number) =>
	useQuery({
		queryKey: webhookKeys.events(projectId),
		queryFn: () => api.get<WebhookEvents>(`${base(projectId)}/events`),
		staleTime: 300_000,
	});

/** A policy's executions, newest first; watched, since events start them at any time. */
export const useExecutions = (
	projectId: number,
	policyId: number,
	p: PageParams,
) =>
	useQuery({
		...listQuery(
			webhookKeys.executions(projectId, policyId, p),
			() =>
				api.page<WebhookExecution>(
					`${base(projectId)}/policies/${policyId}/executions${query(pageQuery(p))}`,
				),
			[],
		),
		refetchInterval: (q) => whileRunning(q.state.data?.items) || 5000,
	});

export const useTasks = (
	projectId: number,
	policyId: number,
	executionId: number,
) =>
	useQuery({
		queryKey: webhookKeys.tasks(projectId, policyId, executionId),
		queryFn: () =>
			api.page<WebhookTask>(
				`${base(projectId)}/policies/${policyId}/executions/${executionId}/tasks?page_size=100`,
			),
		refetchInterval: (q) => whileRunning(q.state.data?.items),
	});

export const useTaskLog = (
	projectId: number,
	policyId: number,
	executionId: number,
	taskId: number,
	running: boolean,
) =>
	useQuery({
		queryKey: webhookKeys.log(projectId, policyId, executionId, taskId),
		queryFn: () =>
			api.text(
				`${base(projectId)}/policies/${policyId}/executions/${executionId}/tasks/${taskId}/log`,
			),
		refetchInterval: running ? liveInterval : false,
	});

const useWebhookMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [webhookKeys.all]);

export const useCreatePolicy = () =>
	useWebhookMutation((v: { projectId: number; input: WebhookPolicyInput }) =>
		api.send("POST", `${base(v.projectId)}/policies`, v.input),
	);
export const useUpdatePolicy = () =>
	useWebhookMutation(
		(v: { projectId: number; id: number; input: WebhookPolicyInput }) =>
			api.send("PUT", `${base(v.projectId)}/policies/${v.id}`, v.input),
	);
/** Wharf beyond Harbor: sends a TEST event to the policy's targets now; answers its execution. */
export const useTestPolicy = () =>
	useWebhookMutation((v: { projectId: number; id: number }) =>
		api.send<{ execution_id: number }>(
			"POST",
			`${base(v.projectId)}/policies/${v.id}/test`,
		),
	);
export const useDeletePolicy = () =>
	useWebhookMutation((v: { projectId: number; id: number }) =>
		api.send("DELETE", `${base(v.projectId)}/policies/${v.id}`),
	);
