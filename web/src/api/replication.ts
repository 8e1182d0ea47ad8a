import {
	queryOptions,
	useMutation,
	useQuery,
	useQueryClient,
} from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams, pageQuery } from "./list-placeholder.ts";
import type { Registry } from "./registries.ts";

/** Harbor's ReplicationFilter: name and tag globs, label names, resource type; `excludes` inverts tag and label. */
export type ReplicationFilter = {
	type: "name" | "tag" | "label" | "resource";
	value: string | string[];
	decoration?: "matches" | "excludes";
};

export type TriggerType = "manual" | "scheduled" | "event_based";

/** Harbor's ReplicationPolicy. The local side is absent (or Harbor's id-0 "Local" registry); the other is the endpoint. */
export type ReplicationPolicy = {
	id: number;
	name: string;
	description: string;
	src_registry?: (Pick<Registry, "id" | "name"> & Partial<Registry>) | null;
	dest_registry?: (Pick<Registry, "id" | "name"> & Partial<Registry>) | null;
	dest_namespace: string;
	dest_namespace_replace_count?: number | null;
	trigger: {
		type: TriggerType;
		trigger_settings?: { cron?: string } | null;
	} | null;
	filters: ReplicationFilter[] | null;
	replicate_deletion: boolean;
	override: boolean;
	enabled: boolean;
	speed?: number | null;
	copy_by_chunk?: boolean | null;
	creation_time: string;
	update_time: string;
};

/** What create and update send: the policy without its id and times, the remote side as `{ id }`. */
export type ReplicationPolicyInput = Omit<
	ReplicationPolicy,
	"id" | "creation_time" | "update_time" | "src_registry" | "dest_registry"
> & {
	src_registry?: { id: number };
	dest_registry?: { id: number };
};

export type ExecutionStatus = "InProgress" | "Succeed" | "Failed" | "Stopped";

/** Harbor's ReplicationExecution: its status and its tasks counted by status. */
export type ReplicationExecution = {
	id: number;
	policy_id: number;
	status: ExecutionStatus | string;
	trigger: string;
	start_time: string;
	end_time?: string | null;
	status_text?: string;
	total: number;
	failed: number;
	succeed: number;
	in_progress: number;
	stopped: number;
};

/** Harbor's ReplicationTask: one resource copied (or deleted) by one job. */
export type ReplicationTask = {
	id: number;
	execution_id: number;
	status: "Pending" | "InProgress" | "Succeed" | "Failed" | "Stopped" | string;
	job_id: string;
	operation: string;
	resource_type: string;
	src_resource: string;
	dst_resource: string;
	start_time?: string | null;
	end_time?: string | null;
};

/** Harbor's RegistryInfo: what an endpoint can filter on and which triggers it supports. */
export type RegistryInfo = {
	type: string;
	description?: string;
	supported_resource_filters: {
		type: string;
		style: string;
		values?: string[];
	}[];
	supported_triggers: string[];
	supported_copy_by_chunk?: boolean;
};

export type PolicyListParams = PageParams & { name?: string };
export type ExecutionListParams = PageParams & { policyId: number };
export type TaskListParams = PageParams & { executionId: number };

export const replicationKeys = {
	all: ["replication"] as const,
	policies: (p: PolicyListParams) => ["replication", "policies", p] as const,
	policy: (id: number) => ["replication", "policy", id] as const,
	executions: (p: ExecutionListParams) =>
		["replication", "executions", p] as const,
	lastExecution: (policyId: number) =>
		["replication", "last-execution", policyId] as const,
	tasks: (p: TaskListParams) => ["replication", "tasks", p] as const,
	log: (executionId: number, taskId: number) =>
		["replication", "log", executionId, taskId] as const,
	registryInfo: (id: number) => ["replication", "registry-info", id] as const,
};

/** Work in progress moves on its own: its lists refresh every few seconds until nothing is running. */
export const liveInterval = 2000;
/** A rule with a schedule or an event trigger starts runs by itself: its executions are looked for now and then. */
export const watchInterval = 5000;
const running = new Set(["InProgress", "Pending", "Running", "Scheduled"]);
export const isRunning = (status: string) => running.has(status);
/** A live list's refetch interval: every few seconds while any of its items runs, else none. */
export const whileAnyRunning = (items: { status: string }[] | undefined) =>
	items?.some((i) => isRunning(i.status)) ? liveInterval : false;

export const getPolicies = (p: PolicyListParams) =>
	api.page<ReplicationPolicy>(
		`/api/v2.0/replication/policies${query({ ...pageQuery(p), name: p.name })}`,
	);
export const policiesQuery = (p: PolicyListParams) =>
	listQuery(replicationKeys.policies(p), () => getPolicies(p), ["name"]);
export const usePolicies = (p: PolicyListParams) => useQuery(policiesQuery(p));

/** One rule by id: the rule a link selects, also when the list's page or search does not show it. */
export const usePolicy = (id: number | null) =>
	useQuery({
		queryKey: replicationKeys.policy(id ?? 0),
		queryFn: () =>
			api.get<ReplicationPolicy>(`/api/v2.0/replication/policies/${id}`),
		enabled: id !== null,
	});

