import {
	type Insertable,
	PostgresAdapter,
	type Selectable,
	type Updateable,
} from "kysely";
import type { Db } from "../../db/database.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import { badRequest } from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import type {
	ExecutionStatus,
	ReplicationExecutionsTable,
	ReplicationPoliciesTable,
	ReplicationTasksTable,
	TaskStatus,
} from "./table.ts";

export type PolicyRow = Selectable<ReplicationPoliciesTable>;
export type ExecutionRow = Selectable<ReplicationExecutionsTable>;
export type TaskRow = Selectable<ReplicationTasksTable>;
export type TaskCounts = {
	total: number;
	failed: number;
	succeed: number;
	in_progress: number;
	stopped: number;
	pending: number;
};

export const policyQueryKeys = ["name", "description", "enabled"] as const;
export const policySortKeys = [
	"id",
	"name",
	"creation_time",
	"update_time",
] as const;

const noCounts = (): TaskCounts => ({
	total: 0,
	failed: 0,
	succeed: 0,
	in_progress: 0,
	stopped: 0,
	pending: 0,
});
const countKey: Record<TaskStatus, keyof TaskCounts> = {
	Pending: "pending",
	InProgress: "in_progress",
	Succeed: "succeed",
	Failed: "failed",
	Stopped: "stopped",
};

/**
 * What an execution's status is, given its tasks (Harbor's order: anything still to do, then stopped, then failed).
 * `enumerated`: 0 while the source is being listed, 1 once every task is written, 2 when the listing itself failed.
 */
export function executionStatus(
	e: Pick<ExecutionRow, "enumerated" | "stop_requested">,
	c: TaskCounts,
): ExecutionStatus {
	if (c.pending + c.in_progress > 0) return "InProgress";
	if (e.enumerated === 0 && e.stop_requested === 0) return "InProgress";
	if (c.stopped > 0 || e.stop_requested === 1) return "Stopped";
	if (c.failed > 0 || e.enumerated === 2) return "Failed";
	return "Succeed";
}

/** Harbor's artifact type (IMAGE, CHART…) as a task's resource_type shows it. */
export const artifactKind = (type: string) =>
	type === "IMAGE" ? "image" : type === "CHART" ? "chart" : "artifact";

