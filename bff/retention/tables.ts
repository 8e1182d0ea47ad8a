import type { Generated } from "kysely";

/** Tag retention's tables (migration 0019). Times are ISO-8601 UTC strings, as everywhere. */
export interface RetentionPoliciesTable {
	id: Generated<number>;
	project_id: number;
	/** Harbor's rules as JSON (RetentionRule[]), validated and in canonical form. */
	rules: string;
	/** Harbor's trigger as JSON ({kind: "Schedule", settings: {cron}}); an empty cron schedules nothing. */
	trigger: string;
	creation_time: string;
	update_time: string;
}

/** Harbor's execution statuses, as its console shows them. */
export type RetentionStatus =
	| "Pending"
	| "Running"
	| "Succeed"
	| "Failed"
	| "Stopped";

export interface RetentionExecutionsTable {
	id: Generated<number>;
	policy_id: number;
	job_id: string | null;
	status: RetentionStatus;
	/** MANUAL or SCHEDULE. */
	trigger: string;
	dry_run: number;
	start_time: string;
	end_time: string | null;
}

export interface RetentionTasksTable {
	id: Generated<number>;
	execution_id: number;
	repository: string;
	status: RetentionStatus;
	/** Artifacts looked at, and how many of them were kept. */
	total: Generated<number>;
	retained: Generated<number>;
	/** The table of every artifact with its tags and RETAIN or DEL, and why. */
	log: Generated<string>;
	start_time: string;
	end_time: string | null;
}
