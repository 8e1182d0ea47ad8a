import type { Selectable } from "kysely";
import type { Db } from "../db/database.ts";
import type { Candidate } from "./evaluate.ts";
import type {
	RetentionExecutionsTable,
	RetentionPoliciesTable,
	RetentionStatus,
	RetentionTasksTable,
} from "./tables.ts";

export type RetentionPolicyRow = Selectable<RetentionPoliciesTable>;
export type RetentionExecutionRow = Selectable<RetentionExecutionsTable>;
export type RetentionTaskRow = Selectable<RetentionTasksTable>;

/** SQL for retention: policies (one per project, linked from the project's `retention_id`), executions and tasks. */
export function createRetentionStore(db: Db) {
	return {
		policy: (id: number) =>
			db
				.selectFrom("retention_policies")
				.selectAll()
				.where("id", "=", id)
				.executeTakeFirst(),
		policyOfProject: (projectId: number) =>
			db
				.selectFrom("retention_policies")
				.selectAll()
				.where("project_id", "=", projectId)
				.executeTakeFirst(),

		/** Creates the project's policy and its `retention_id` metadata together; a second policy is a unique violation. */
		createPolicy: (p: Omit<RetentionPolicyRow, "id">) =>
			db.transaction().execute(async (tx) => {
				const { id } = await tx
					.insertInto("retention_policies")
					.values(p)
					.returning("id")
					.executeTakeFirstOrThrow();
				await tx
					.deleteFrom("project_metadata")
					.where("project_id", "=", p.project_id)
					.where("name", "=", "retention_id")
					.execute();
				await tx
					.insertInto("project_metadata")
					.values({
						project_id: p.project_id,
						name: "retention_id",
						value: String(id),
					})
					.execute();
				return id;
			}),
		updatePolicy: (
			id: number,
			patch: Pick<RetentionPolicyRow, "rules" | "trigger" | "update_time">,
		) =>
			db
				.updateTable("retention_policies")
				.set(patch)
				.where("id", "=", id)
				.execute(),
		removePolicy: (p: Pick<RetentionPolicyRow, "id" | "project_id">) =>
			db.transaction().execute(async (tx) => {
				await tx
					.deleteFrom("retention_policies")
					.where("id", "=", p.id)
					.execute();
				await tx
					.deleteFrom("project_metadata")
					.where("project_id", "=", p.project_id)
					.where("name", "=", "retention_id")
					.execute();
			}),

		// ---- executions
		createExecution: (e: Omit<RetentionExecutionRow, "id">) =>
			db
				.insertInto("retention_executions")
				.values(e)
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((r) => r.id),
		execution: (policyId: number, id: number) =>
			db
				.selectFrom("retention_executions")
				.selectAll()
				.where("policy_id", "=", policyId)
				.where("id", "=", id)
				.executeTakeFirst(),
		executionByJob: (jobId: string) =>
			db
				.selectFrom("retention_executions")
				.selectAll()
				.where("job_id", "=", jobId)
				.executeTakeFirst(),
		/** Whether an execution of the policy is pending or running (a deletion waits for it to end). */
		busy: (policyId: number) =>
			db
				.selectFrom("retention_executions")
				.select("id")
				.where("policy_id", "=", policyId)
				.where("status", "in", ["Pending", "Running"])
				.executeTakeFirst()
				.then((r) => !!r),
		async executions(policyId: number, limit: number, offset: number) {
			const q = db
				.selectFrom("retention_executions")
				.where("policy_id", "=", policyId);
			const [rows, count] = await Promise.all([
				q
					.selectAll()
					.orderBy("id", "desc")
					.limit(limit)
					.offset(offset)
					.execute(),
				q
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		updateExecution: (
			id: number,
			patch: Partial<
				Pick<RetentionExecutionRow, "status" | "job_id" | "end_time">
			>,
		) =>
			db
				.updateTable("retention_executions")
				.set(patch)
				.where("id", "=", id)
				.execute(),

		// ---- tasks
		createTask: (t: {
			execution_id: number;
			repository: string;
			status: RetentionStatus;
			start_time: string;
		}) =>
			db
				.insertInto("retention_tasks")
				.values(t)
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((r) => r.id),
		finishTask: (
			id: number,
			patch: Pick<
				RetentionTaskRow,
				"status" | "total" | "retained" | "log" | "end_time"
			>,
		) =>
			db
				.updateTable("retention_tasks")
				.set(patch)
				.where("id", "=", id)
				.execute(),
		/** Repositories this execution already finished (a resumed execution goes on from there). */
		finishedRepositories: (executionId: number) =>
			db
				.selectFrom("retention_tasks")
				.select("repository")
				.where("execution_id", "=", executionId)
				.where("status", "not in", ["Pending", "Running"])
				.execute()
				.then((rows) => new Set(rows.map((r) => r.repository))),
		dropOpenTasks: (executionId: number) =>
			db
				.deleteFrom("retention_tasks")
				.where("execution_id", "=", executionId)
				.where("status", "in", ["Pending", "Running"])
				.execute(),
		/** Tasks a stopped or failed execution left unfinished end with it. */
		endOpenTasks: (executionId: number, status: RetentionStatus, t: string) =>
			db
				.updateTable("retention_tasks")
				.set({ status, end_time: t })
				.where("execution_id", "=", executionId)
				.where("status", "in", ["Pending", "Running"])
				.execute(),
		async tasks(executionId: number, limit: number, offset: number) {
			const q = db
				.selectFrom("retention_tasks")
				.where("execution_id", "=", executionId);
			const [rows, count] = await Promise.all([
				q
					.select([
						"id",
						"execution_id",
						"repository",
						"status",
						"total",
						"retained",
						"start_time",
						"end_time",
					])
					.orderBy("id")
					.limit(limit)
					.offset(offset)
					.execute(),
				q
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		task: (executionId: number, id: number) =>
			db
				.selectFrom("retention_tasks")
				.selectAll()
				.where("execution_id", "=", executionId)
				.where("id", "=", id)
				.executeTakeFirst(),
		/** Counts of what an execution's tasks looked at, kept and (or, dry run, would have) deleted. */
		totals: (executionId: number) =>
			db
				.selectFrom("retention_tasks")
				.where("execution_id", "=", executionId)
				.select((eb) => [
					eb.fn.coalesce(eb.fn.sum<number>("total"), eb.lit(0)).as("total"),
					eb.fn
						.coalesce(eb.fn.sum<number>("retained"), eb.lit(0))
						.as("retained"),
				])
				.executeTakeFirstOrThrow()
				.then((r) => ({
					total: Number(r.total),
					retained: Number(r.retained),
				})),

		// ---- what retention looks at
		project: (id: number) =>
			db
				.selectFrom("projects")
				.select(["id", "name"])
				.where("id", "=", id)
				.executeTakeFirst(),
		repositories: (projectId: number) =>
			db
				.selectFrom("repositories")
				.select(["id", "name"])
				.where("project_id", "=", projectId)
				.orderBy("name")
				.execute(),

		/** A repository's top-level artifacts (Harbor's artifact list: no index children, no accessories) with their tags. */
		async candidates(repositoryId: number): Promise<Candidate[]> {
			const [artifacts, tags] = await Promise.all([
				db
					.selectFrom("artifacts")
					.select(["id", "digest", "type", "push_time", "pull_time"])
					.where("repository_id", "=", repositoryId)
					.where("top_level", "=", 1)
					.orderBy("id")
					.execute(),
				db
					.selectFrom("tags")
					.select(["artifact_id", "name"])
					.where("repository_id", "=", repositoryId)
					.orderBy("name")
					.execute(),
			]);
			const tagsOf = new Map<number, string[]>();
			for (const t of tags) {
				const list = tagsOf.get(t.artifact_id);
				if (list) list.push(t.name);
				else tagsOf.set(t.artifact_id, [t.name]);
			}
			return artifacts.map((a) => ({
				digest: a.digest,
				type: a.type,
				tags: tagsOf.get(a.id) ?? [],
				pushTime: Date.parse(a.push_time),
				pullTime: a.pull_time ? Date.parse(a.pull_time) : null,
			}));
		},
	};
}

export type RetentionStore = ReturnType<typeof createRetentionStore>;
