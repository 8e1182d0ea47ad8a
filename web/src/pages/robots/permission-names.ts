import type { TFunction } from "i18next";
import type { RobotAccess, RobotPermission } from "../../api/robots.ts";

/** The order actions are shown in: Harbor's CRUDL, then the registry's and the job actions. */
export const actionOrder = [
	"list",
	"read",
	"create",
	"update",
	"delete",
	"pull",
	"push",
	"stop",
];

export const accessKey = (a: RobotAccess) => `${a.resource}:${a.action}`;

/** A resource's name in the user's language; a resource the console does not know yet keeps its API name. */
export const resourceName = (t: TFunction, resource: string) =>
	t(`robots.resource.${resource}`, { defaultValue: resource });
export const actionName = (t: TFunction, action: string) =>
	t(`robots.action.${action}`, { defaultValue: action });

/** Accesses grouped by resource, actions in display order: `{ repository: ['pull', 'push'] }`. */
export function byResource(access: RobotAccess[]): Map<string, string[]> {
	const m = new Map<string, string[]>();
	for (const a of access)
		m.set(a.resource, [...(m.get(a.resource) ?? []), a.action]);
	const rank = (x: string) =>
		(actionOrder.indexOf(x) + actionOrder.length + 1) %
		(actionOrder.length + 1);
	for (const [r, acts] of m)
		m.set(
			r,
			[...new Set(acts)].sort(
				(x, y) => rank(x) - rank(y) || x.localeCompare(y),
			),
		);
	return m;
}

/** "Repository: pull, push · Artifact: read", cut after a few resources with how many more there are. */
export function accessSummary(
	t: TFunction,
	access: RobotAccess[],
	max = 3,
): string {
	const groups = [...byResource(access)];
	const shown = groups
		.slice(0, max)
		.map(
			([r, acts]) =>
				`${resourceName(t, r)}: ${acts.map((a) => actionName(t, a)).join(", ")}`,
		);
	const more = groups.length - shown.length;
	return [
		shown.join(" · "),
		more > 0 ? t("robots.summary.more", { count: more }) : "",
	]
		.filter(Boolean)
		.join(" ");
}

/** Where a robot's project grants apply: one line per kind of coverage. */
export function coverageSummary(
	t: TFunction,
	permissions: RobotPermission[],
): string[] {
	const project = permissions.filter((p) => p.kind === "project");
	const system = permissions.filter((p) => p.kind === "system");
	const lines: string[] = [];
	if (project.some((p) => p.namespace === "*"))
		lines.push(t("robots.summary.allProjects"));
	else if (project.length)
		lines.push(
			t("robots.summary.projects", {
				count: project.length,
				names: project.map((p) => p.namespace).join(", "),
			}),
		);
	if (system.length) lines.push(t("robots.summary.system"));
	return lines;
}
