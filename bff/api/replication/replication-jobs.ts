import type { Logger } from "pino";
import { type Db, now } from "../../db/database.ts";
import type { Jobs } from "../../jobs/jobs.ts";
import { type JobContext, PermanentJobError } from "../../jobs/queue.ts";
import {
	type CopySide,
	copyArtifact,
	deleteArtifact,
} from "../../replication/copy-artifact.ts";
import { destinationRepo, matchesFilters } from "../../replication/filters.ts";
import {
	listLocal,
	listRemote,
	type SourceArtifact,
} from "../../replication/sources.ts";
import type { V2Client } from "../../replication/v2-client.ts";
import type { RegistryService } from "../registries/service.ts";
import type { EchoGuard } from "./event-trigger.ts";
import {
	type ExecutionService,
	executionJob,
	type TaskRetry,
	taskJob,
	taskResource,
} from "./executions.ts";
import { isPush, policyFilters, remoteOf } from "./policies.ts";
import {
	artifactKind,
	type ExecutionRow,
	type PolicyRow,
	type ReplicationStore,
	type TaskRow,
} from "./store.ts";

export type ReplicationJobDeps = {
	db: Db;
	store: ReplicationStore;
	executions: ExecutionService;
	registries: RegistryService;
	jobs: Jobs;
	logger: Logger;
	retry: TaskRetry;
	/** Replication tasks this process runs at once (a job pool of their own). */
	taskConcurrency: number;
	/** This Wharf's own /v2 (known once it listens). */
	local(): V2Client;
	/** Creates a local project unless it exists (a pull's destination). */
	ensureLocalProject(name: string): Promise<void>;
	echoes: EchoGuard;
};

/** Tasks are queued as the listing writes them, this many at a time, so copying starts before a long listing ends. */
const queueEvery = 50;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** A job ended by a stop, not by a shutdown, which gives it back to the queue (the reasons abortRun in queue.ts gives). */
const stoppedBy = (signal: AbortSignal) =>
	signal.aborted &&
	(signal.reason as Error | undefined)?.message === "job stopped";

/**
 * The two replication job types. REPLICATION lists an execution's source through the policy's filters and writes a
 * task per artifact (a scheduled fire creates its execution first); REPLICATION_TASK copies (or deletes) one
 * artifact through the copy engine, in a pool of its own, so a large replication never starves other job types.
 */
