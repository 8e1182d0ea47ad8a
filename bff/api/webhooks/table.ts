import type { Generated } from "kysely";

/** Harbor's task statuses as its execution API shows them. */
export type WebhookStatus =
	| "Pending"
	| "Running"
	| "Success"
	| "Error"
	| "Stopped";

/** `webhook_policies` (migration 0017). */
export interface WebhookPoliciesTable {
	id: Generated<number>;
	project_id: number;
	name: string;
	description: string;
	enabled: number;
	/** JSON array of Harbor event types. */
	event_types: string;
	/** JSON array of StoredTarget. */
	targets: string;
	creator: string;
	creation_time: string;
	update_time: string;
}

export interface WebhookExecutionsTable {
	id: Generated<number>;
	policy_id: number;
	event_type: string;
	status: WebhookStatus;
	start_time: string;
	end_time: string | null;
}

export interface WebhookTasksTable {
	id: Generated<number>;
	execution_id: number;
	status: WebhookStatus;
	status_text: string;
	job_id: string | null;
	run_count: Generated<number>;
	/** JSON StoredTarget. */
	target: string;
	/** JSON: Harbor's Default payload. */
	payload: string;
	creation_time: string;
	update_time: string;
	start_time: string | null;
	end_time: string | null;
}
