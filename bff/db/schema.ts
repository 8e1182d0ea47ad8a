import type { Generated } from "kysely";

/** Times are ISO-8601 UTC strings on both engines, so they sort and compare the same way. Booleans are 0/1. */
export interface UsersTable {
	id: Generated<number>;
	username: string;
	email: string | null;
	realname: string;
	comment: string;
	password_hash: string;
	sysadmin: number;
	disabled: number;
	/** The user's DN in LDAP when they sign in there (migration 0022), else null. */
	ldap_dn: Generated<string | null>;
	/** The user groups (ids, JSON) and admin-group standing their last sign-in through a directory found. */
	group_ids: Generated<string>;
	group_admin: Generated<number>;
	creation_time: string;
	update_time: string;
}

export interface ProjectsTable {
	id: Generated<number>;
	name: string;
	owner_id: number;
	public: number;
	/** The registry endpoint a proxy-cache project pulls through; null for an ordinary project. */
	registry_id: number | null;
	creation_time: string;
	update_time: string;
}

export interface ProjectMetadataTable {
	project_id: number;
	name: string;
	value: string;
}

export interface MembersTable {
	id: Generated<number>;
	project_id: number;
	/** 'u' for a user, 'g' for a group (as Harbor). */
	entity_type: string;
	entity_id: number;
	role: number;
	creation_time: string;
	update_time: string;
}

export interface RepositoriesTable {
	id: Generated<number>;
	project_id: number;
	name: string;
	description: string;
	pull_count: number;
	creation_time: string;
	update_time: string;
}

export interface BlobsTable {
	digest: string;
	size: number;
	media_type: string;
	creation_time: string;
	/** 1 while garbage collection deletes it (bff/gc): readers see no such blob, writers are refused. */
	deleting: Generated<number>;
}

export interface ProjectBlobsTable {
	project_id: number;
	digest: string;
	creation_time: string;
}

export interface RepositoryBlobsTable {
	repository_id: number;
	digest: string;
	linked_at: string;
}

export interface ArtifactsTable {
	id: Generated<number>;
	project_id: number;
	repository_id: number;
	digest: string;
	/** Harbor's `type`: IMAGE, CHART, CNAB, SIGNATURE, SBOM, UNKNOWN… */
	type: string;
	/** The config's media type (Harbor's `media_type`). */
	media_type: string;
	manifest_media_type: string;
	artifact_type: string | null;
	size: number;
	subject_digest: string | null;
	annotations: string | null;
	push_time: string;
	pull_time: string | null;
	/** 1 when in Harbor's default artifact collection; derived, see bff/core/top-level.ts. */
	top_level: Generated<number>;
}

export interface ArtifactReferencesTable {
	parent_id: number;
	child_id: number;
	child_digest: string;
	platform: string | null;
	annotations: string | null;
}

export interface ArtifactBlobsTable {
	artifact_id: number;
	digest: string;
}

export interface TagsTable {
	id: Generated<number>;
	repository_id: number;
	artifact_id: number;
	name: string;
	push_time: string;
	pull_time: string | null;
}

export interface UploadsTable {
	id: string;
	repository_id: number;
	principal: string;
	offset: number;
	/** Bytes this upload holds in its project's quota (at least `offset` while it is written). */
	reserved: Generated<number>;
	hash_algorithm: string;
	lease_token: string | null;
	lease_until: string | null;
	creation_time: string;
	last_activity: string;
}

export interface SigningKeysTable {
	kid: string;
	private_key: string;
	creation_time: string;
}

export interface SessionsTable {
	id_hash: string;
	user_id: number;
	csrf_token: string;
	expires_at: string;
	creation_time: string;
}

export interface AuditLogsTable {
	id: Generated<number>;
	project_id: number;
	username: string;
	resource: string;
	resource_type: string;
	operation: string;
	op_time: string;
	/** What changed, when the operation does not say (`sysadmin_flag: false → true`); migration 0025. */
	description: string | null;
}

export interface Database {
	users: UsersTable;
	projects: ProjectsTable;
	project_metadata: ProjectMetadataTable;
	members: MembersTable;
	repositories: RepositoriesTable;
	blobs: BlobsTable;
	project_blobs: ProjectBlobsTable;
	repository_blobs: RepositoryBlobsTable;
	artifacts: ArtifactsTable;
	artifact_references: ArtifactReferencesTable;
	artifact_blobs: ArtifactBlobsTable;
	tags: TagsTable;
	uploads: UploadsTable;
	signing_keys: SigningKeysTable;
	sessions: SessionsTable;
	audit_logs: AuditLogsTable;
	robots: import("../auth/robots-table.ts").RobotsTable;
	labels: import("../api/labels/table.ts").LabelsTable;
	artifact_labels: import("../api/labels/table.ts").ArtifactLabelsTable;
	settings: import("../api/configurations/table.ts").SettingsTable;
	quotas: import("../api/quotas/table.ts").QuotasTable;
	cve_allowlists: import("../api/cve-allowlists/table.ts").CveAllowlistsTable;
	jobs: import("../jobs/tables.ts").JobsTable;
	job_logs: import("../jobs/tables.ts").JobLogsTable;
	job_queues: import("../jobs/tables.ts").JobQueuesTable;
	job_pools: import("../jobs/tables.ts").JobPoolsTable;
	schedules: import("../jobs/tables.ts").SchedulesTable;
	registries: import("../api/registries/table.ts").RegistriesTable;
	proxy_tag_checks: import("../proxy-cache/table.ts").ProxyTagChecksTable;
	replication_policies: import("../api/replication/table.ts").ReplicationPoliciesTable;
	replication_executions: import("../api/replication/table.ts").ReplicationExecutionsTable;
	replication_tasks: import("../api/replication/table.ts").ReplicationTasksTable;
	blob_pins: import("../gc/tables.ts").BlobPinsTable;
	gc_candidates: import("../gc/tables.ts").GcCandidatesTable;
	gc_runs: import("../gc/tables.ts").GcRunsTable;
	purge_runs: import("../audit/tables.ts").PurgeRunsTable;
	immutable_tag_rules: import("../api/immutable/table.ts").ImmutableTagRulesTable;
	webhook_policies: import("../api/webhooks/table.ts").WebhookPoliciesTable;
	webhook_executions: import("../api/webhooks/table.ts").WebhookExecutionsTable;
	webhook_tasks: import("../api/webhooks/table.ts").WebhookTasksTable;
	retention_policies: import("../retention/tables.ts").RetentionPoliciesTable;
	retention_executions: import("../retention/tables.ts").RetentionExecutionsTable;
	retention_tasks: import("../retention/tables.ts").RetentionTasksTable;
	user_groups: import("../auth/user-groups-table.ts").UserGroupsTable;
	oidc_users: import("../auth/oidc-users-table.ts").OidcUsersTable;
	scanner_registrations: import("../scanning/tables.ts").ScannerRegistrationsTable;
	project_scanners: import("../scanning/tables.ts").ProjectScannersTable;
	scan_reports: import("../scanning/tables.ts").ScanReportsTable;
	scan_all_runs: import("../scanning/tables.ts").ScanAllRunsTable;
	osv_advisories: import("../scanning/builtin/tables.ts").OsvAdvisoriesTable;
	osv_affected: import("../scanning/builtin/tables.ts").OsvAffectedTable;
	osv_imports: import("../scanning/builtin/tables.ts").OsvImportsTable;
	osv_settings: import("../scanning/builtin/tables.ts").OsvSettingsTable;
}
