import {
	type Insertable,
	PostgresAdapter,
	type Selectable,
	type Updateable,
} from "kysely";
import type { Db } from "../../db/database.ts";
import type { SortKey } from "../harbor-query.ts";
import type {
	WebhookExecutionsTable,
	WebhookPoliciesTable,
	WebhookStatus,
	WebhookTasksTable,
} from "./table.ts";

export type WebhookPolicyRow = Selectable<WebhookPoliciesTable>;
export type WebhookExecutionRow = Selectable<WebhookExecutionsTable>;
export type WebhookTaskRow = Selectable<WebhookTasksTable>;
export type Metrics = {
	task_count: number;
	success_task_count: number;
	error_task_count: number;
	pending_task_count: number;
	running_task_count: number;
	scheduled_task_count: number;
	stopped_task_count: number;
};

export const policySortKeys = [
	"id",
	"name",
	"creation_time",
	"update_time",
] as const;

const metricKey: Record<WebhookStatus, keyof Metrics> = {
	Pending: "pending_task_count",
	Running: "running_task_count",
	Success: "success_task_count",
	Error: "error_task_count",
	Stopped: "stopped_task_count",
};
const noMetrics = (): Metrics => ({
	task_count: 0,
	success_task_count: 0,
	error_task_count: 0,
	pending_task_count: 0,
	running_task_count: 0,
	scheduled_task_count: 0,
	stopped_task_count: 0,
});

/** An execution's status from its tasks (Harbor's order: still running, then stopped, then error). */
export function executionStatus(m: Metrics): WebhookStatus {
	if (m.pending_task_count + m.running_task_count > 0) return "Running";
	if (m.stopped_task_count > 0) return "Stopped";
	if (m.error_task_count > 0) return "Error";
	return "Success";
}

