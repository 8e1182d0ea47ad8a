import { queryOptions, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, harborQ, match, query } from "./client.ts";
import { listQuery, type PageParams, pageQuery } from "./list-placeholder.ts";
import { projectPath } from "./projects.ts";
import { useCurrentUser } from "./session.ts";
import { isSystemAdmin } from "./users.ts";

/** Harbor 2.13's AuditLogExt: the legacy AuditLog plus a description and the result. */
export type AuditLog = {
	id: number;
	username: string;
	resource: string;
	resource_type: string;
	operation: string;
	op_time: string;
	operation_description?: string;
	operation_result?: boolean;
};

/**
 * What an event recorded as changed (`sysadmin_flag: false → true`): the server adds it to the description it writes
 * from the row (`update user alice`), after a colon; null when it said nothing more.
 */
export function auditChange(r: AuditLog): string | null {
	const prefix = `${r.operation.replace(/_/g, " ")} ${r.resource_type} ${r.resource}: `;
	return r.operation_description?.startsWith(prefix)
		? r.operation_description.slice(prefix.length)
		: null;
}

/** What a user filters on; `from`/`to` are ISO instants. */
export type AuditFilters = {
	username?: string;
	operation?: string;
	resource?: string;
	resourceType?: string;
	from?: string;
	to?: string;
};

/** `project` set: that project's logs; otherwise the system-wide log. `sort`: `op_time` or `-op_time`. */
export type AuditListParams = PageParams & {
	project?: string;
	filters: AuditFilters;
};

export const auditLogKeys = {
	list: (p: AuditListParams) => ["audit-logs", "list", p] as const,
	events: ["audit-logs", "events"] as const,
};

/** Harbor writes times in `q` as `2024-04-09 02:36:00`, in UTC. */
const qTime = (iso: string | undefined) =>
	iso ? new Date(iso).toISOString().slice(0, 19).replace("T", " ") : undefined;

/** Harbor's `q` for the filters: names and resources match in part, operation and resource type exactly. */
export const auditQ = (f: AuditFilters): string | undefined =>
	harborQ({
		username: match.fuzzy(f.username),
		operation: f.operation,
		resource: match.fuzzy(f.resource),
		resource_type: f.resourceType,
		op_time: match.range(qTime(f.from), qTime(f.to)),
	});

export const getAuditLogs = (p: AuditListParams) => {
	const base = p.project
		? `${projectPath(p.project)}/auditlog-exts`
		: "/api/v2.0/auditlog-exts";
	return api.page<AuditLog>(
		`${base}${query({ ...pageQuery(p), q: auditQ(p.filters) })}`,
	);
};

/** The project is the list's scope: one project's log never stands in for another's (or for the system-wide log). */
export const auditLogsQuery = (p: AuditListParams) =>
	listQuery(auditLogKeys.list(p), () => getAuditLogs(p), ["filters"]);

export const useAuditLogs = (p: AuditListParams) => useQuery(auditLogsQuery(p));

/**
 * The operations and resource types the server records, for the filter selects when the server's own list cannot be
 * read (`/auditlog-exts/events` is for system admins).
 */
export const auditOperations = [
	"create",
	"update",
	"delete",
	"pull",
	"disable",
	"login_failed",
] as const;
export const auditResourceTypes = [
	"artifact",
	"tag",
	"repository",
	"project",
	"member",
	"label",
	"robot",
	"quota",
	"user",
	"configuration",
] as const;

/** Harbor's event types: an operation and a resource type (`create_artifact`, `delete_robot`). */
export type AuditEventType = { event_type: string };

export const getAuditEventTypes = () =>
	api.get<AuditEventType[]>("/api/v2.0/auditlog-exts/events");

export const auditEventTypesQuery = queryOptions({
	queryKey: auditLogKeys.events,
	queryFn: getAuditEventTypes,
	staleTime: Infinity,
});

export type AuditFilterChoices = {
	operations: string[];
	resourceTypes: string[];
};

/**
 * What the filter selects offer: the server's event types split into operation and resource type (`create_artifact`
 * → `create`, `artifact`), first; then every operation and resource type the server records that its list lacks
 * (`disable`, `login_failed`…), so each one stays selectable.
 */
export function auditFilterChoices(
	events: AuditEventType[] | undefined,
): AuditFilterChoices {
	const operations = new Set<string>();
	const resourceTypes = new Set<string>();
	for (const { event_type } of events ?? []) {
		const cut = event_type.indexOf("_");
		if (cut <= 0 || cut === event_type.length - 1) continue;
		operations.add(event_type.slice(0, cut));
		resourceTypes.add(event_type.slice(cut + 1));
	}
	for (const o of auditOperations) operations.add(o);
	for (const r of auditResourceTypes) resourceTypes.add(r);
	return { operations: [...operations], resourceTypes: [...resourceTypes] };
}

/** The filter choices: from the server's list where the user may read it (system admins), else the known list. */
export function useAuditFilterChoices(): AuditFilterChoices {
	const me = useCurrentUser();
	const events = useQuery({
		...auditEventTypesQuery,
		enabled: isSystemAdmin(me.data),
		retry: false,
	});
	return useMemo(() => auditFilterChoices(events.data), [events.data]);
}