export const getExecutions = (p: ExecutionListParams) =>
	api.page<ReplicationExecution>(
		`/api/v2.0/replication/executions${query({ ...pageQuery(p), policy_id: p.policyId })}`,
	);
/** A rule's executions, live while one runs; `selfStarting` (scheduled or event based): new ones are looked for too. */
export const useExecutions = (p: ExecutionListParams, selfStarting: boolean) =>
	useQuery({
		...listQuery(replicationKeys.executions(p), () => getExecutions(p), []),
		refetchInterval: (q) =>
			whileAnyRunning(q.state.data?.items) ||
			(selfStarting ? watchInterval : false),
	});

/** A rule's newest execution (or none), for the rules list; refreshed while it runs, or watched as `useExecutions`. */
export const useLastExecution = (policyId: number, selfStarting: boolean) =>
	useQuery({
		queryKey: replicationKeys.lastExecution(policyId),
		queryFn: async () =>
			(
				await getExecutions({
					policyId,
					page: 1,
					pageSize: 1,
					sort: "-start_time",
				})
			).items[0] ?? null,
		refetchInterval: (q) =>
			whileAnyRunning(q.state.data ? [q.state.data] : undefined) ||
			(selfStarting ? watchInterval : false),
	});

/** Whether a rule starts runs by itself (a schedule, or pushes and deletions), so its executions appear unasked. */
export const startsByItself = (
	p: Pick<ReplicationPolicy, "enabled" | "trigger">,
) => p.enabled && (p.trigger?.type ?? "manual") !== "manual";

export const getTasks = (p: TaskListParams) =>
	api.page<ReplicationTask>(
		`/api/v2.0/replication/executions/${p.executionId}/tasks${query(pageQuery(p))}`,
	);
export const useTasks = (p: TaskListParams, executionRunning: boolean) =>
	useQuery({
		...listQuery(replicationKeys.tasks(p), () => getTasks(p), []),
		refetchInterval: (q) =>
			executionRunning ? liveInterval : whileAnyRunning(q.state.data?.items),
	});

export const getTaskLog = (executionId: number, taskId: number) =>
	api.text(
		`/api/v2.0/replication/executions/${executionId}/tasks/${taskId}/log`,
	);
export const useTaskLog = (
	executionId: number,
	taskId: number,
	taskRunning: boolean,
) =>
	useQuery({
		queryKey: replicationKeys.log(executionId, taskId),
		queryFn: () => getTaskLog(executionId, taskId),
		refetchInterval: taskRunning ? liveInterval : false,
	});

export const registryInfoQuery = (id: number) =>
	queryOptions({
		queryKey: replicationKeys.registryInfo(id),
		queryFn: () => api.get<RegistryInfo>(`/api/v2.0/registries/${id}/info`),
		staleTime: 60_000,
	});
export const useRegistryInfo = (id: number | null) =>
	useQuery({ ...registryInfoQuery(id ?? 0), enabled: id !== null && id > 0 });

export const createPolicy = (p: ReplicationPolicyInput) =>
	api.send("POST", "/api/v2.0/replication/policies", p);
export const updatePolicy = (id: number, p: ReplicationPolicyInput) =>
	api.send("PUT", `/api/v2.0/replication/policies/${id}`, p);
/** Answers 412 while an execution of the rule runs. */
export const deletePolicy = (id: number) =>
	api.send("DELETE", `/api/v2.0/replication/policies/${id}`);
export const startExecution = (policyId: number) =>
	api.send("POST", "/api/v2.0/replication/executions", { policy_id: policyId });
export const stopExecution = (id: number) =>
	api.send("PUT", `/api/v2.0/replication/executions/${id}`);
/** Wharf beyond Harbor: re-runs only the execution's failed tasks; answers how many. */
export const retryFailedTasks = (id: number) =>
	api.send<{ retried: number }>(
		"POST",
		`/api/v2.0/replication/executions/${id}/retry`,
	);

const useReplicationMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [replicationKeys.all]);

export const useCreatePolicy = () => useReplicationMutation(createPolicy);
export const useUpdatePolicy = () =>
	useReplicationMutation((v: { id: number; input: ReplicationPolicyInput }) =>
		updatePolicy(v.id, v.input),
	);
export function useDeletePolicy() {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: deletePolicy,
		// The deleted rule's own queries would only answer 404 or nothing now: drop them at once rather than ask again.
		onSuccess: (_, id) => {
			const own = (key: readonly unknown[]) =>
				key[1] === "policy" || key[1] === "last-execution"
					? key[2] === id
					: key[1] === "executions" &&
						(key[2] as ExecutionListParams).policyId === id;
			qc.removeQueries({
				queryKey: replicationKeys.all,
				predicate: (q) => own(q.queryKey),
			});
			return qc.invalidateQueries({ queryKey: replicationKeys.all });
		},
	});
}
export const useStartExecution = () => useReplicationMutation(startExecution);
export const useStopExecution = () => useReplicationMutation(stopExecution);
export const useRetryFailedTasks = () =>
	useReplicationMutation(retryFailedTasks);
