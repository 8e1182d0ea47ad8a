import type { PullableProjects } from "../core/access.ts";

/**
 * The one authorization policy: Harbor's permission matrix (src/common/rbac/project/rbac_role.go), consulted by
 * /v2 and /api/v2.0 alike. Roles: 1 ProjectAdmin, 2 Developer, 3 Guest, 4 Maintainer, 5 LimitedGuest.
 */
export const roles = {
	projectAdmin: 1,
	developer: 2,
	guest: 3,
	maintainer: 4,
	limitedGuest: 5,
} as const;
export type RoleId = (typeof roles)[keyof typeof roles];
export const roleNames: Record<RoleId, string> = {
	1: "projectAdmin",
	2: "developer",
	3: "guest",
	4: "maintainer",
	5: "limitedGuest",
};

export type Action =
	| "create"
	| "read"
	| "update"
	| "delete"
	| "list"
	| "pull"
	| "push"
	| "operate"
	| "stop"
	| "scanner-pull";

/** Actions per resource, written as Harbor's letters: C R U D L plus pull, push, op(erate), stop. */
type Grants = Record<string, string>;

const projectAdmin: Grants = {
	project: "R U D",
	member: "C R U D L",
	metadata: "C R U D",
	log: "L",
	label: "C R U D L",
	quota: "R",
	repository: "C R U D L pull push",
	"tag-retention": "C R U D L op",
	"immutable-tag": "C U D L",
	configuration: "R U",
	robot: "C R U D L",
	"notification-policy": "C R U D L",
	scan: "C R stop",
	sbom: "C R stop",
	scanner: "R C",
	artifact: "C R D L",
	"artifact-addition": "R",
	tag: "C D L",
	accessory: "L",
	"artifact-label": "C D",
	"preheat-policy": "C R U D L",
	"export-cve": "C R L",
};
const maintainer: Grants = {
	project: "R",
	member: "R L",
	metadata: "R",
	label: "C R U D L",
	quota: "R",
	repository: "C R U D L pull push",
	"tag-retention": "C R U D L op",
	"immutable-tag": "C U D L",
	configuration: "R",
	robot: "R L",
	"notification-policy": "L",
	scan: "C R stop",
	sbom: "C R stop",
	scanner: "R",
	artifact: "C R D L",
	"artifact-addition": "R",
	tag: "C D L",
	accessory: "L",
	"artifact-label": "C D",
	"export-cve": "C R L",
};
const developer: Grants = {
	project: "R",
	member: "R L",
	label: "R L",
	quota: "R",
	repository: "C R U L pull push",
	"tag-retention": "C R U D L op",
	configuration: "R",
	robot: "R L",
	scan: "R",
	sbom: "R",
	scanner: "R",
	artifact: "C R L",
	"artifact-addition": "R",
	tag: "C L",
	accessory: "L",
	"artifact-label": "C D",
	"export-cve": "C R L",
};
const guest: Grants = {
	project: "R",
	member: "R L",
	label: "R L",
	quota: "R",
	repository: "R L pull",
	configuration: "R",
	robot: "R L",
	scan: "R",
	sbom: "R",
	scanner: "R",
	artifact: "R L",
	"artifact-addition": "R",
	tag: "L",
	accessory: "L",
};
const limitedGuest: Grants = {
	project: "R",
	quota: "R",
	repository: "R L pull",
	configuration: "R",
	scan: "R",
	sbom: "R",
	scanner: "R",
	artifact: "R L",
	"artifact-addition": "R",
	tag: "L",
	accessory: "L",
};
/** What everyone, anonymous included, may do in a public project. */
const publicProject: Grants = {
	project: "R",
	label: "R L",
	repository: "L pull",
	scan: "R",
	scanner: "R",
	tag: "L",
	artifact: "R L",
	"artifact-addition": "R",
	accessory: "L",
};

const letters: Record<string, Action> = {
	C: "create",
	R: "read",
	U: "update",
	D: "delete",
	L: "list",
	op: "operate",
};
const actionsOf = (acts: string) =>
	acts.split(" ").map((a) => letters[a] ?? (a as Action));
