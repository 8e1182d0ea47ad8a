import type { AuditSink } from "../../core/access.ts";
import { now } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import {
	type Retention,
	storedRules,
	storedTrigger,
} from "../../retention/retention.ts";
import {
	retentionJobType,
	type TaskLogRow,
} from "../../retention/retention-job.ts";
import {
	type PolicyBody,
	RuleError,
	ruleJson,
	rulesOf,
	selectorKinds,
	templates,
} from "../../retention/rules.ts";
import type {
	RetentionExecutionRow,
	RetentionPolicyRow,
	RetentionTaskRow,
} from "../../retention/store.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";

type Project = { id: number; name: string };

/** GET /retentions/metadatas: Harbor's templates and selectors, with Wharf's `regex` kind beside `doublestar`. */
export function retentionMetadata() {
	return {
		templates: Object.entries(templates).map(([name, t]) => ({
			rule_template: name,
			display_text: t.display,
			action: "retain",
			params: t.unit ? [{ type: "int", unit: t.unit, required: true }] : [],
		})),
		scope_selectors: selectorKinds.map((kind) => ({
			display_text: "Repositories",
			kind,
			decorations: ["repoMatches", "repoExcludes"],
		})),
		tag_selectors: selectorKinds.map((kind) => ({
			display_text: "Tags",
			kind,
			decorations: ["matches", "excludes"],
		})),
	};
}

const cronOf = (body: PolicyBody) => body.trigger?.settings?.cron?.trim() ?? "";

/** Harbor's RetentionPolicy JSON. */
export function policyJson(p: RetentionPolicyRow, nextRun: string | null) {
	const trigger = JSON.parse(p.trigger) as {
		kind: string;
		settings: { cron: string };
	};
	return {
		id: p.id,
		algorithm: "or",
		rules: storedRules(p.rules).map(ruleJson),
		// Beyond Harbor: when the schedule fires next.
		trigger: {
			...trigger,
			references: {},
			...(nextRun ? { next_scheduled_time: nextRun } : {}),
		},
		scope: { level: "project", ref: p.project_id },
	};
}

export const executionJson = (e: RetentionExecutionRow) => ({
	id: e.id,
	policy_id: e.policy_id,
	start_time: e.start_time,
	end_time: e.end_time ?? "",
	status: e.status,
	trigger: e.trigger,
	dry_run: !!e.dry_run,
});

export const taskJson = (t: Omit<RetentionTaskRow, "log">) => ({
	id: t.id,
	execution_id: t.execution_id,
	repository: t.repository,
	job_id: "",
	status: t.status,
	status_code: t.status === "Running" ? 2 : t.end_time ? 3 : 0,
	status_revision: 0,
	start_time: t.start_time,
	end_time: t.end_time ?? "",
	total: t.total,
	retained: t.retained,
});