export function registerReplicationJobs(deps: ReplicationJobDeps) {
	const { store, jobs } = deps;

	/** The two ends of a task; a pull's local end tracks what it writes, so its pushes trigger no event policy. */
	async function sides(
		p: PolicyRow,
		t: TaskRow,
	): Promise<{ src: CopySide; dst: CopySide; release?: () => void }> {
		const adapter = await deps.registries.adapter(remoteOf(p));
		const remote = await adapter.client();
		const project = t.dst_repository.split("/")[0];
		if (isPush(p)) {
			// A Harbor destination gets its project made first (a plain registry makes repositories on push).
			const harbor = adapter as typeof adapter & {
				ensureProject?: (name: string) => Promise<void>;
			};
			if (harbor.ensureProject && t.operation === "copy")
				await harbor.ensureProject(project);
			return {
				src: { client: deps.local(), repo: t.src_repository },
				dst: { client: remote, repo: t.dst_repository },
			};
		}
		if (t.operation === "copy") await deps.ensureLocalProject(project);
		const local = deps.echoes.track(deps.local());
		return {
			src: { client: remote, repo: t.src_repository },
			dst: { client: local.client, repo: t.dst_repository },
			release: local.release,
		};
	}

	/** Lists the policy's source: this Wharf's artifacts (push) or the remote's (pull). */
	async function* source(p: PolicyRow): AsyncIterable<SourceArtifact> {
		const filters = policyFilters(p);
		const name = filters.find(
			(f) => f.type === "name" && f.decoration !== "excludes",
		)?.value as string | undefined;
		if (isPush(p)) {
			yield* listLocal(deps.db, { projectPattern: name });
			return;
		}
		const adapter = await deps.registries.adapter(remoteOf(p));
		yield* listRemote(adapter, await adapter.client(), { namePattern: name });
	}

	async function enumerate(ctx: JobContext, p: PolicyRow, e: ExecutionRow) {
		const filters = policyFilters(p);
		let written = 0;
		let found = 0;
		for await (const a of source(p)) {
			ctx.signal.throwIfAborted();
			found++;
			const m = matchesFilters(
				{
					repository: a.repository,
					tags: a.tags,
					labels: a.labels,
					artifactType: a.artifactType,
				},
				filters,
			);
			if (!m.match) continue;
			let dst: string;
			let problem = "";
			try {
				dst = destinationRepo(
					a.repository,
					p.dest_namespace,
					p.dest_namespace_replace_count,
				);
				if (!isPush(p) && !dst.includes("/"))
					throw new Error(
						`${dst} has no project part: set the policy's dest_namespace to the local project to pull into`,
					);
			} catch (err) {
				dst = "";
				problem = message(err);
			}
			const t = now();
			const id = await store.addTask({
				execution_id: e.id,
				status: problem ? "Failed" : "Pending",
				status_text: problem,
				operation: "copy",
				resource_type: artifactKind(a.artifactType),
				src_resource: taskResource(a.repository, m.tags, a.digest),
				dst_resource: dst ? taskResource(dst, m.tags, a.digest) : "",
				src_repository: a.repository,
				dst_repository: dst,
				digest: a.digest,
				tags: JSON.stringify(m.tags),
				creation_time: t,
				...(problem ? { end_time: t } : {}),
			});
			if (id !== undefined && ++written % queueEvery === 0)
				await deps.executions.queueTasks(e.id);
		}
		await ctx.log(
			`listed ${found} artifacts at the source, ${written} selected by the filters`,
		);
	}

	jobs.register<{ executionId?: number; policyId?: number }>(executionJob, {
		concurrency: 2,
		async handler(ctx) {
			let e: ExecutionRow | undefined;
			if (ctx.payload.executionId !== undefined) {
				e = await store.execution(ctx.payload.executionId);
			} else if (ctx.payload.policyId !== undefined) {
				// A scheduled fire: its execution is made once, even when this job runs again after a restart.
				e = await store.executionByJob(ctx.id);
				if (!e) {
					const p = await store.policy(ctx.payload.policyId);
					if (p?.enabled !== 1) return;
					if (await store.running(p.id)) {
						await ctx.log(
							`policy ${p.name} is still running its last execution: this fire is skipped`,
						);
						return;
					}
					const id = await store.createExecution(p.id, "scheduled", now());
					await store.updateExecution(id, { job_id: ctx.id });
					e = await store.execution(id);
				}
			}
			if (!e) return;
			if (e.stop_requested === 1 || e.enumerated !== 0) {
				await store.refresh(e.id);
				return;
			}
			const p = await store.policy(e.policy_id);
			if (!p)
				throw new PermanentJobError(
					`replication policy ${e.policy_id} is gone`,
				);
			try {
				await enumerate(ctx, p, e);
				await store.updateExecution(e.id, { enumerated: 1 });
				await deps.executions.queueTasks(e.id);
			} catch (err) {
				if (stoppedBy(ctx.signal)) {
					await store.updateExecution(e.id, { stop_requested: 1 });
				} else if (
					!ctx.signal.aborted &&
					(ctx.attempt >= deps.retry.attempts ||
						err instanceof PermanentJobError)
				) {
					await store.updateExecution(e.id, {
						enumerated: 2,
						status_text: `listing the source failed: ${message(err)}`,
					});
				}
				throw err;
			} finally {
				await store.refresh(e.id);
			}
		},
	});

	jobs.register<{ taskId: number }>(taskJob, {
		concurrency: deps.taskConcurrency,
		async handler(ctx) {
			const t = await store.task(ctx.payload.taskId);
			if (
				!t ||
				t.status === "Succeed" ||
				t.status === "Stopped" ||
				t.status === "Failed"
			)
				return;
			const e = (await store.execution(t.execution_id))!;
			const p = await store.policy(e.policy_id);
			const started = await store.updateTask(
				t.id,
				{ status: "InProgress", start_time: t.start_time ?? now() },
				["Pending", "InProgress"],
			);
			if (!started) return;
			try {
				if (!p)
					throw new PermanentJobError(
						`replication policy ${e.policy_id} is gone`,
					);
				if (e.stop_requested === 1)
					throw Object.assign(new Error("job stopped"), { stop: true });
				const { src, dst, release } = await sides(p, t);
				try {
					if (t.operation === "deletion") {
						await deleteArtifact(
							{ ...dst, reference: t.digest },
							{ signal: ctx.signal, log: ctx.log },
						);
					} else {
						await copyArtifact(
							{ ...src, reference: t.digest },
							{ ...dst, tags: JSON.parse(t.tags) as string[] },
							{
								override: p.override === 1,
								speedKb: p.speed,
								copyByChunk: p.copy_by_chunk === 1,
								signal: ctx.signal,
								log: ctx.log,
								progress: (done, total) => {
									if (total > 0)
										void ctx
											.progress((done / total) * 100)
											.catch(() => undefined);
								},
							},
						);
					}
				} finally {
					release?.();
				}
				await store.updateTask(
					t.id,
					{ status: "Succeed", status_text: "", end_time: now() },
					["InProgress"],
				);
			} catch (err) {
				if (stoppedBy(ctx.signal) || (err as { stop?: boolean }).stop) {
					await store.updateTask(t.id, { status: "Stopped", end_time: now() }, [
						"InProgress",
					]);
					if ((err as { stop?: boolean }).stop) return;
				} else if (!ctx.signal.aborted) {
					const last =
						ctx.attempt >= deps.retry.attempts ||
						err instanceof PermanentJobError;
					await store.updateTask(
						t.id,
						last
							? { status: "Failed", status_text: message(err), end_time: now() }
							: {
									status_text: `attempt ${ctx.attempt} failed: ${message(err)}; it is tried again`,
								},
						["InProgress"],
					);
				}
				throw err;
			} finally {
				await store
					.refresh(t.execution_id)
					.catch((err) =>
						deps.logger.warn(
							{ err, execution: t.execution_id },
							"execution status refresh failed",
						),
					);
			}
		},
	});
}
