import { z } from "zod";
import type { ImmutableTest } from "../core/access.ts";
import type { RepositoryRef } from "../core/uploads.ts";
import { now } from "../db/database.ts";
import type { ProjectEventSink } from "../events/project-events.ts";
import type { Jobs } from "../jobs/jobs.ts";
import { evaluate, type Verdict } from "./evaluate.ts";
import { type Rule, repositoryTest } from "./rules.ts";
import type { RetentionExecutionRow, RetentionStore } from "./store.ts";
import type { RetentionStatus } from "./tables.ts";

export const retentionJobType = "RETENTION";

const payload = z.object({
	policyId: z.number().int(),
	executionId: z.number().int().optional(),
});
export type RetentionPayload = z.infer<typeof payload>;

/** One line of a task's table, as stored (JSON) and shown (a text table, or the console's rows). */
export type TaskLogRow = {
	digest: string;
	tags: string[];
	kind: string;
	pushed: string;
	pulled: string | null;
	action: "RETAIN" | "DEL";
	why: string;
};

export type DeleteArtifact = (
	repo: RepositoryRef,
	project: string,
	digest: string,
) => Promise<void>;

const finalStatuses: RetentionStatus[] = ["Succeed", "Failed", "Stopped"];
const shortName = (repository: string) =>
	repository.slice(repository.indexOf("/") + 1);
const iso = (ms: number | null) =>
	ms === null ? null : new Date(ms).toISOString();

/**
 * The RETENTION job: one execution of a project's policy. Each repository some enabled rule's scope takes is a task:
 * its top-level artifacts are judged (kept when any rule retains them or an immutable tag holds them) and, unless dry
 * run, the rest deleted as the API deletes (audited, events for webhooks and replication). A run given back at
 * shutdown resumes after the repositories it finished. Scheduled runs open their execution when they fire.
 */
export function registerRetentionJob(deps: {
	jobs: Jobs;
	store: RetentionStore;
	events: ProjectEventSink;
	rulesOf(policyRules: string): Rule[];
	immutableTags(projectId: number): Promise<ImmutableTest | null>;
	deleteArtifact: DeleteArtifact;
}) {
	const { store } = deps;

	async function openScheduled(
		policyId: number,
		jobId: string,
	): Promise<RetentionExecutionRow | undefined> {
		if (await store.busy(policyId)) return undefined;
		const id = await store.createExecution({
			policy_id: policyId,
			job_id: jobId,
			status: "Running",
			trigger: "SCHEDULE",
			dry_run: 0,
			start_time: now(),
			end_time: null,
		});
		return store.execution(policyId, id);
	}

	deps.jobs.register(retentionJobType, {
		concurrency: 2,
		payload,
		async handler(ctx) {
			const { policyId } = ctx.payload;
			const policy = await store.policy(policyId);
			if (!policy) {
				// Its project was deleted, and the policy with it: its schedule goes too.
				await deps.jobs.schedules.remove(retentionJobType, policyId);
				await ctx.log(`skipped: retention policy ${policyId} no longer exists`);
				return;
			}
			let exec =
				ctx.payload.executionId !== undefined
					? await store.execution(policyId, ctx.payload.executionId)
					: await store.executionByJob(ctx.id);
			exec ??= await openScheduled(policyId, ctx.id);
			if (!exec) {
				await ctx.log("skipped: another execution of this policy is running");
				return;
			}
			if (finalStatuses.includes(exec.status)) return;
			const execution = exec;
			await store.updateExecution(execution.id, { status: "Running" });

			const project = await store.project(policy.project_id);
			const rules = deps.rulesOf(policy.rules).map((rule, index) => ({
				rule,
				index,
				takes: repositoryTest(rule.repository),
			}));
			const immutable = await deps.immutableTags(policy.project_id);
			const dryRun = !!execution.dry_run;
			const done = await store.finishedRepositories(execution.id);
			await store.dropOpenTasks(execution.id);
			const repositories = project ? await store.repositories(project.id) : [];
			await ctx.log(
				`${dryRun ? "dry run" : "run"} of retention policy ${policyId} on project ${project?.name ?? policy.project_id}: ${repositories.length} repositories`,
			);

			const deleted: { repository: string; digest: string; tags: string[] }[] =
				[];
			let failures = 0;
			let status: RetentionStatus = "Succeed";
			try {
				for (const [i, repo] of repositories.entries()) {
					if (ctx.signal.aborted) throw ctx.signal.reason;
					if (done.has(repo.name)) continue;
					const inScope = rules.filter(
						(r) => !r.rule.disabled && r.takes(shortName(repo.name)),
					);
					if (inScope.length === 0) continue;
					const taskId = await store.createTask({
						execution_id: execution.id,
						repository: repo.name,
						status: "Running",
						start_time: now(),
					});
					const verdicts = evaluate(
						await store.candidates(repo.id),
						inScope,
						Date.now(),
						(tag) => !!immutable?.(repo.name, tag),
					);
					let taskFailed = false;
					if (!dryRun) {
						const ref = {
							id: repo.id,
							projectId: policy.project_id,
							name: repo.name,
						};
						for (const v of verdicts) {
							if (v.retain) continue;
							if (ctx.signal.aborted) throw ctx.signal.reason;
							try {
								await deps.deleteArtifact(
									ref,
									project!.name,
									v.candidate.digest,
								);
								deleted.push({
									repository: repo.name,
									digest: v.candidate.digest,
									tags: v.candidate.tags,
								});
							} catch (e) {
								taskFailed = true;
								v.why = `deletion failed: ${(e as Error).message}`;
							}
						}
					}
					if (taskFailed) failures++;
					await store.finishTask(taskId, {
						status: taskFailed ? "Failed" : "Succeed",
						total: verdicts.length,
						retained: verdicts.filter((v) => v.retain).length,
						log: JSON.stringify(verdicts.map(logRow)),
						end_time: now(),
					});
					await ctx.log(
						`${repo.name}: ${verdicts.length} artifacts, ${verdicts.filter((v) => v.retain).length} retained`,
					);
					await ctx.progress(((i + 1) / repositories.length) * 100);
				}
				if (failures) status = "Failed";
			} catch (e) {
				if (
					ctx.signal.aborted &&
					/shutting down/.test(
						String((ctx.signal.reason as Error | undefined)?.message),
					)
				)
					throw e;
				status = ctx.signal.aborted ? "Stopped" : "Failed";
				await ctx.log(
					ctx.signal.aborted ? "stopped" : `failed: ${(e as Error).message}`,
				);
				await finish(status);
				throw e;
			}
			await finish(status);

			async function finish(s: RetentionStatus) {
				const t = now();
				await store.endOpenTasks(execution.id, s, t);
				await store.updateExecution(execution.id, { status: s, end_time: t });
				if (!dryRun && project) {
					const totals = await store.totals(execution.id);
					deps.events.emit({
						type: "retention",
						projectId: project.id,
						policyId,
						executionId: execution.id,
						status: s,
						trigger: execution.trigger,
						total: totals.total,
						retained: totals.retained,
						deleted,
					});
				}
			}
		},
	});
}

function logRow(v: Verdict): TaskLogRow {
	const c = v.candidate;
	return {
		digest: c.digest,
		tags: c.tags,
		kind: c.type.toLowerCase(),
		pushed: iso(c.pushTime)!,
		pulled: iso(c.pullTime),
		action: v.retain ? "RETAIN" : "DEL",
		why: v.why,
	};
}
