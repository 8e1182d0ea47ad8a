import type { ImmutableTest } from "../core/access.ts";
import { type Db, now } from "../db/database.ts";
import type { ProjectEventSink } from "../events/project-events.ts";
import type { Jobs } from "../jobs/jobs.ts";
import {
	type DeleteArtifact,
	registerRetentionJob,
	retentionJobType,
} from "./retention-job.ts";
import type { Rule } from "./rules.ts";
import { createRetentionStore } from "./store.ts";

/** A policy's stored rules (validated when written). */
export const storedRules = (rules: string): Rule[] =>
	JSON.parse(rules) as Rule[];

/** A policy's trigger as stored: Harbor's shape; an empty cron schedules nothing. */
export const storedTrigger = (cron: string) =>
	JSON.stringify({ kind: "Schedule", settings: { cron } });

/** Harbor's daily check of a proxy cache project's default policy. */
const proxyCacheCron = "0 0 0 * * *";

/**
 * Tag retention wired from its parts (the composition root calls this once): its store, its job type, and the
 * schedules (a policy's cron is a row of the job system's schedules, vendor id the policy's id).
 */
export function createRetention(deps: {
	db: Db;
	jobs: Jobs;
	events: ProjectEventSink;
	immutableTags(projectId: number): Promise<ImmutableTest | null>;
	deleteArtifact: DeleteArtifact;
}) {
	const store = createRetentionStore(deps.db);
	registerRetentionJob({
		jobs: deps.jobs,
		store,
		events: deps.events,
		rulesOf: storedRules,
		immutableTags: deps.immutableTags,
		deleteArtifact: deps.deleteArtifact,
	});
	/** Sets or (an empty cron) removes a policy's schedule; a cron Harbor would refuse throws CronError. */
	const schedule = (policyId: number, cron: string) =>
		cron
			? deps.jobs.schedules.set(retentionJobType, policyId, cron, { policyId })
			: deps.jobs.schedules.remove(retentionJobType, policyId);
	return {
		store,
		jobs: deps.jobs,
		schedule,
		/**
		 * Harbor's policy for a new proxy cache project: every artifact not pulled for 7 days goes (untagged too), checked
		 * daily at midnight UTC. The cache's expiry, which the project's admins may change like any policy.
		 */
		async proxyCacheDefault(projectId: number) {
			const all = { kind: "doublestar", pattern: "**" } as const;
			const rule: Rule = {
				priority: 0,
				disabled: false,
				template: "nDaysSinceLastPull",
				n: 7,
				tag: { ...all, decoration: "matches", untagged: true },
				repository: { ...all, decoration: "repoMatches" },
			};
			const t = now();
			const id = await store.createPolicy({
				project_id: projectId,
				rules: JSON.stringify([rule]),
				trigger: storedTrigger(proxyCacheCron),
				creation_time: t,
				update_time: t,
			});
			await schedule(id, proxyCacheCron);
			return id;
		},
		nextRun: (policyId: number) =>
			deps.db
				.selectFrom("schedules")
				.select("next_run")
				.where("vendor_type", "=", retentionJobType)
				.where("vendor_id", "=", policyId)
				.executeTakeFirst()
				.then((r) => r?.next_run ?? null),
	};
}

export type Retention = ReturnType<typeof createRetention>;