const expand = (g: Grants) =>
	new Map(
		Object.entries(g).map(([res, acts]) => [res, new Set(actionsOf(acts))]),
	);
/** Grants written as letters, as resource and action pairs. */
export const grantList = (g: Grants) =>
	Object.entries(g).flatMap(([resource, acts]) =>
		actionsOf(acts).map((action) => ({ resource, action })),
	);

const byRole = new Map<number, Map<string, Set<Action>>>([
	[roles.projectAdmin, expand(projectAdmin)],
	[roles.maintainer, expand(maintainer)],
	[roles.developer, expand(developer)],
	[roles.guest, expand(guest)],
	[roles.limitedGuest, expand(limitedGuest)],
]);
const publicGrants = expand(publicProject);

/** What a robot was granted (Harbor's RobotPermission): `kind` system (namespace `/`) or project (a project name, or `*`). */
export type RobotAccess = { resource: string; action: string };
export type RobotPermission = {
	kind: "system" | "project";
	namespace: string;
	access: RobotAccess[];
	/** The granted project's id (project grants other than `*`): a grant binds to the project, never to a name that a new project could take. */
	projectId?: number;
};

export type Principal =
	| { kind: "anonymous"; name: "anonymous" }
	/** `groupIds`: the user groups the user's last sign-in through a directory found them in (project members too). */
	| {
			kind: "user";
			id: number;
			name: string;
			sysadmin: boolean;
			groupIds?: number[];
	  }
	| { kind: "robot"; id: number; name: string; permissions: RobotPermission[] };

export const anonymous: Principal = { kind: "anonymous", name: "anonymous" };

/** What the policy needs to know of a project for one principal: its id (robot grants bind to it), openness, the member role. */
export type ProjectStanding = {
	id: number;
	public: boolean;
	role: number | null;
};

const robotCovers = (
	p: RobotPermission,
	kind: RobotPermission["kind"],
	projectId: number | null,
) =>
	p.kind === kind &&
	(kind === "system" ||
		p.namespace === "*" ||
		(p.projectId !== undefined && p.projectId === projectId));

const accessCovers = (
	access: RobotAccess[],
	resource: string,
	action: string,
) =>
	access.some(
		(a) =>
			(a.resource === resource || a.resource === "*") &&
			(a.action === action || a.action === "*"),
	);

/** A robot may do exactly what its permissions say: never more through membership or a public project. */
function robotAllowed(
	permissions: RobotPermission[],
	kind: RobotPermission["kind"],
	projectId: number | null,
	resource: string,
	action: string,
) {
	return permissions.some(
		(p) =>
			robotCovers(p, kind, projectId) &&
			accessCovers(p.access, resource, action),
	);
}

/**
 * The projects a robot's grants reach (for `resource` and `action`, or for anything when not given), for lists that
 * filter in SQL: every project (a `*` grant), or these project ids.
 */
export function robotProjects(
	permissions: RobotPermission[],
	grant?: { resource: string; action: Action },
): "all" | number[] {
	const reaching = permissions.filter(
		(p) =>
			p.kind === "project" &&
			(grant
				? accessCovers(p.access, grant.resource, grant.action)
				: p.access.length > 0),
	);
	if (reaching.some((p) => p.namespace === "*")) return "all";
	return reaching.flatMap((p) =>
		p.projectId === undefined ? [] : [p.projectId],
	);
}

/** How much a role may do, most first: where a user is a member several ways (themselves, groups), the highest wins. */
const strength: RoleId[] = [
	roles.projectAdmin,
	roles.maintainer,
	roles.developer,
	roles.guest,
	roles.limitedGuest,
];
export const strongestRole = (held: number[]): number | null =>
	strength.find((r) => held.includes(r)) ?? (held.length ? held[0] : null);

