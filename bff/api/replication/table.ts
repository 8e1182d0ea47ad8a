import type { Generated } from "kysely";

/** Harbor's statuses as its API shows them: executions InProgress|Succeed|Failed|Stopped, tasks also Pending. */
export type ExecutionStatus = "InProgress" | "Succeed" | "Failed" | "Stopped";
export type TaskStatus =
	| "Pending"
	| "InProgress"
	| "Succeed"
	| "Failed"
	| "Stopped";

/** `replication_policies` (migration 0013). Exactly one of the registry ids is set: src (pull) or dest (push). */
export interface ReplicationPoliciesTable {
	id: Generated<number>;
	name: string;
	description: string;
	src_registry_id: number | null;
	dest_registry_id: number | null;
	dest_namespace: string;
	dest_namespace_replace_count: number;
	/** manual, scheduled or event_based. */
	trigger_type: string;
	/** Harbor's 6-field cron for a scheduled trigger. */
	cron: string | null;
	/** JSON array of ReplicationFilter. */
	filters: string;
	replicate_deletion: number;
	override: number;
	enabled: number;
	/** KB/s per task, -1 unlimited. */
	speed: number;
	copy_by_chunk: number;
	creation_time: string;
	update_time: string;
}

export interface ReplicationExecutionsTable {
	id: Generated<number>;
	policy_id: number;
	status: ExecutionStatus;
	/** manual, scheduled or event_based. */
	trigger: string;
	status_text: string;
	job_id: string | null;
	enumerated: Generated<number>;
	stop_requested: Generated<number>;
	start_time: string;
	end_time: string | null;
}

export interface ReplicationTasksTable {
	id: Generated<number>;
	execution_id: number;
	status: TaskStatus;
	status_text: string;
	job_id: string | null;
	/** copy or deletion. */
	operation: string;
	/** image, chart or artifact (what Harbor's console shows). */
	resource_type: string;
	src_resource: string;
	dst_resource: string;
	src_repository: string;
	dst_repository: string;
	digest: string;
	/** JSON array. */
	tags: string;
	creation_time: string;
	start_time: string | null;
	end_time: string | null;
}
