import type { AuditSink } from "../../core/access.ts";
import { now } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import { ApiError, notFound } from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import type { LabelRow, LabelScope, LabelStore } from "./store.ts";

export type LabelInput = { name: string; description?: string; color?: string };

/** The `Label` model as Harbor writes it. */
export const labelJson = (
	l: Pick<
		LabelRow,
		| "id"
		| "name"
		| "description"
		| "color"
		| "scope"
		| "project_id"
		| "creation_time"
		| "update_time"
	>,
) => ({
	id: l.id,
	name: l.name,
	description: l.description,
	color: l.color,
	scope: l.scope,
	project_id: l.project_id,
	creation_time: l.creation_time,
	update_time: l.update_time,
});

const taken = (name: string) =>
	new ApiError(
		"CONFLICT",
		`a label named ${name} already exists in this scope`,
	);

/** Label rules: names unique per scope (global, or one project); a label's scope never changes. */
export function createLabelService(deps: {
	store: LabelStore;
	audit: AuditSink;
}) {
	const { store } = deps;
	return {
		list: (
			s: LabelScope,
			name: string | undefined,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) => store.list(s, name, conditions, sort, limit, offset),

		async get(id: number): Promise<LabelRow> {
			const l = await store.byId(id);
			if (!l) throw notFound(`label ${id} not found`);
			return l;
		},

		async create(
			s: LabelScope,
			input: LabelInput,
			operator: string,
			projectName: string | null,
		): Promise<number> {
			const t = now();
			try {
				const id = await store.create({
					name: input.name,
					description: input.description ?? "",
					color: input.color ?? "",
					scope: s.scope,
					project_id: s.scope === "p" ? s.projectId : 0,
					creation_time: t,
					update_time: t,
				});
				deps.audit.record({
					project: projectName,
					operator,
					resource: input.name,
					resourceType: "label",
					operation: "create",
				});
				return id;
			} catch (e) {
				if (isUniqueViolation(e)) throw taken(input.name);
				throw e;
			}
		},

		async update(label: LabelRow, input: Partial<LabelInput>) {
			try {
				await store.update(label.id, { ...input, update_time: now() });
			} catch (e) {
				if (isUniqueViolation(e)) throw taken(input.name ?? label.name);
				throw e;
			}
		},

		/** Deleting a label detaches it from every artifact (by cascade). */
		async remove(
			label: LabelRow,
			operator: string,
			projectName: string | null,
		) {
			await store.remove(label.id);
			deps.audit.record({
				project: projectName,
				operator,
				resource: label.name,
				resourceType: "label",
				operation: "delete",
			});
		},
	};
}

export type LabelService = ReturnType<typeof createLabelService>;
