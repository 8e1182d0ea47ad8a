import type { AuditSink } from "../../core/access.ts";
import { now } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import { type ImmutableTags, selectorsOfRow } from "./immutable-tags.ts";
import {
	maxRulesPerProject,
	type RuleBody,
	selectorsOf,
	storedScopeSelectors,
	storedTagSelectors,
} from "./rules.ts";
import type { ImmutableRuleRow, ImmutableRuleStore } from "./store.ts";

/** The `ImmutableRule` model as Harbor writes it (with the project's id, as Harbor's rule row has). */
export function ruleJson(r: ImmutableRuleRow) {
	const s = selectorsOfRow(r);
	return {
		id: r.id,
		project_id: r.project_id,
		priority: r.priority,
		disabled: !!r.disabled,
		action: "immutable",
		template: "immutable_template",
		tag_selectors: [s.tag],
		scope_selectors: { repository: [s.repository] },
	};
}

/** How a rule reads in the audit log: its repositories and tags. */
const described = (
	r: Pick<ImmutableRuleRow, "id" | "tag_selectors" | "scope_selectors">,
) => {
	const s = selectorsOfRow(r);
	return `rule ${r.id}: repositories ${s.repository.decoration} ${s.repository.pattern}, tags ${s.tag.decoration} ${s.tag.pattern}`;
};

const duplicate = () =>
	new ApiError(
		"CONFLICT",
		"an immutable tag rule with the same selectors already exists in this project",
	);

/**
 * Immutable tag rules: at most 15 per project, each unique in it; every change drops the project's cached rules, so
 * the next push or deletion obeys it.
 */
export function createImmutableRuleService(deps: {
	store: ImmutableRuleStore;
	tags: ImmutableTags;
	audit: AuditSink;
}) {
	const { store, tags, audit } = deps;
	type Project = { id: number; name: string };

	async function get(project: Project, id: number) {
		const r = await store.byId(project.id, id);
		if (!r)
			throw notFound(
				`immutable tag rule ${id} not found in project ${project.name}`,
			);
		return r;
	}

	return {
		list: (project: Project, limit: number, offset: number) =>
			store.list(project.id, limit, offset),

		async create(
			project: Project,
			body: RuleBody,
			operator: string,
		): Promise<number> {
			const s = selectorsOf(body);
			if ((await store.count(project.id)) >= maxRulesPerProject) {
				throw badRequest(
					`a project holds at most ${maxRulesPerProject} immutable tag rules: delete one first`,
				);
			}
			const t = now();
			let id: number;
			try {
				id = await store.create({
					project_id: project.id,
					disabled: body.disabled ? 1 : 0,
					priority: body.priority ?? 0,
					tag_selectors: storedTagSelectors(s),
					scope_selectors: storedScopeSelectors(s),
					creation_time: t,
					update_time: t,
				});
			} catch (e) {
				if (isUniqueViolation(e)) throw duplicate();
				throw e;
			}
			tags.invalidate(project.id);
			audit.record({
				project: project.name,
				operator,
				resource: described({
					id,
					tag_selectors: storedTagSelectors(s),
					scope_selectors: storedScopeSelectors(s),
				}),
				resourceType: "immutable_tag_rule",
				operation: "create",
			});
			return id;
		},

		/** Replaces the rule's selectors, priority and disabled switch (a body leaving either out keeps it). */
		async update(
			project: Project,
			id: number,
			body: RuleBody,
			operator: string,
		) {
			if (body.id !== undefined && body.id !== id)
				throw badRequest(
					"the immutable_rule_id does not match the id in the body",
				);
			const s = selectorsOf(body);
			const r = await get(project, id);
			const patch = {
				tag_selectors: storedTagSelectors(s),
				scope_selectors: storedScopeSelectors(s),
				priority: body.priority ?? r.priority,
				disabled:
					body.disabled === undefined ? r.disabled : body.disabled ? 1 : 0,
				update_time: now(),
			};
			try {
				await store.update(id, patch);
			} catch (e) {
				if (isUniqueViolation(e)) throw duplicate();
				throw e;
			}
			tags.invalidate(project.id);
			audit.record({
				project: project.name,
				operator,
				resource: described({ id, ...patch }),
				resourceType: "immutable_tag_rule",
				operation: "update",
			});
		},

		async remove(project: Project, id: number, operator: string) {
			const r = await get(project, id);
			await store.remove(id);
			tags.invalidate(project.id);
			audit.record({
				project: project.name,
				operator,
				resource: described(r),
				resourceType: "immutable_tag_rule",
				operation: "delete",
			});
		},
	};
}
