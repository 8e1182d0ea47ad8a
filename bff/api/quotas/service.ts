import type { ApiDeps } from "../deps.ts";
import { badRequest, notFound } from "../errors.ts";
import type { SortKey } from "../harbor-query.ts";
import { maxId } from "../request-body.ts";
import { createQuotaStore, type QuotaRow, unlimited } from "./store.ts";

/** Harbor's Quota: storage is the only resource; `ref` names the project it limits. */
const toQuota = (q: QuotaRow) => ({
	id: q.id,
	ref: { id: q.id, name: q.name, owner_name: q.owner_name ?? "" },
	hard: { storage: q.hard },
	used: { storage: q.used },
	creation_time: q.creation_time,
	update_time: q.update_time,
});

/** Quota rules: list and read limits with derived usage, change a project's hard limit. */
export function createQuotaService(deps: Pick<ApiDeps, "db" | "audit">) {
	const store = createQuotaStore(deps.db);
	return {
		/** `reference` other than `project` names nothing Wharf limits, so it lists nothing. */
		async list(
			filter: {
				reference?: string;
				referenceId?: string;
				projectName?: string;
			},
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			if (filter.reference !== undefined && filter.reference !== "project")
				return { items: [], total: 0 };
			if (
				filter.referenceId !== undefined &&
				!(
					/^\d+$/.test(filter.referenceId) &&
					Number(filter.referenceId) <= maxId
				)
			)
				return { items: [], total: 0 };
			const projectId =
				filter.referenceId === undefined
					? undefined
					: Number(filter.referenceId);
			const { rows, total } = await store.list(
				projectId,
				sort,
				limit,
				offset,
				filter.projectName || undefined,
			);
			return { items: rows.map(toQuota), total };
		},

		async get(id: number) {
			const q = await store.get(id);
			if (!q) throw notFound(`quota ${id} not found`);
			return toQuota(q);
		},

		/** A limit below current usage is allowed (as Harbor, #15615): further pushes then fail. */
		async update(id: number, hard: Record<string, number>, operator: string) {
			const unknown = Object.keys(hard).filter((k) => k !== "storage");
			if (unknown.length)
				throw badRequest(
					`unsupported quota resource: ${unknown.join(", ")} (supported: storage)`,
				);
			if (hard.storage === undefined)
				throw badRequest("hard.storage is required");
			if (hard.storage < unlimited)
				throw badRequest(
					"hard.storage must be -1 (unlimited) or a number of bytes",
				);
			const q = await store.get(id);
			if (!q) throw notFound(`quota ${id} not found`);
			await store.setHard(id, hard.storage);
			deps.audit.record({
				project: q.name,
				operator,
				resource: q.name,
				resourceType: "quota",
				operation: "update",
			});
		},
	};
}