/** SQL for replication policies, executions and tasks. */
export function createReplicationStore(
	db: Db,
	onEnded?: (
		executionId: number,
		status: Exclude<ExecutionStatus, "InProgress">,
	) => void,
) {
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;

	const matchingPolicies = (
		name: string | undefined,
		conditions: Condition[],
	) => {
		let q = db.selectFrom("replication_policies");
		if (name) q = q.where(containsIgnoringCase("name", name));
		for (const c of conditions) {
			const key = c.key as (typeof policyQueryKeys)[number];
			const value = (v: string) =>
				key === "enabled" ? (v === "true" || v === "1" ? 1 : 0) : v;
			if (c.op === "exact") q = q.where(key, "=", value(c.value));
			else if (c.op === "fuzzy" && key !== "enabled")
				q = q.where(containsIgnoringCase(key, c.value));
			else if (c.op === "or")
				q = q.where(key, "in", c.values.length ? c.values.map(value) : [""]);
			else
				throw badRequest(
					`${key} takes a value${key === "enabled" ? "" : ", ~part"} or {a b}`,
				);
		}
		return q;
	};

	async function countsOf(
		executionIds: number[],
	): Promise<Map<number, TaskCounts>> {
		const out = new Map(executionIds.map((id) => [id, noCounts()]));
		if (executionIds.length === 0) return out;
		const rows = await db
			.selectFrom("replication_tasks")
			.select((eb) => [
				"execution_id",
				"status",
				eb.fn.countAll<number>().as("n"),
			])
			.where("execution_id", "in", executionIds)
			.groupBy(["execution_id", "status"])
			.execute();
		for (const r of rows) {
			const c = out.get(r.execution_id)!;
			c[countKey[r.status]] += Number(r.n);
			c.total += Number(r.n);
		}
		return out;
	}

	/** A page of executions or tasks whose columns equal the values given (undefined: any), in `sort` order, then by id. */
	async function page(
		table: "replication_executions" | "replication_tasks",
		equal: Record<string, string | number | undefined>,
		sort: SortKey[],
		byId: "asc" | "desc",
		limit: number,
		offset: number,
	) {
		const matching = () => {
			let q = db.selectFrom(table as "replication_tasks");
			for (const [column, value] of Object.entries(equal))
				if (value !== undefined)
					q = q.where(column as "id", "=", value as number);
			return q;
		};
		let q = matching().selectAll();
		for (const k of sort) q = q.orderBy(k.key as "id", k.desc ? "desc" : "asc");
		const [rows, count] = await Promise.all([
			q.orderBy("id", byId).limit(limit).offset(offset).execute(),
			matching()
				.select((eb) => eb.fn.countAll<number>().as("n"))
				.executeTakeFirstOrThrow(),
		]);
		return { rows: rows as unknown[], total: Number(count.n) };
	}

	return {
		async listPolicies(
			name: string | undefined,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			let q = matchingPolicies(name, conditions).selectAll();
			for (const k of sort)
				q = q.orderBy(
					k.key as (typeof policySortKeys)[number],
					k.desc ? "desc" : "asc",
				);
			const [rows, count] = await Promise.all([
				q.orderBy("id").limit(limit).offset(offset).execute(),
				matchingPolicies(name, conditions)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		policy: (id: number) =>
			db
				.selectFrom("replication_policies")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst(),
		createPolicy: (p: Insertable<ReplicationPoliciesTable>) =>
			db
				.insertInto("replication_policies")
				.values(p)
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((r) => r.id),
		updatePolicy: (id: number, p: Updateable<ReplicationPoliciesTable>) =>
			db
				.updateTable("replication_policies")
				.set(p)
				.where("id", "=", id)
				.execute(),
		removePolicy: (id: number) =>
			db.deleteFrom("replication_policies").where("id", "=", id).execute(),
		/** Enabled push policies triggered by events: the candidates for a push or delete. */
		eventPolicies: () =>
			db
				.selectFrom("replication_policies")
				.selectAll()
				.where("trigger_type", "=", "event_based")
				.where("enabled", "=", 1)
				.where("dest_registry_id", "is not", null)
				.execute(),
		/** Names of the policies whose source or destination is this endpoint. */
		policiesUsing: (registryId: number) =>
			db
				.selectFrom("replication_policies")
				.select("name")
				.where((eb) =>
					eb.or([
						eb("src_registry_id", "=", registryId),
						eb("dest_registry_id", "=", registryId),
					]),
				)
				.orderBy("name")
				.execute()
				.then((rows) => rows.map((r) => r.name)),

		async createExecution(
			policyId: number,
			trigger: string,
			t: string,
			opts: { enumerated?: boolean } = {},
		) {
			const r = await db
				.insertInto("replication_executions")
				.values({
					policy_id: policyId,
					status: "InProgress",
					trigger,
					status_text: "",
					start_time: t,
					enumerated: opts.enumerated ? 1 : 0,
				})
				.returning("id")
				.executeTakeFirstOrThrow();
			return r.id;
		},
		execution: (id: number) =>
			db
				.selectFrom("replication_executions")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst(),
		executionByJob: (jobId: string) =>
			db
				.selectFrom("replication_executions")
				.selectAll()
				.where("job_id", "=", jobId)
				.executeTakeFirst(),
		updateExecution: (id: number, e: Updateable<ReplicationExecutionsTable>) =>
			db
				.updateTable("replication_executions")
				.set(e)
				.where("id", "=", id)
				.execute(),
		removeExecution: (id: number) =>
			db.deleteFrom("replication_executions").where("id", "=", id).execute(),
		running: (policyId: number) =>
			db
				.selectFrom("replication_executions")
				.select("id")
				.where("policy_id", "=", policyId)
				.where("status", "=", "InProgress")
				.executeTakeFirst(),

		listExecutions: (
			f: { policyId?: number; status?: string; trigger?: string },
			sort: SortKey[],
			limit: number,
			offset: number,
		) =>
			page(
				"replication_executions",
				{ policy_id: f.policyId, status: f.status, trigger: f.trigger },
				sort,
				"desc",
				limit,
				offset,
			) as Promise<{ rows: ExecutionRow[]; total: number }>,
		countsOf,

		/**
		 * Recomputes an execution's status from its tasks. Refreshes of one execution are serialized (its row is locked on
		 * Postgres; SQLite writes one at a time), and each counts after the tasks it follows committed, so the last one
		 * to run sees them all: two tasks ending at once never leave the execution InProgress.
		 */
		async refresh(executionId: number): Promise<ExecutionStatus | undefined> {
			let transition = undefined as
				| { from: ExecutionStatus; to: ExecutionStatus }
				| undefined;
			const result = await db.transaction().execute(async (tx) => {
				let q = tx
					.selectFrom("replication_executions")
					.selectAll()
					.where("id", "=", executionId);
				if (pg) q = q.forUpdate();
				const e = await q.executeTakeFirst();
				if (!e) return undefined;
				const rows = await tx
					.selectFrom("replication_tasks")
					.select((eb) => ["status", eb.fn.countAll<number>().as("n")])
					.where("execution_id", "=", executionId)
					.groupBy("status")
					.execute();
				const c = noCounts();
				for (const r of rows) {
					c[countKey[r.status]] += Number(r.n);
					c.total += Number(r.n);
				}
				const status = executionStatus(e, c);
				const ended = status !== "InProgress";
				if (status !== e.status || ended !== (e.end_time !== null)) {
					await tx
						.updateTable("replication_executions")
						.set({
							status,
							end_time: ended ? (e.end_time ?? new Date().toISOString()) : null,
						})
						.where("id", "=", executionId)
						.execute();
				}
				transition = { from: e.status, to: status };
				return status;
			});
			// Refreshes are serialized, so exactly one sees the execution leave InProgress (REPLICATION webhooks).
			if (
				transition &&
				transition.from === "InProgress" &&
				transition.to !== "InProgress"
			)
				onEnded?.(executionId, transition.to);
			return result;
		},

		/** Writes a task unless the execution already has it (a listing run again after a restart); its id when new. */
		async addTask(
			t: Insertable<ReplicationTasksTable>,
		): Promise<number | undefined> {
			const r = await db
				.insertInto("replication_tasks")
				.values(t)
				.onConflict((oc) =>
					oc
						.columns(["execution_id", "operation", "src_repository", "digest"])
						.doNothing(),
				)
				.returning("id")
				.executeTakeFirst();
			return r?.id;
		},
		task: (id: number) =>
			db
				.selectFrom("replication_tasks")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst(),
		/** Tasks written but not yet given a job (a listing interrupted between the two is finished by the next run). */
		unqueued: (executionId: number) =>
			db
				.selectFrom("replication_tasks")
				.select("id")
				.where("execution_id", "=", executionId)
				.where("status", "=", "Pending")
				.where("job_id", "is", null)
				.orderBy("id")
				.execute(),
		tasksIn: (executionId: number, statuses: TaskStatus[]) =>
			db
				.selectFrom("replication_tasks")
				.select(["id", "job_id", "status"])
				.where("execution_id", "=", executionId)
				.where("status", "in", statuses)
				.orderBy("id")
				.execute(),
		updateTask: (
			id: number,
			t: Updateable<ReplicationTasksTable>,
			onlyIf?: TaskStatus[],
		) => {
			let q = db.updateTable("replication_tasks").set(t).where("id", "=", id);
			if (onlyIf) q = q.where("status", "in", onlyIf);
			return q.executeTakeFirst().then((r) => r.numUpdatedRows > 0n);
		},
		/** Marks the execution's pending and running tasks Stopped; answers them (their jobs are stopped next). */
		stopTasks: (executionId: number, t: string) =>
			db
				.updateTable("replication_tasks")
				.set({ status: "Stopped", end_time: t })
				.where("execution_id", "=", executionId)
				.where("status", "in", ["Pending", "InProgress"])
				.returning(["id", "job_id"])
				.execute(),

		listTasks: (
			executionId: number,
			f: { status?: string; resourceType?: string },
			sort: SortKey[],
			limit: number,
			offset: number,
		) =>
			page(
				"replication_tasks",
				{
					execution_id: executionId,
					status: f.status,
					resource_type: f.resourceType,
				},
				sort,
				"asc",
				limit,
				offset,
			) as Promise<{ rows: TaskRow[]; total: number }>,
		/** Harbor's type of an artifact (IMAGE, CHART…), for the resource filter. */
		typeOf: (repository: string, digest: string) =>
			db
				.selectFrom("artifacts")
				.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
				.select("artifacts.type")
				.where("repositories.name", "=", repository)
				.where("artifacts.digest", "=", digest)
				.executeTakeFirst()
				.then((r) => r?.type),
		/** Labels on an artifact (label filters of event-triggered policies). */
		labelsOf: (repository: string, digest: string) =>
			db
				.selectFrom("artifact_labels")
				.innerJoin("labels", "labels.id", "artifact_labels.label_id")
				.innerJoin("artifacts", "artifacts.id", "artifact_labels.artifact_id")
				.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
				.select("labels.name")
				.where("repositories.name", "=", repository)
				.where("artifacts.digest", "=", digest)
				.execute()
				.then((rows) => rows.map((r) => r.name)),
	};
}

export type ReplicationStore = ReturnType<typeof createReplicationStore>;
