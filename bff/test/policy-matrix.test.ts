import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, api } from "./api-fixtures.ts";
import { client } from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

/**
 * Walks Harbor's permission matrix through the real server: every project role, an outsider and anonymous, against
 * the guarded endpoints of /api/v2.0 and /v2. Destructive calls aim at things that do not exist, so an allowed caller
 * gets past the policy (404 or 412) while a refused one is stopped by it (403).
 */
type Who =
	| "projectAdmin"
	| "maintainer"
	| "developer"
	| "guest"
	| "limitedGuest";
const roleIds: Record<Who, number> = {
	projectAdmin: 1,
	developer: 2,
	guest: 3,
	maintainer: 4,
	limitedGuest: 5,
};
const members = Object.keys(roleIds) as Who[];
const all = members;
const readers: Who[] = ["projectAdmin", "maintainer", "developer", "guest"];
const writers: Who[] = ["projectAdmin", "maintainer", "developer"];
const managers: Who[] = ["projectAdmin", "maintainer"];
const admins: Who[] = ["projectAdmin"];

type Call = {
	what: string;
	method: string;
	path: string;
	json?: unknown;
	may: Who[];
	surface: "api" | "v2";
};
const nothing = `sha256:${"0".repeat(64)}`;

function calls(
	projectId: number,
	tag: (who: Who) => string,
): ((who: Who) => Call)[] {
	const p = "/projects/matrix";
	const a = `${p}/repositories/app/artifacts`;
	const c =
		(
			what: string,
			method: string,
			path: string,
			may: Who[],
			json?: unknown,
			surface: "api" | "v2" = "api",
		) =>
		(_who: Who) => ({ what, method, path, may, json, surface });
	return [
		c("read the project", "GET", p, all),
		c("read the summary", "GET", `${p}/summary`, all),
		c("update the project", "PUT", p, admins, {
			metadata: { auto_scan: "false" },
		}),
		c(
			"delete the project (it holds a repository: 412 once allowed)",
			"DELETE",
			p,
			admins,
		),
		c("list members", "GET", `${p}/members`, readers),
		c("add a member", "POST", `${p}/members`, admins, {
			role_id: 3,
			member_user: { username: "nobody-at-all" },
		}),
		c("read the project logs", "GET", `${p}/logs`, admins),
		c("list repositories", "GET", `${p}/repositories`, all),
		c("update a repository", "PUT", `${p}/repositories/app`, writers, {
			description: "x",
		}),
		c("delete a repository", "DELETE", `${p}/repositories/nothere`, managers),
		c("list artifacts", "GET", a, all),
		c("read an artifact", "GET", `${a}/v1`, all),
		c("delete an artifact", "DELETE", `${a}/${nothing}`, managers),
		(who) => ({
			what: "create a tag",
			method: "POST",
			path: `${a}/v1/tags`,
			json: { name: tag(who) },
			may: writers,
			surface: "api",
		}),
		c("delete a tag", "DELETE", `${a}/v1/tags/nothere`, managers),
		c(
			"list project labels",
			"GET",
			`/labels?scope=p&project_id=${projectId}`,
			readers,
		),
		c("create a project label", "POST", "/labels", managers, {
			name: "nope",
			scope: "p",
			project_id: projectId,
			color: "#000000",
		}),
		c("read the quota", "GET", `/quotas/${projectId}`, []),
		// User groups and the directory are system admins' alone, project admins included.
		c("list user groups", "GET", "/usergroups", []),
		c("create a user group", "POST", "/usergroups", [], {
			group_type: 2,
			group_name: "nope",
		}),
		c("ping LDAP", "POST", "/ldap/ping", [], {}),
		c("pull", "GET", "/v2/matrix/app/manifests/v1", all, undefined, "v2"),
		c(
			"push",
			"POST",
			"/v2/matrix/app/blobs/uploads/",
			writers,
			undefined,
			"v2",
		),
		c(
			"delete on /v2",
			"DELETE",
			"/v2/matrix/app/manifests/nothere",
			managers,
			undefined,
			"v2",
		),
	];
}

describe.each(engines)("the permission matrix on %s", (engine) => {
	let s: TestServer;
	const auth = {} as Record<Who | "outsider", string>;
	let projectId = 0;

	beforeAll(async () => {
		s = await startTestServer(engine);
		const ids = {} as Record<Who, number>;
		for (const who of members) {
			const u = await addUser(s, who.toLowerCase());
			ids[who] = u.id;
			auth[who] = u.auth;
		}
		auth.outsider = (await addUser(s, "outsider")).auth;
		projectId = await addProject(s, "matrix", {
			members: members.map((w) => [ids[w], roleIds[w]]),
		});
		await client(s).pushImage("matrix/app", "v1");
	});
	afterAll(() => stopTestServer(s));

	const send = (c: Call, authorization: string | null) => {
		if (c.surface === "v2") {
			return fetch(`${s.url}${c.path}`, {
				method: c.method,
				headers: authorization ? { Authorization: authorization } : {},
			});
		}
		return api(s)(c.path, {
			method: c.method,
			json: c.json,
			auth: authorization,
		});
	};

	it("lets each role do exactly what Harbor allows it, and refuses the rest with 403", async () => {
		const wrong: string[] = [];
		for (const who of members) {
			for (const make of calls(projectId, (w) => `t-${w.toLowerCase()}`)) {
				const c = make(who);
				const r = await send(c, auth[who]);
				const refused = r.status === 403;
				const expectRefused = !c.may.includes(who);
				if (refused !== expectRefused || r.status === 401 || r.status >= 500)
					wrong.push(`${who} ${c.what}: ${r.status}`);
			}
		}
		expect(wrong).toEqual([]);
	});

	it("shows an outsider nothing: the private project answers as if it did not exist", async () => {
		const wrong: string[] = [];
		for (const make of calls(projectId, () => "t-outsider")) {
			const c = make("guest");
			if (c.path.startsWith("/labels") || c.path.startsWith("/quotas"))
				continue; // lists filtered, not refused
			if (c.path.startsWith("/usergroups") || c.path.startsWith("/ldap"))
				continue; // no project's: refused alike (403)
			const r = await send(c, auth.outsider);
			const expected = c.surface === "v2" ? 403 : 404;
			if (r.status !== expected) wrong.push(`${c.what}: ${r.status}`);
		}
		expect(wrong).toEqual([]);
	});

	it("asks anonymous callers to sign in for everything in a private project", async () => {
		const wrong: string[] = [];
		for (const make of calls(projectId, () => "t-anon")) {
			const c = make("guest");
			const r = await send(c, null);
			if (r.status !== 401) wrong.push(`${c.what}: ${r.status}`);
		}
		expect(wrong).toEqual([]);
	});
});
