import type { Jobs } from "../../jobs/jobs.ts";
import { notFound } from "../errors.ts";
import type { SortKey } from "../harbor-query.ts";
import { loggable } from "./delivery.ts";
import type { StoredTarget } from "./policies.ts";
import type { WebhookStore } from "./store.ts";

/** Harbor's views of a policy's executions (one per event), their tasks (one per target) and a task's log. */
export function createWebhookExecutions(deps: {
	store: WebhookStore;
	jobs: Jobs;
}) {
	const { store } = deps;

	async function execution(policyId: number, id: number) {
		const e = await store.execution(id);
		if (!e || e.policy_id !== policyId)
			throw notFound(`webhook execution ${id} not found`);
		return e;
	}

	return {
		async list(
			policyId: number,
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			const { rows, total } = await store.listExecutions(
				policyId,
				sort,
				limit,
				offset,
			);
			const metrics = await store.metricsOf(rows.map((r) => r.id));
			return {
				total,
				items: rows.map((e) => ({
					id: e.id,
					vendor_type: "WEBHOOK",
					vendor_id: e.policy_id,
					status: e.status,
					status_message: "",
					metrics: metrics.get(e.id)!,
					trigger: "EVENT",
					extra_attrs: { event_type: e.event_type },
					start_time: e.start_time,
					...(e.end_time ? { end_time: e.end_time } : {}),
				})),
			};
		},

		async tasks(
			policyId: number,
			executionId: number,
			limit: number,
			offset: number,
		) {
			const e = await execution(policyId, executionId);
			const { rows, total } = await store.listTasks(e.id, limit, offset);
			return {
				total,
				items: rows.map((t) => {
					const target = JSON.parse(t.target) as StoredTarget;
					return {
						id: t.id,
						execution_id: t.execution_id,
						status: t.status,
						status_message: t.status_text,
						run_count: t.run_count,
						extra_attrs: {
							event_type: e.event_type,
							notify_type: target.type,
							address: loggable(target.address),
							payload_format: target.payload_format,
							payload: (JSON.parse(t.payload) as { body: string }).body,
						},
						creation_time: t.creation_time,
						update_time: t.update_time,
						...(t.start_time ? { start_time: t.start_time } : {}),
						...(t.end_time ? { end_time: t.end_time } : {}),
					};
				}),
			};
		},

		/** A task's plain-text log: its job's lines (request and answer of each try), and why it ended when it failed. */
		async log(
			policyId: number,
			executionId: number,
			taskId: number,
		): Promise<string> {
			await execution(policyId, executionId);
			const t = await store.task(taskId);
			if (!t || t.execution_id !== executionId)
				throw notFound(
					`task ${taskId} of webhook execution ${executionId} not found`,
				);
			const lines = t.job_id ? ((await deps.jobs.log(t.job_id)) ?? []) : [];
			if (
				t.status === "Error" &&
				t.status_text &&
				!lines.includes(t.status_text)
			)
				lines.push(t.status_text);
			return lines.length ? `${lines.join("\n")}\n` : "";
		},
	};
}

export type WebhookExecutions = ReturnType<typeof createWebhookExecutions>;
