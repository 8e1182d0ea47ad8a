import { now } from "../../db/database.ts";
import type { Jobs } from "../../jobs/jobs.ts";
import { ApiError, notFound } from "../errors.ts";
import type { SortKey } from "../harbor-query.ts";
import type { PolicyService } from "./policies.ts";
import type {
	ExecutionRow,
	ReplicationStore,
	TaskCounts,
	TaskRow,
} from "./store.ts";

/** Job types: one listing job per execution, then one job per task in a pool of its own. */
export const executionJob = "REPLICATION";
export const taskJob = "REPLICATION_TASK";

/** Harbor's task resource: `repo:[tag,tag]`, or `repo@digest` for an untagged artifact. */
export const taskResource = (repo: string, tags: string[], digest: string) =>
	tags.length ? `${repo}:[${tags.join(",")}]` : `${repo}@${digest}`;

export type TaskRetry = { attempts: number; backoffMs: number };

/**
 * Executions and their tasks: start (a listing job writes the tasks), stop (running jobs stopped, pending tasks
 * marked Stopped), retry (only the failed and stopped tasks run again, as new jobs), and Harbor's views of them.
 */
export function createExecutionService(deps: {
	store: ReplicationStore;
	policies: PolicyService;
	jobs: Jobs;
	retry: TaskRetry;
}) {
	const { store, jobs } = deps;

	async function get(id: number): Promise<ExecutionRow> {
		const e = await store.execution(id);
		if (!e) throw notFound(`replication execution ${id} not found`);
		return e;
	}

	/** Gives each task written but not queued its job (a task's job id is what stop and the log look up). */
	async function queueTasks(executionId: number): Promise<number> {
		const tasks = await store.unqueued(executionId);
		for (const t of tasks) {
			const jobId = await jobs.enqueue(taskJob, { taskId: t.id }, deps.retry);
			await store.updateTask(t.id, { job_id: jobId });
		}
		return tasks.length;
	}

	const executionJson = (e: ExecutionRow, c: TaskCounts) => ({
		id: e.id,
		policy_id: e.policy_id,
		status: e.status,
		trigger: e.trigger,
		start_time: e.start_time,
		...(e.end_time ? { end_time: e.end_time } : {}),
		status_text: e.status_text,
		total: c.total,
		failed: c.failed,
		succeed: c.succeed,
		in_progress: c.in_progress + c.pending,
		stopped: c.stopped,
	});

	return {
		get,
		queueTasks,

		/** Starts an execution of an enabled policy; its listing runs as a job. Refused while the policy is disabled. */
		async start(policyId: number, trigger: string): Promise<number> {
			const p = await deps.policies.get(policyId);
			if (p.enabled !== 1)
				throw new ApiError(
					"PRECONDITION",
					`replication policy ${p.name} is disabled`,
				);
			const id = await store.createExecution(policyId, trigger, now());
			try {
				const jobId = await jobs.enqueue(
					executionJob,
					{ executionId: id },
					deps.retry,
				);
				await store.updateExecution(id, { job_id: jobId });
			} catch (err) {
				await store.removeExecution(id); // nothing half-created
				throw err;
			}
			return id;
		},

		/**
		 * Starts an execution whose tasks are known already (an event names the artifact): written at once, no listing.
		 */
		async startWith(
			policyId: number,
			trigger: string,
			tasks: Omit<
				TaskRow,
				| "id"
				| "execution_id"
				| "status"
				| "status_text"
				| "job_id"
				| "creation_time"
				| "start_time"
				| "end_time"
			>[],
		) {
			const t = now();
			const id = await store.createExecution(policyId, trigger, t, {
				enumerated: true,
			});
			for (const task of tasks)
				await store.addTask({
					...task,
					execution_id: id,
					status: "Pending",
					status_text: "",
					creation_time: t,
				});
			await queueTasks(id);
			await store.refresh(id);
			return id;
		},

		/** Stops an execution: its listing and running tasks are stopped, pending tasks marked Stopped. */
		async stop(id: number): Promise<void> {
			const e = await get(id);
			if (e.status !== "InProgress") return;
			await store.updateExecution(id, { stop_requested: 1 });
			if (e.job_id && e.enumerated === 0) await jobs.stop(e.job_id);
			// Marked first, then their jobs stopped: a task waiting for its retry has no handler running to mark it, and
			// a handler that ends after this changes nothing (its updates apply only to a task still in progress).
			for (const t of await store.stopTasks(id, now()))
				if (t.job_id) await jobs.stop(t.job_id);
			await store.refresh(id);
		},

		/** Runs the execution's failed and stopped tasks again as new jobs; refused while it is in progress. */
		async retry(id: number): Promise<number> {
			const e = await get(id);
			const status = await store.refresh(id);
			if (status === "InProgress")
				throw new ApiError(
					"PRECONDITION",
					`replication execution ${id} is in progress: wait for it to end or stop it`,
				);
			const again = await store.tasksIn(id, ["Failed", "Stopped"]);
			if (e.enumerated === 2)
				throw new ApiError(
					"PRECONDITION",
					`replication execution ${id} failed before any task was written (${e.status_text}): start the policy again`,
				);
			for (const t of again) {
				await store.updateTask(t.id, {
					status: "Pending",
					status_text: "",
					job_id: null,
					end_time: null,
				});
			}
			await store.updateExecution(id, {
				stop_requested: 0,
				enumerated: e.enumerated === 0 ? 0 : 1,
				end_time: null,
				status: "InProgress",
				status_text: "",
			});
			// An execution stopped while listing lists again (its tasks are written once: a unique row per artifact).
			if (e.enumerated === 0) {
				const jobId = await jobs.enqueue(
					executionJob,
					{ executionId: id },
					deps.retry,
				);
				await store.updateExecution(id, { job_id: jobId });
			}
			await queueTasks(id);
			await store.refresh(id);
			return again.length;
		},

		async list(
			f: { policyId?: number; status?: string; trigger?: string },
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			const { rows, total } = await store.listExecutions(
				f,
				sort,
				limit,
				offset,
			);
			const counts = await store.countsOf(rows.map((r) => r.id));
			return {
				items: rows.map((r) => executionJson(r, counts.get(r.id)!)),
				total,
			};
		},

		async json(id: number) {
			const e = await get(id);
			return executionJson(e, (await store.countsOf([id])).get(id)!);
		},

		async tasks(
			executionId: number,
			f: { status?: string; resourceType?: string },
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			await get(executionId);
			const { rows, total } = await store.listTasks(
				executionId,
				f,
				sort,
				limit,
				offset,
			);
			return {
				items: rows.map((t) => ({
					id: t.id,
					execution_id: t.execution_id,
					status: t.status,
					job_id: t.job_id ?? "",
					operation: t.operation,
					resource_type: t.resource_type,
					src_resource: t.src_resource,
					dst_resource: t.dst_resource,
					...(t.start_time ? { start_time: t.start_time } : {}),
					...(t.end_time ? { end_time: t.end_time } : {}),
				})),
				total,
			};
		},

		/** A task's plain-text log: its job's lines, and why it ended when it did not succeed. */
		async log(executionId: number, taskId: number): Promise<string> {
			const t = await store.task(taskId);
			if (!t || t.execution_id !== executionId)
				throw notFound(
					`task ${taskId} of replication execution ${executionId} not found`,
				);
			const lines = t.job_id ? ((await jobs.log(t.job_id)) ?? []) : [];
			if (t.status_text && !lines.includes(t.status_text))
				lines.push(t.status_text);
			return lines.length ? `${lines.join("\n")}\n` : "";
		},
	};
}

export type ExecutionService = ReturnType<typeof createExecutionService>;
