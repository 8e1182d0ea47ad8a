import { auditEventTypeNames } from "../../audit/event-types.ts";
import {
	type Principal,
	robotProjects,
	rolesAllowing,
	systemAllowed,
} from "../../auth/policy.ts";
import type { Db } from "../../db/database.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import { type AuditRow, type AuditScope, createAuditStore } from "./store.ts";

/** Harbor's AuditLog. */
export const auditLog = (r: AuditRow) => ({
	id: r.id,
	username: r.username,
	resource: r.resource,
	resource_type: r.resource_type,
	operation: r.operation,
	op_time: r.op_time,
});

/**
 * Harbor 2.13's AuditLogExt, answered from the same rows: the description is what the event recorded as changed
 * (`update user alice: sysadmin_flag: false → true`) or else written from the row, and an operation
 * whose name ends in `_failed` (a refused login) is the one kind of failure the log records.
 */
export const auditLogExt = (r: AuditRow) => ({
	...auditLog(r),
	operation_description: `${r.operation.replace(/_/g, " ")} ${r.resource_type} ${r.resource}${r.description ? `: ${r.description}` : ""}`,
	operation_result: !r.operation.endsWith("_failed"),
});

/** Harbor's event types (`/auditlog-exts/events`). */
export const auditEventTypes = auditEventTypeNames.map((event_type) => ({
	event_type,
}));

export type AuditPage = {
	conditions: Condition[];
	sort: SortKey[];
	limit: number;
	offset: number;
};

/** The audit log: who sees which rows. */
export function createAuditLogService(deps: { db: Db }) {
	const store = createAuditStore(deps.db);
	return {
		/**
		 * `/audit-logs`: everything for system admins (and robots granted audit-log list); for others, the projects where
		 * the policy lets them list logs (Harbor: ProjectAdmin), as Harbor's handler filters.
		 */
		async scopeOf(p: Principal): Promise<AuditScope> {
			if (systemAllowed(p, "audit-log", "list")) return { kind: "all" };
			if (p.kind === "user")
				return {
					kind: "projects",
					ids: await store.projectsWithRole(
						{ userId: p.id, groupIds: p.groupIds },
						rolesAllowing("log", "list"),
					),
				};
			if (p.kind !== "robot") return { kind: "projects", ids: [] };
			const ids = robotProjects(p.permissions, {
				resource: "log",
				action: "list",
			});
			return ids === "all"
				? { kind: "any-project" }
				: { kind: "projects", ids };
		},
		list: (scope: AuditScope, page: AuditPage) =>
			store.list(scope, page.conditions, page.sort, page.limit, page.offset),
	};
}
