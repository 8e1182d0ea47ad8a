import type { AuditPurge } from "../audit/purge.ts";
import type { ProjectAccess } from "../auth/project-access.ts";
import type { SecretBox } from "../auth/secrets.ts";
import type { UserService } from "../auth/users.ts";
import type { Config } from "../config.ts";
import type { AuditSink, WriteGuard } from "../core/access.ts";
import type { ManifestService } from "../core/manifests.ts";
import type { StorageDriver } from "../core/storage/driver.ts";
import type { RegistryStore } from "../core/store.ts";
import type { Db } from "../db/database.ts";
import type { ArtifactEventSink } from "../events/artifact-events.ts";
import type { Gc } from "../gc/gc.ts";
import type { Jobs } from "../jobs/jobs.ts";
import type { Retention } from "../retention/retention.ts";
import type { OsvStore } from "../scanning/builtin/osv-store.ts";
import type { ScanAll } from "../scanning/scan-all.ts";
import type { Scanning } from "../scanning/scanning.ts";
import type { SettingsCache } from "./configurations/settings-cache.ts";
import type { ImmutableTags } from "./immutable/immutable-tags.ts";
import type { RegistryService } from "./registries/service.ts";
import type { Replication } from "./replication/replication.ts";
import type { Webhooks } from "./webhooks/webhooks.ts";

/** What every /api/v2.0 router may be built from (main.ts wires them; tests build them the same way). */
export type ApiDeps = {
	config: Config;
	db: Db;
	users: UserService;
	access: ProjectAccess;
	audit: AuditSink;
	store: RegistryStore;
	manifests: ManifestService;
	storage: StorageDriver;
	/** Read-only mode and quotas, as the core applies them to pushes (the API's copies obey them too). */
	guard: WriteGuard;
	/** Seals secrets at rest (configuration secrets). */
	box: SecretBox;
	/** The system settings as request paths read them (short-lived copy, dropped on PUT /configurations). */
	settings: SettingsCache;
	/** The job system: routes enqueue and report; nothing long runs inside a request. */
	jobs: Jobs;
	/** Registry endpoints, with their live adapters (the background health check shares them). */
	registries: RegistryService;
	/** Replication policies and executions (their jobs and event trigger run beside the API). */
	replication: Replication;
	/** Artifact events (pushes and deletions) for subscribers; the API emits the deletions it makes. */
	events: ArtifactEventSink;
	/** Garbage collection: its job type, history and schedule. */
	gc: Gc;
	/** The audit-log purge: its job type, history and schedule (the same shape as GC's). */
	auditPurge: AuditPurge;
	/** The projects' immutable tag rules as `guard` applies them; the rules' API drops a project's copy on change. */
	immutableTags: ImmutableTags;
	/** Webhook policies, their deliveries and the event trigger that queues them. */
	webhooks: Webhooks;
	/** The server's log level, changeable while it runs (GET/PUT /api/console/log-level). */
	logLevel: {
		get(): string;
		set(level: string): void;
		changed(change: { from: string; to: string; by: string }): void;
	};
	/** Asks the registry core for an answer when it runs in processes of its own (WHARF_CORE_TRANSPORT=proxy). */
	coreProbe?: () => Promise<void>;
	/** Tag retention: policies, their executions (RETENTION jobs) and schedules. */
	retention: Retention;
	/** Vulnerability scans through the projects' scanners (IMAGE_SCAN jobs), their reports and overviews. */
	scanning: Scanning;
	/** "Scan all": its job type, history and schedule. */
	scanAll: ScanAll;
	/** The built-in scanner's OSV database: its status, imports and where downloads come from. */
	osv: OsvStore;
};
