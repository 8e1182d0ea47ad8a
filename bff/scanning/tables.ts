import type { Generated } from "kysely";
import type { RunsTable } from "../jobs/runs/tables.ts";

/** Scanning's tables (migration 0023). Times are ISO-8601 UTC strings, as everywhere. */
export interface ScannerRegistrationsTable {
	id: Generated<number>;
	uuid: string;
	name: string;
	description: string;
	url: string;
	/** Harbor's `auth`: '', Basic, Bearer or X-ScannerAdapter-API-Key. */
	auth: string;
	/** Sealed under the master key; never answered. */
	access_credential: string | null;
	skip_cert_verify: number;
	use_internal_addr: number;
	disabled: number;
	/** 1 on the system default, else null. */
	is_default: number | null;
	/** The adapter's metadata (JSON) as it last answered it. */
	metadata: string | null;
	creation_time: string;
	update_time: string;
}

export interface ProjectScannersTable {
	project_id: number;
	registration_id: number;
}

export type ScanStatus =
	| "Pending"
	| "Running"
	| "Success"
	| "Error"
	| "Stopped";

export interface ScanReportsTable {
	id: Generated<number>;
	/** Harbor's report_id. */
	uuid: string;
	artifact_id: number;
	registration_uuid: string;
	mime_type: string;
	status: ScanStatus;
	job_id: string | null;
	/** The adapter's id for the scan request. */
	scan_request_id: string | null;
	/** JSON: the scanner's name, vendor and version. */
	scanner: string | null;
	/** JSON: the report as the adapter sent it. */
	report: string | null;
	/** The highest severity found (Harbor's words: None, Unknown, Low, Medium, High, Critical). */
	severity: string;
	total: number;
	fixable: number;
	/** JSON: vulnerabilities by severity. */
	counts: string;
	log: string;
	start_time: string;
	end_time: string | null;
	/** The "scan all" run that asked for this scan, if one did. */
	execution_id: Generated<number | null>;
}

/** The history of "scan all" runs (Harbor's scanAll executions): the shared run columns and the scans it asked for. */
export interface ScanAllRunsTable extends RunsTable {
	requested: Generated<number>;
}
