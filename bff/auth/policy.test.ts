import { describe, expect, it } from "vitest";
import {
	allowed,
	anonymous,
	canSeeProject,
	type Principal,
	type RobotPermission,
	registryActionAllowed,
	roles,
	rolesAllowing,
	systemAllowed,
} from "./policy.ts";

const user: Principal = { kind: "user", id: 7, name: "u", sysadmin: false };
const admin: Principal = { kind: "user", id: 1, name: "admin", sysadmin: true };
const member = (role: number, isPublic = false) => ({
	id: 5,
	public: isPublic,
	role,
});

describe("the registry actions of each project role (Harbor matrix)", () => {
	const table: [
		string,
		number,
		{ pull: boolean; push: boolean; delete: boolean },
	][] = [
		[
			"ProjectAdmin",
			roles.projectAdmin,
			{ pull: true, push: true, delete: true },
		],
		["Maintainer", roles.maintainer, { pull: true, push: true, delete: true }],
		["Developer", roles.developer, { pull: true, push: true, delete: false }],
		["Guest", roles.guest, { pull: true, push: false, delete: false }],
		[
			"LimitedGuest",
			roles.limitedGuest,
			{ pull: true, push: false, delete: false },
		],
	];
	it.each(table)("%s", (_name, role, expected) => {
		for (const action of ["pull", "push", "delete"] as const) {
			expect(registryActionAllowed(user, member(role), action), action).toBe(
				expected[action],
			);
		}
	});
});

describe("standing outside a project", () => {
	it("lets anyone, anonymous too, pull from a public project but not push", () => {
		expect(
			registryActionAllowed(
				anonymous,
				{ id: 5, public: true, role: null },
				"pull",
			),
		).toBe(true);
		expect(
			registryActionAllowed(
				anonymous,
				{ id: 5, public: true, role: null },
				"push",
			),
		).toBe(false);
		expect(
			registryActionAllowed(
				user,
				{ id: 5, public: true, role: null },
				"delete",
			),
		).toBe(false);
	});
	it("gives non-members nothing in a private project, and nobody anything in a missing one", () => {
		expect(
			registryActionAllowed(user, { id: 5, public: false, role: null }, "pull"),
		).toBe(false);
		expect(
			allowed(user, { id: 5, public: false, role: null }, "project", "read"),
		).toBe(false);
		expect(registryActionAllowed(user, null, "pull")).toBe(false);
		expect(registryActionAllowed(anonymous, null, "pull")).toBe(false);
	});
	it("lets a system admin do anything", () => {
		expect(
			registryActionAllowed(
				admin,
				{ id: 5, public: false, role: null },
				"delete",
			),
		).toBe(true);
		expect(
			allowed(admin, { id: 5, public: false, role: null }, "member", "create"),
		).toBe(true);
	});
	it("keeps members, robots and logs from a limited guest", () => {
		for (const resource of ["member", "robot", "log", "label"]) {
			expect(
				allowed(user, member(roles.limitedGuest), resource, "list"),
				resource,
			).toBe(false);
		}
		expect(allowed(user, member(roles.guest), "member", "list")).toBe(true);
	});
});

describe("robot accounts", () => {
	const robot = (permissions: RobotPermission[]): Principal => ({
		kind: "robot",
		id: 3,
		name: "robot$library+ci",
		permissions,
	});
	const library = { id: 1, public: true, role: null };
	const pullOnly = robot([
		{
			kind: "project",
			namespace: "library",
			projectId: 1,
			access: [{ resource: "repository", action: "pull" }],
		},
	]);

	it("does exactly what its permissions say in the project they name", () => {
		expect(registryActionAllowed(pullOnly, library, "pull")).toBe(true);
		expect(registryActionAllowed(pullOnly, library, "push")).toBe(false);
		expect(registryActionAllowed(pullOnly, { ...library, id: 2 }, "pull")).toBe(
			false,
		);
		expect(allowed(pullOnly, library, "artifact", "list")).toBe(false); // public grants are not a robot's
	});
	it("gets nothing through membership", () => {
		expect(
			allowed(
				pullOnly,
				{ id: 2, public: false, role: roles.projectAdmin },
				"repository",
				"pull",
			),
		).toBe(false);
	});
	it("binds a grant to the project id, not to its name: a grant without an id reaches nothing", () => {
		const byNameOnly = robot([
			{
				kind: "project",
				namespace: "library",
				access: [{ resource: "repository", action: "pull" }],
			},
		]);
		expect(registryActionAllowed(byNameOnly, library, "pull")).toBe(false);
		expect(canSeeProject(byNameOnly, library)).toBe(false);
	});
	it("covers every project with namespace *, and system resources only with a system grant", () => {
		const everywhere = robot([
			{
				kind: "project",
				namespace: "*",
				access: [{ resource: "repository", action: "push" }],
			},
		]);
		expect(
			allowed(
				everywhere,
				{ id: 9, public: false, role: null },
				"repository",
				"push",
			),
		).toBe(true);
		expect(systemAllowed(everywhere, "user", "list")).toBe(false);
		const admin = robot([
			{
				kind: "system",
				namespace: "/",
				access: [{ resource: "user", action: "list" }],
			},
		]);
		expect(systemAllowed(admin, "user", "list")).toBe(true);
		expect(systemAllowed(admin, "user", "delete")).toBe(false);
	});
	it("sees only the projects it holds a grant in", () => {
		expect(canSeeProject(pullOnly, library)).toBe(true);
		expect(canSeeProject(pullOnly, { ...library, id: 2 })).toBe(false);
	});
});

describe("system resources and role lists", () => {
	it("lets system admins, not other users, act on system resources", () => {
		expect(systemAllowed(admin, "user", "delete")).toBe(true);
		expect(systemAllowed(user, "user", "list")).toBe(false);
		expect(systemAllowed(anonymous, "user", "list")).toBe(false);
	});
	it("names the roles that may list robots: all but the limited guest", () => {
		expect(rolesAllowing("robot", "list").sort()).toEqual([1, 2, 3, 4]);
		expect(rolesAllowing("robot", "create")).toEqual([roles.projectAdmin]);
	});
});