/** May `principal` do `action` on `resource` in a project where it stands as `standing` (null: no such project)? */
export function allowed(
	principal: Principal,
	standing: ProjectStanding | null,
	resource: string,
	action: Action,
): boolean {
	// A system admin may do anything, and may learn that a project does not exist (callers then answer "not found").
	if (principal.kind === "user" && principal.sysadmin) return true;
	if (!standing) return false;
	if (principal.kind === "robot")
		return robotAllowed(
			principal.permissions,
			"project",
			standing.id,
			resource,
			action,
		);
	if (
		standing.role !== null &&
		byRole.get(standing.role)?.get(resource)?.has(action)
	)
		return true;
	return standing.public && (publicGrants.get(resource)?.has(action) ?? false);
}

/** May `principal` do `action` on a system-level resource (users, robots, registries…)? System admins, and robots granted it. */
export function systemAllowed(
	principal: Principal,
	resource: string,
	action: Action,
): boolean {
	if (principal.kind === "user") return principal.sysadmin;
	return (
		principal.kind === "robot" &&
		robotAllowed(principal.permissions, "system", null, resource, action)
	);
}

/**
 * May the principal change user `userId`'s profile, password or CLI secret? Harbor's `modifiable`: the user itself or a
 * system administrator, who is a user and never a robot (a robot's `user:update` would otherwise take any account over).
 */
export const mayModifyUser = (principal: Principal, userId: number) =>
	principal.kind === "user" && (principal.id === userId || principal.sysadmin);

/** May the principal see that the project exists at all? A robot sees the projects it holds any grant in. */
export const canSeeProject = (
	principal: Principal,
	standing: ProjectStanding | null,
) => {
	if (standing === null) return false;
	if (principal.kind === "robot")
		return principal.permissions.some(
			(p) => robotCovers(p, "project", standing.id) && p.access.length > 0,
		);
	return allowed(principal, standing, "project", "read");
};

/** The project roles whose grants include `action` on `resource` (for listing in SQL what a member may see). */
export const rolesAllowing = (resource: string, action: Action) =>
	[...byRole]
		.filter(([, grants]) => grants.get(resource)?.has(action))
		.map(([role]) => role);

/** Every resource and action some project role holds: what a permission query about a project asks of the policy. */
export const projectActions = (): { resource: string; action: Action }[] => {
	const all = new Map<string, Set<Action>>();
	for (const grants of byRole.values())
		for (const [res, acts] of grants)
			all.set(res, new Set([...(all.get(res) ?? []), ...acts]));
	return [...all].flatMap(([resource, acts]) =>
		[...acts].map((action) => ({ resource, action })),
	);
};

/** What the principal may do in a project it can see: Harbor's relative permissions (`/users/current/permissions`). */
export const allowedInProject = (
	principal: Principal,
	standing: ProjectStanding,
) =>
	projectActions().filter((p) =>
		allowed(principal, standing, p.resource, p.action),
	);

/** The projects whose repositories the principal may pull, as the matrix says, for the catalog's SQL. */
export function pullableProjects(principal: Principal): PullableProjects {
	if (principal.kind === "user" && principal.sysadmin) return { all: true };
	if (principal.kind === "robot") {
		const ids = robotProjects(principal.permissions, {
			resource: "repository",
			action: "pull",
		});
		return ids === "all"
			? { all: true }
			: { all: false, publicProjects: false, projectIds: ids };
	}
	const publicProjects = publicGrants.get("repository")?.has("pull") ?? false;
	if (principal.kind === "anonymous") return { all: false, publicProjects };
	return {
		all: false,
		publicProjects,
		member: {
			userId: principal.id,
			groupIds: principal.groupIds,
			roles: rolesAllowing("repository", "pull"),
		},
	};
}

/** Registry actions (`pull`, `push`, `delete` in token scopes) mapped onto the matrix. */
export function registryActionAllowed(
	principal: Principal,
	standing: ProjectStanding | null,
	action: string,
): boolean {
	if (action === "pull")
		return allowed(principal, standing, "repository", "pull");
	if (action === "push")
		return allowed(principal, standing, "repository", "push");
	if (action === "delete")
		return allowed(principal, standing, "repository", "delete");
	// Exempt from pull policies: robots granted it (a scanner's), never a user, system admins included.
	if (action === "scanner-pull")
		return (
			principal.kind === "robot" &&
			allowed(principal, standing, "repository", "scanner-pull")
		);
	return false;
}