/** SQL for webhook policies, their executions and tasks. */
export function createWebhookStore(db: Db) {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;

	async function metricsOf(
		executionIds: number[],
	): Promise<Map<number, Metrics>> {
		const out = new Map(executionIds.map((id) => [id, noMetrics()]));
		if (executionIds.length === 0) return out;
		const rows = await db
			.selectFrom("webhook_tasks")
			.select((eb) => [
				"execution_id",
				"status",
				eb.fn.countAll<number>().as("n"),
			])
			.where("execution_id", "in", executionIds)
			.groupBy(["execution_id", "status"])
			.execute();
		for (const r of rows) {
			const m = out.get(r.execution_id)!;
			m[metricKey[r.status]] += Number(r.n);
			m.task_count += Number(r.n);
		}
		return out;
	}

	return {
		async listPolicies(
			projectId: number,
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			let q = db
				.selectFrom("webhook_policies")
				.selectAll()
				.where("project_id", "=", projectId);
			for (const k of sort)
				q = q.orderBy(
					k.key as (typeof policySortKeys)[number],
					k.desc ? "desc" : "asc",
				);
			const [rows, count] = await Promise.all([
				q.orderBy("id").limit(limit).offset(offset).execute(),
				db
					.selectFrom("webhook_policies")
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.where("project_id", "=", projectId)
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		allPolicies: (projectId: number) =>
			db
				.selectFrom("webhook_policies")
				.selectAll()
				.where("project_id", "=", projectId)
				.orderBy("id")
				.execute(),
		policy: (projectId: number, id: number) =>
			db
				.selectFrom("webhook_policies")
				.selectAll()
				.where("project_id", "=", projectId)
				.where("id", "=", id)
				.executeTakeFirst(),
		createPolicy: (p: Insertable<WebhookPoliciesTable>) =>
			db
				.insertInto("webhook_policies")
				.values(p)
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((r) => r.id),
		updatePolicy: (id: number, p: Updateable<WebhookPoliciesTable>) =>
			db.updateTable("webhook_policies").set(p).where("id", "=", id).execute(),
		removePolicy: (id: number) =>
			db.deleteFrom("webhook_policies").where("id", "=", id).execute(),
		/** The project's enabled policies that subscribe to `eventType` (few per project: filtered here, not in SQL). */
		async subscribed(projectId: number, eventType: string) {
			const rows = await db
				.selectFrom("webhook_policies")
				.selectAll()
				.where("project_id", "=", projectId)
				.where("enabled", "=", 1)
				.execute();
			return rows.filter((p) =>
				(JSON.parse(p.event_types) as string[]).includes(eventType),
			);
		},

		/** An event's execution for one policy, with a pending task per target, in one transaction. */
		createExecution: (
			policyId: number,
			eventType: string,
			t: string,
			tasks: { target: string; payload: string }[],
		) =>
			db.transaction().execute(async (tx) => {
				const { id } = await tx
					.insertInto("webhook_executions")
					.values({
						policy_id: policyId,
						event_type: eventType,
						status: "Running",
						start_time: t,
					})
					.returning("id")
					.executeTakeFirstOrThrow();
				const rows = await tx
					.insertInto("webhook_tasks")
					.values(
						tasks.map((task) => ({
							...task,
							execution_id: id,
							status: "Pending" as const,
							status_text: "",
							creation_time: t,
							update_time: t,
						})),
					)
					.returning("id")
					.execute();
				return { executionId: id, taskIds: rows.map((r) => r.id) };
			}),
		execution: (id: number) =>
			db
				.selectFrom("webhook_executions")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst(),
		async listExecutions(
			policyId: number,
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			let q = db
				.selectFrom("webhook_executions")
				.selectAll()
				.where("policy_id", "=", policyId);
			for (const k of sort)
				q = q.orderBy(k.key as "id", k.desc ? "desc" : "asc");
			const [rows, count] = await Promise.all([
				q.orderBy("id", "desc").limit(limit).offset(offset).execute(),
				db
					.selectFrom("webhook_executions")
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.where("policy_id", "=", policyId)
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		metricsOf,
		/** When each of the project's policies last fired, per event type. */
		lastTriggers: (projectId: number) =>
			db
				.selectFrom("webhook_executions")
				.innerJoin(
					"webhook_policies",
					"webhook_policies.id",
					"webhook_executions.policy_id",
				)
				.select((eb) => [
					"webhook_executions.policy_id",
					"webhook_executions.event_type",
					eb.fn.max("webhook_executions.start_time").as("last"),
				])
				.where("webhook_policies.project_id", "=", projectId)
				.groupBy([
					"webhook_executions.policy_id",
					"webhook_executions.event_type",
				])
				.execute(),

		task: (id: number) =>
			db
				.selectFrom("webhook_tasks")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst(),
		updateTask: (
			id: number,
			t: Updateable<WebhookTasksTable>,
			onlyIf?: WebhookStatus[],
		) => {
			let q = db
				.updateTable("webhook_tasks")
				.set({ ...t, update_time: new Date().toISOString() })
				.where("id", "=", id);
			if (onlyIf) q = q.where("status", "in", onlyIf);
			return q.executeTakeFirst().then((r) => r.numUpdatedRows > 0n);
		},
		async listTasks(executionId: number, limit: number, offset: number) {
			const [rows, count] = await Promise.all([
				db
					.selectFrom("webhook_tasks")
					.selectAll()
					.where("execution_id", "=", executionId)
					.orderBy("id")
					.limit(limit)
					.offset(offset)
					.execute(),
				db
					.selectFrom("webhook_tasks")
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.where("execution_id", "=", executionId)
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},

		/** Harbor's legacy view: a policy's deliveries (tasks) newest first, with their event type. */
		async jobsOf(
			policyId: number,
			status: string | undefined,
			limit: number,
			offset: number,
		) {
			const matching = () => {
				let q = db
					.selectFrom("webhook_tasks")
					.innerJoin(
						"webhook_executions",
						"webhook_executions.id",
						"webhook_tasks.execution_id",
					)
					.where("webhook_executions.policy_id", "=", policyId);
				if (status)
					q = q.where("webhook_tasks.status", "=", status as WebhookStatus);
				return q;
			};
			const [rows, count] = await Promise.all([
				matching()
					.select([
						"webhook_tasks.id",
						"webhook_tasks.status",
						"webhook_tasks.target",
						"webhook_tasks.payload",
						"webhook_tasks.creation_time",
						"webhook_tasks.update_time",
						"webhook_executions.event_type",
					])
					.orderBy("webhook_tasks.id", "desc")
					.limit(limit)
					.offset(offset)
					.execute(),
				matching()
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},

		/**
		 * Recomputes an execution's status from its tasks, serialized per execution (row lock on Postgres, SQLite writes
		 * one at a time) so two tasks ending at once never leave it Running.
		 */
		async refresh(executionId: number): Promise<void> {
			await db.transaction().execute(async (tx) => {
				let q = tx
					.selectFrom("webhook_executions")
					.selectAll()
					.where("id", "=", executionId);
				if (pg) q = q.forUpdate();
				const e = await q.executeTakeFirst();
				if (!e) return;
				const rows = await tx
					.selectFrom("webhook_tasks")
					.select((eb) => ["status", eb.fn.countAll<number>().as("n")])
					.where("execution_id", "=", executionId)
					.groupBy("status")
					.execute();
				const m = noMetrics();
				for (const r of rows) {
					m[metricKey[r.status]] += Number(r.n);
					m.task_count += Number(r.n);
				}
				const status = executionStatus(m);
				const ended = status !== "Running";
				if (status !== e.status || ended !== (e.end_time !== null)) {
					await tx
						.updateTable("webhook_executions")
						.set({
							status,
							end_time: ended ? (e.end_time ?? new Date().toISOString()) : null,
						})
						.where("id", "=", executionId)
						.execute();
				}
			});
		},

		/** What a payload says of a repository: its creation time, when it still exists. */
		repositoryCreated: (name: string) =>
			db
				.selectFrom("repositories")
				.select("creation_time")
				.where("name", "=", name)
				.executeTakeFirst()
				.then((r) => r?.creation_time),
		/**
		 * The repository a refused push most likely went to (the quota guard does not know it): the project's latest
		 * upload or blob link.
		 */
		async recentRepository(projectId: number): Promise<string | undefined> {
			const [upload, link] = await Promise.all([
				db
					.selectFrom("uploads")
					.innerJoin("repositories", "repositories.id", "uploads.repository_id")
					.select(["repositories.name", "uploads.last_activity as at"])
					.where("repositories.project_id", "=", projectId)
					.orderBy("uploads.last_activity", "desc")
					.limit(1)
					.executeTakeFirst(),
				db
					.selectFrom("repository_blobs")
					.innerJoin(
						"repositories",
						"repositories.id",
						"repository_blobs.repository_id",
					)
					.select(["repositories.name", "repository_blobs.linked_at as at"])
					.where("repositories.project_id", "=", projectId)
					.orderBy("repository_blobs.linked_at", "desc")
					.limit(1)
					.executeTakeFirst(),
			]);
			const newest = [upload, link]
				.filter((r) => r !== undefined)
				.sort((a, b) => (a.at < b.at ? 1 : -1))[0];
			return newest?.name;
		},
		projectById: (id: number) =>
			db
				.selectFrom("projects")
				.select(["id", "name", "public"])
				.where("id", "=", id)
				.executeTakeFirst(),
		projectByName: (name: string) =>
			db
				.selectFrom("projects")
				.select(["id", "name", "public"])
				.where("name", "=", name)
				.executeTakeFirst(),
	};
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;
