import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "../../db/database.ts";
import { now } from "../../db/database.ts";
import type {
	ArtifactEvent,
	ArtifactEvents,
} from "../../events/artifact-events.ts";
import type {
	ProjectEvent,
	ProjectEvents,
} from "../../events/project-events.ts";
import type { Jobs } from "../../jobs/jobs.ts";
import { readSetting } from "../configurations/settings.ts";
import { formatStorage } from "../quotas/storage-size.ts";
import { createQuotaStore, unlimited } from "../quotas/store.ts";
import type { DeliveryOptions } from "./delivery.ts";
import { webhookJob } from "./delivery.ts";
import {
	artifactEventType,
	artifactPayload,
	type PayloadProject,
	quotaPayload,
	replicationPayloads,
	retentionPayload,
} from "./event-payloads.ts";
import { type EventType, testEventType } from "./event-types.ts";
import { formatPayload, type HookPayload } from "./payload-formats.ts";
import { storedTargets } from "./policies.ts";
import type { WebhookPolicyRow, WebhookStore } from "./store.ts";

/** Harbor's threshold for QUOTA_WARNING: usage at or past 85% of the hard limit. */
export const quotaWarningPercent = 85;

export type TriggerDeps = {
	db: Db;
	store: WebhookStore;
	jobs: Jobs;
	logger: Logger;
	artifactEvents: ArtifactEvents;
	projectEvents: ProjectEvents;
	retry: DeliveryOptions["retry"];
	/** This registry's URL as users reach it (resource URLs, replication payloads). */
	externalUrl(): string;
};

/**
 * Turns events into deliveries: for each enabled policy of the event's project that subscribes to its type, one
 * execution, and one task (a queued WEBHOOK job) per target, its payload formatted now. Runs after the push has
 * answered and only writes rows and enqueues, so a slow or dead receiver never slows a push.
 */
export function startWebhookTrigger(deps: TriggerDeps) {
	const { store } = deps;
	const quotas = createQuotaStore(deps.db);

	/** Sends `build()`'s payload to the policies subscribed; nothing is built when none is. */
	async function fire(
		project: PayloadProject,
		type: EventType,
		build: () => Promise<HookPayload | undefined> | HookPayload | undefined,
	) {
		if (!(await readSetting(deps.db, "notification_enable"))) return;
		const policies = await store.subscribed(project.id, type);
		if (policies.length === 0) return;
		const payload = await build();
		if (!payload) return;
		const requestId = randomUUID();
		for (const p of policies) await deliver(project, p, payload, requestId);
	}

	/** One execution of `policy` for `payload`, a queued delivery per target; answers the execution's id. */
	async function deliver(
		project: PayloadProject,
		p: WebhookPolicyRow,
		payload: HookPayload,
		requestId: string,
	): Promise<number> {
		const t = now();
		// The execution and its tasks in one write: the push it follows shares the database's writer.
		const { executionId, taskIds } = await store.createExecution(
			p.id,
			payload.type,
			t,
			storedTargets(p).map((target) => ({
				target: JSON.stringify(target),
				payload: JSON.stringify(
					formatPayload(payload, target, {
						projectId: project.id,
						policyId: p.id,
						requestId,
					}),
				),
			})),
		);
		let unqueued = false;
		for (const taskId of taskIds) {
			try {
				const jobId = await deps.jobs.enqueue(
					webhookJob,
					{ taskId },
					deps.retry,
				);
				await store.updateTask(taskId, { job_id: jobId });
			} catch (err) {
				unqueued = true;
				await store.updateTask(taskId, {
					status: "Error",
					status_text: `not queued: ${(err as Error).message}`,
					end_time: now(),
				});
			}
		}
		if (unqueued) await store.refresh(executionId);
		return executionId;
	}

	const host = () => new URL(deps.externalUrl()).host;

	async function onArtifact(ev: ArtifactEvent) {
		const project = await store.projectByName(ev.project);
		if (!project) return;
		await fire(project, artifactEventType[ev.type], async () =>
			artifactPayload(
				ev,
				project,
				host(),
				await store.repositoryCreated(ev.repository),
			),
		);
		if (ev.type === "push") {
			await fire(project, "QUOTA_WARNING", async () => {
				const hard = await quotas.hardLimit(project.id);
				if (
					hard === unlimited ||
					hard <= 0 ||
					!(await readSetting(deps.db, "quota_per_project_enable"))
				)
					return undefined;
				const used = await quotas.used(project.id);
				const percent = Math.floor((used / hard) * 100);
				if (percent < quotaWarningPercent) return undefined;
				return quotaPayload(
					{
						type: "quota_warning",
						projectId: project.id,
						repository: ev.repository,
						digest: ev.digest,
						tag: ev.tags[0],
						operator: ev.operator,
						occurredAt: ev.occurredAt,
						details: `quota usage reached ${percent}%: storage ${formatStorage(used)} of ${formatStorage(hard)} used`,
					},
					project,
					ev.repository,
				);
			});
		}
	}

	async function onProject(ev: ProjectEvent) {
		if (ev.type === "replication") {
			for (const { project: name, payload } of await replicationPayloads(
				deps.db,
				ev,
				deps.externalUrl(),
			)) {
				const project = await store.projectByName(name);
				if (project) await fire(project, "REPLICATION", () => payload);
			}
			return;
		}
		const project = await store.projectById(ev.projectId);
		if (!project) return;
		if (ev.type === "retention") {
			await fire(project, "TAG_RETENTION", () =>
				retentionPayload(ev, project, host()),
			);
			return;
		}
		await fire(
			project,
			ev.type === "quota_exceed" ? "QUOTA_EXCEED" : "QUOTA_WARNING",
			async () =>
				quotaPayload(
					ev,
					project,
					ev.repository ?? (await store.recentRepository(project.id)),
				),
		);
	}

	const offArtifacts = deps.artifactEvents.subscribe((ev) =>
		onArtifact(ev).catch((err) =>
			deps.logger.error({ err, event: ev.type }, "webhook event not queued"),
		),
	);
	const offProjects = deps.projectEvents.subscribe((ev) =>
		onProject(ev).catch((err) =>
			deps.logger.error({ err, event: ev.type }, "webhook event not queued"),
		),
	);
	return {
		stop() {
			offArtifacts();
			offProjects();
		},
		/**
		 * Sends a test event to a policy's targets now, enabled or not (Wharf beyond Harbor 2.x): type TEST, who asked,
		 * and a note in custom_attributes, delivered and logged like any event.
		 */
		test: (project: PayloadProject, p: WebhookPolicyRow, operator: string) =>
			deliver(
				project,
				p,
				{
					type: testEventType,
					occur_at: Math.floor(Date.now() / 1000),
					operator,
					event_data: {
						custom_attributes: {
							Details: `a test event for the webhook policy ${p.name} of project ${project.name}`,
						},
					},
				},
				randomUUID(),
			),
	};
}
