import type { Logger } from "pino";
import type { UserService } from "../../auth/users.ts";
import type { AuditSink } from "../../core/access.ts";
import type { Db } from "../../db/database.ts";
import type { ArtifactEvents } from "../../events/artifact-events.ts";
import type { ProjectEventSink } from "../../events/project-events.ts";
import type { Jobs } from "../../jobs/jobs.ts";
import type { V2Client } from "../../replication/v2-client.ts";
import { ApiError } from "../errors.ts";
import { createProjectService } from "../projects/service.ts";
import type { RegistryService } from "../registries/service.ts";
import { createEchoGuard, startEventTrigger } from "./event-trigger.ts";
import { createExecutionService, type TaskRetry } from "./executions.ts";
import { createPolicyService } from "./policies.ts";
import { registerReplicationJobs } from "./replication-jobs.ts";
import { createReplicationStore } from "./store.ts";

/**
 * Replication wired from its parts (the composition root calls this once): policies, executions, the two job types,
 * and the event-based trigger subscribed to the core's artifact events.
 */
export function createReplication(deps: {
	db: Db;
	jobs: Jobs;
	registries: RegistryService;
	audit: AuditSink;
	users: UserService;
	logger: Logger;
	events: ArtifactEvents;
	/** Where an execution's end is told (REPLICATION webhooks). */
	projectEvents?: ProjectEventSink;
	/** This Wharf's own /v2 client, known once it listens. */
	local(): V2Client;
	retry: TaskRetry;
	taskConcurrency: number;
}) {
	const store = createReplicationStore(deps.db, (executionId, status) =>
		deps.projectEvents?.emit({ type: "replication", executionId, status }),
	);
	const policies = createPolicyService({
		store,
		registries: deps.registries,
		schedules: deps.jobs.schedules,
		audit: deps.audit,
	});
	const executions = createExecutionService({
		store,
		policies,
		jobs: deps.jobs,
		retry: deps.retry,
	});
	const echoes = createEchoGuard();
	const projects = createProjectService({
		db: deps.db,
		audit: deps.audit,
		users: deps.users,
		registries: deps.registries,
	});

	/** A pull's local destination project, made private and owned by admin when missing (as Harbor makes it). */
	async function ensureLocalProject(name: string) {
		if (await projects.exists(name)) return;
		const admin = (await deps.users.byName("admin"))!;
		await projects
			.create(
				{ kind: "user", id: admin.id, name: admin.username, sysadmin: true },
				{ project_name: name },
			)
			.catch((e: unknown) => {
				if (!(e instanceof ApiError && e.code === "CONFLICT")) throw e;
			});
	}

	registerReplicationJobs({
		db: deps.db,
		store,
		executions,
		registries: deps.registries,
		jobs: deps.jobs,
		logger: deps.logger,
		retry: deps.retry,
		taskConcurrency: deps.taskConcurrency,
		local: deps.local,
		ensureLocalProject,
		echoes,
	});
	deps.registries.refuseRemovalWhile(async (r) => {
		const names = await store.policiesUsing(r.id);
		if (names.length)
			throw new ApiError(
				"PRECONDITION",
				`the registry ${r.name} is used by the replication policies ${names.join(", ")}: delete or change them first`,
			);
	});
	const unsubscribe = startEventTrigger({
		events: deps.events,
		store,
		executions,
		echoes,
		typeOf: store.typeOf,
		logger: deps.logger,
	});

	return {
		policies,
		executions,
		/** Stops following events and waits for those being handled. */
		async close() {
			unsubscribe();
			await deps.events.settled();
		},
	};
}

export type Replication = ReturnType<typeof createReplication>;