/** A task's table as Harbor's task log shows it: one artifact a line, RETAIN or DEL, and (beyond Harbor) why. */
export function taskLogText(rows: TaskLogRow[]): string {
	const head = [
		"Digest",
		"Tag",
		"Kind",
		"PushedTime",
		"PulledTime",
		"Retention",
		"Why",
	];
	const lines = rows.map((r) => [
		r.digest,
		r.tags.join(",") || "<none>",
		r.kind,
		r.pushed,
		r.pulled ?? "-",
		r.action,
		r.why,
	]);
	const widths = head.map((h, i) =>
		Math.max(h.length, ...lines.map((l) => l[i].length)),
	);
	const row = (cells: string[]) =>
		`| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
	const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
	return [rule, row(head), rule, ...lines.map(row), rule, ""].join("\n");
}

/**
 * The rules of the `Retention` API: one policy per project (its id in the project's `retention_id`), its schedule,
 * executions one at a time per policy, dry runs, stop, and the per-repository tasks with their tables.
 */
export function createRetentionService(deps: {
	retention: Retention;
	audit: AuditSink;
}) {
	const { store, jobs } = deps.retention;
	const record = (
		project: Project,
		operator: string,
		resource: string,
		operation: string,
	) =>
		deps.audit.record({
			project: project.name,
			operator,
			resource,
			resourceType: "retention",
			operation,
		});

	const rules = (body: PolicyBody) => {
		try {
			return rulesOf(body);
		} catch (e) {
			if (e instanceof RuleError) throw badRequest(e.message);
			throw e;
		}
	};

	const service = {
		async policy(id: number): Promise<RetentionPolicyRow> {
			const p = await store.policy(id);
			if (!p) throw notFound(`retention policy ${id} not found`);
			return p;
		},

		json: async (p: RetentionPolicyRow) =>
			policyJson(p, await deps.retention.nextRun(p.id)),

		/** Creates the project's policy; 409 when it has one (update that one instead). */
		async create(
			project: Project,
			body: PolicyBody,
			operator: string,
		): Promise<number> {
			const r = rules(body);
			const cron = cronOf(body);
			const t = now();
			let id: number;
			try {
				id = await store.createPolicy({
					project_id: project.id,
					rules: JSON.stringify(r),
					trigger: storedTrigger(cron),
					creation_time: t,
					update_time: t,
				});
			} catch (e) {
				if (isUniqueViolation(e))
					throw new ApiError(
						"CONFLICT",
						`project ${project.name} already has a retention policy: update it instead`,
					);
				throw e;
			}
			try {
				await deps.retention.schedule(id, cron); // a cron Harbor would refuse: CronError → 400
			} catch (e) {
				await store.removePolicy({ id, project_id: project.id });
				throw e;
			}
			record(
				project,
				operator,
				`retention policy ${id} (${r.length} rules${cron ? `, schedule ${cron}` : ""})`,
				"create",
			);
			return id;
		},

		async update(
			project: Project,
			p: RetentionPolicyRow,
			body: PolicyBody,
			operator: string,
		) {
			if (body.scope.ref !== p.project_id)
				throw badRequest(
					"a retention policy stays with its project: scope.ref must be its project id",
				);
			const r = rules(body);
			const cron = cronOf(body);
			await deps.retention.schedule(p.id, cron);
			await store.updatePolicy(p.id, {
				rules: JSON.stringify(r),
				trigger: storedTrigger(cron),
				update_time: now(),
			});
			record(
				project,
				operator,
				`retention policy ${p.id} (${r.length} rules${cron ? `, schedule ${cron}` : ""})`,
				"update",
			);
		},

		async remove(project: Project, p: RetentionPolicyRow, operator: string) {
			if (await store.busy(p.id))
				throw new ApiError(
					"PRECONDITION",
					"an execution of this retention policy is running: stop it or wait for it to end",
				);
			await deps.retention.schedule(p.id, "");
			await store.removePolicy(p);
			record(project, operator, `retention policy ${p.id}`, "delete");
		},

		/** Starts an execution now (one at a time per policy); answers its id. */
		async run(
			project: Project,
			p: RetentionPolicyRow,
			dryRun: boolean,
			operator: string,
		): Promise<number> {
			if (storedRules(p.rules).length === 0)
				throw badRequest("the retention policy has no rules: add one first");
			if (await store.busy(p.id))
				throw new ApiError(
					"CONFLICT",
					"an execution of this retention policy is already running: wait for it to end or stop it",
				);
			const id = await store.createExecution({
				policy_id: p.id,
				job_id: null,
				status: "Pending",
				trigger: "MANUAL",
				dry_run: dryRun ? 1 : 0,
				start_time: now(),
				end_time: null,
			});
			try {
				await store.updateExecution(id, {
					job_id: await jobs.enqueue(
						retentionJobType,
						{ policyId: p.id, executionId: id },
						{ attempts: 1 },
					),
				});
			} catch (e) {
				await store.updateExecution(id, { status: "Failed", end_time: now() });
				throw e;
			}
			record(
				project,
				operator,
				`retention execution ${id}${dryRun ? " (dry run)" : ""}`,
				"create",
			);
			return id;
		},

		async execution(p: RetentionPolicyRow, eid: number) {
			const e = await store.execution(p.id, eid);
			if (!e) throw notFound(`retention execution ${eid} not found`);
			return e;
		},

		async stop(
			project: Project,
			p: RetentionPolicyRow,
			eid: number,
			operator: string,
		) {
			const e = await service.execution(p, eid);
			if (e.status !== "Pending" && e.status !== "Running") return;
			if (e.job_id) await jobs.stop(e.job_id);
			// Stopped while still queued: it never runs, so nothing else ends it.
			const after = await store.execution(p.id, eid);
			if (after?.status === "Pending") {
				const t = now();
				await store.updateExecution(eid, { status: "Stopped", end_time: t });
				await store.endOpenTasks(eid, "Stopped", t);
			}
			record(project, operator, `retention execution ${eid}`, "stop");
		},

		async taskLog(
			p: RetentionPolicyRow,
			eid: number,
			tid: number,
		): Promise<TaskLogRow[]> {
			await service.execution(p, eid);
			const t = await store.task(eid, tid);
			if (!t) throw notFound(`retention task ${tid} not found`);
			return t.log ? (JSON.parse(t.log) as TaskLogRow[]) : [];
		},
	};
	return service;
}
