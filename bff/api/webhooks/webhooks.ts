import type { Logger } from "pino";
import type { SecretBox } from "../../auth/secrets.ts";
import type { AuditSink } from "../../core/access.ts";
import type { Db } from "../../db/database.ts";
import type { ArtifactEvents } from "../../events/artifact-events.ts";
import type { ProjectEvents } from "../../events/project-events.ts";
import type { Jobs } from "../../jobs/jobs.ts";
import { type DeliveryOptions, registerWebhookDelivery } from "./delivery.ts";
import { createWebhookExecutions } from "./executions.ts";
import { createWebhookPolicyService } from "./policies.ts";
import { createWebhookStore } from "./store.ts";
import { startWebhookTrigger } from "./trigger.ts";

/** Webhooks wired from their parts (the composition root calls this once): policies, deliveries, the event trigger. */
export function createWebhooks(deps: {
	db: Db;
	jobs: Jobs;
	box: SecretBox;
	audit: AuditSink;
	logger: Logger;
	artifactEvents: ArtifactEvents;
	projectEvents: ProjectEvents;
	delivery: DeliveryOptions;
	externalUrl(): string;
}) {
	const store = createWebhookStore(deps.db);
	const policies = createWebhookPolicyService({
		store,
		box: deps.box,
		audit: deps.audit,
	});
	const executions = createWebhookExecutions({ store, jobs: deps.jobs });
	const delivery = registerWebhookDelivery({
		jobs: deps.jobs,
		store,
		box: deps.box,
		logger: deps.logger,
		options: deps.delivery,
	});
	const trigger = startWebhookTrigger({
		db: deps.db,
		store,
		jobs: deps.jobs,
		logger: deps.logger,
		artifactEvents: deps.artifactEvents,
		projectEvents: deps.projectEvents,
		retry: deps.delivery.retry,
		externalUrl: deps.externalUrl,
	});
	return {
		policies,
		executions,
		lastTriggers: store.lastTriggers,
		allPolicies: store.allPolicies,
		jobsOf: store.jobsOf,
		test: trigger.test,
		/** Stops following events, waits for those being handled, and closes the delivery connections. */
		async close() {
			trigger.stop();
			await Promise.all([
				deps.artifactEvents.settled(),
				deps.projectEvents.settled(),
			]);
			await delivery.close();
		},
	};
}

export type Webhooks = ReturnType<typeof createWebhooks>;
