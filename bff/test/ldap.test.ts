import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, api, login } from "./api-fixtures.ts";
import { clientSandbox } from "./clients.ts";
import { client } from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { groupDn, type LdapServer, startLdapServer } from "./ldap-server.ts";

const people = [
	{ uid: "alice", password: "Alice-Secret-1", cn: "Alice Liddell" },
	{ uid: "bob", password: "Bob-Secret-1" },
	{ uid: "carol", password: "Carol-Secret-1" },
	{ uid: "dave", password: "Dave-Secret-1" },
];
const groups = [
	{ cn: "guests", members: ["alice"] },
	{ cn: "builders", members: ["dave"] },
	{ cn: "admins", members: ["bob"] },
	{ cn: "auditors", members: [] },
];

type Json = Record<string, unknown>;
const errorOf = async (r: Response) =>
	((await r.json()) as { errors: { code: string; message: string }[] })
		.errors[0];

describe.each(engines)("LDAP sign-in and user groups on %s", (engine) => {
	let s: TestServer;
	let dir: LdapServer;
	let call: ReturnType<typeof api>;
	let projectId: number;
	let image: { digest: string };

	beforeAll(async () => {
		dir = await startLdapServer({ users: people, groups });
		s = await startTestServer(engine);
		call = api(s);
		projectId = await addProject(s, "team");
		image = await client(s).pushImage("team/app", "v1");
	});
	afterAll(async () => {
		await stopTestServer(s);
		await dir?.close();
	});

	it("switches auth_mode to ldap_auth while admin is the only user; the search password is sealed and never answered", async () => {
		const r = await call("/configurations", {
			method: "PUT",
			json: {
				auth_mode: "ldap_auth",
				...dir.settings({ ldap_group_admin_dn: groupDn("admins") }),
			},
		});
		expect(r.status, await r.clone().text()).toBe(200);
		const cfg = (await (await call("/configurations")).json()) as Record<
			string,
			{ value: unknown }
		>;
		expect(cfg.auth_mode.value).toBe("ldap_auth");
		expect(cfg).not.toHaveProperty("ldap_search_password");
		const row = await s.db
			.selectFrom("settings")
			.select("value")
			.where("name", "=", "ldap_search_password")
			.executeTakeFirstOrThrow();
		expect(row.value).not.toContain("Search-Secret-1");
	});

	it("pings the directory with the stored settings, and with a body tried over them", async () => {
		expect(
			await (await call("/ldap/ping", { method: "POST", json: {} })).json(),
		).toEqual({ success: true, message: expect.any(String) });
		const wrong = (await (
			await call("/ldap/ping", {
				method: "POST",
				json: { ldap_search_password: "wrong" },
			})
		).json()) as Json;
		expect(wrong).toMatchObject({
			success: false,
			message: expect.stringMatching(/invalid credentials/),
		});
		const nowhere = (await (
			await call("/ldap/ping", {
				method: "POST",
				json: { ldap_url: "ldap://127.0.0.1:1", ldap_connection_timeout: 2 },
			})
		).json()) as Json;
		expect(nowhere.success).toBe(false);
		expect(
			(await call("/ldap/ping", { method: "POST", json: {}, auth: null }))
				.status,
		).toBe(401);
	});

	it("signs an LDAP user in at the console and onboards them on first success; admin still signs in locally", async () => {
		expect(
			await s.db
				.selectFrom("users")
				.select("id")
				.where("username", "=", "alice")
				.executeTakeFirst(),
		).toBeUndefined();
		const r = await login(s, "alice", "Alice-Secret-1");
		expect(r.status, await r.clone().text()).toBe(200);
		const alice = await s.db
			.selectFrom("users")
			.select(["username", "email", "realname", "ldap_dn", "sysadmin"])
			.where("username", "=", "alice")
			.executeTakeFirstOrThrow();
		expect(alice).toEqual({
			username: "alice",
			email: "alice@wharf.test",
			realname: "Alice Liddell",
			ldap_dn: dir.userDn("alice"),
			sysadmin: 0,
		});
		expect((await login(s)).status).toBe(200);
		expect((await login(s, "nobody", "Nobody-Secret-1")).status).toBe(401);
		// A name is a value in the filter, never filter syntax: a wildcard or a parenthesis matches nobody.
		expect((await login(s, "ali*", "Alice-Secret-1")).status).toBe(401);
		expect((await login(s, "*)(uid=alice", "Alice-Secret-1")).status).toBe(401);
	});

	it("refuses to switch auth_mode while users other than admin exist, with Harbor's error", async () => {
		const r = await call("/configurations", {
			method: "PUT",
			json: { auth_mode: "db_auth" },
		});
		expect(r.status).toBe(400);
		expect((await errorOf(r)).message).toMatch(
			/auth mode cannot be modified as new users have been inserted into database/,
		);
		// Setting the mode it already has is no switch.
		expect(
			(
				await call("/configurations", {
					method: "PUT",
					json: { auth_mode: "ldap_auth" },
				})
			).status,
		).toBe(200);
	});

	it("gives a guest group's members pull and not push on /v2 with basic credentials; the members list shows the group", async () => {
		const auth = basic("alice", "Alice-Secret-1");
		const registry = client(s);
		expect(
			(await registry.call(`/v2/team/app/manifests/${image.digest}`, { auth }))
				.status,
		).toBe(403);
		const add = await call(`/projects/${projectId}/members`, {
			method: "POST",
			json: { role_id: 3, member_group: { ldap_group_dn: groupDn("guests") } },
		});
		expect(add.status, await add.clone().text()).toBe(201);
		// The group was onboarded at alice's sign-in (named by its DN, as Harbor): the membership names that row.
		const members = (await (
			await call(`/projects/${projectId}/members`)
		).json()) as Json[];
		expect(members).toContainEqual(
			expect.objectContaining({
				entity_type: "g",
				role_id: 3,
				role_name: "guest",
			}),
		);
		expect(
			(await registry.call(`/v2/team/app/manifests/${image.digest}`, { auth }))
				.status,
		).toBe(200);
		// Lists see the project through the group too: the project list (with the group's role), repositories, the catalog.
		const projects = (await (
			await call("/projects", { auth })
		).json()) as Json[];
		expect(projects.find((p) => p.name === "team")).toMatchObject({
			current_user_role_id: 3,
		});
		const repositories = (await (
			await call("/projects/team/repositories", { auth })
		).json()) as Json[];
		expect(repositories.map((r) => r.name)).toEqual(["team/app"]);
		const catalog = await fetch(`${s.url}/v2/_catalog`, {
			headers: { Authorization: auth },
		});
		expect(
			((await catalog.json()) as { repositories: string[] }).repositories,
		).toContain("team/app");
		const push = await registry.call("/v2/team/app/blobs/uploads/", {
			method: "POST",
			auth,
		});
		expect([401, 403]).toContain(push.status);
		// The token service answers the same: pull granted, push cut away.
		const token = await fetch(
			`${s.url}/service/token?service=harbor-registry&scope=repository:team/app:pull,push`,
			{ headers: { Authorization: auth } },
		);
		const { token: jwt } = (await token.json()) as { token: string };
		const access = JSON.parse(
			Buffer.from(jwt.split(".")[1], "base64url").toString(),
		) as { access: { actions: string[] }[] };
		expect(access.access[0].actions).toEqual(["pull"]);
	});

	it("takes the highest of a user's own and their groups' roles", async () => {
		const r = await login(s, "dave", "Dave-Secret-1");
		expect(r.status).toBe(200);
		const dave = await s.db
			.selectFrom("users")
			.select("id")
			.where("username", "=", "dave")
			.executeTakeFirstOrThrow();
		const g = await call("/usergroups", {
			method: "POST",
			json: { group_type: 1, ldap_group_dn: groupDn("builders") },
		});
		// Dave's sign-in onboarded the group already.
		expect(g.status).toBe(409);
		const [builders] = (await (
			await call(
				`/usergroups?ldap_group_dn=${encodeURIComponent(groupDn("builders"))}`,
			)
		).json()) as { id: number }[];
		expect(
			(
				await call(`/projects/${projectId}/members`, {
					method: "POST",
					json: { role_id: 2, member_group: { id: builders.id } },
				})
			).status,
		).toBe(201);
		expect(
			(
				await call(`/projects/${projectId}/members`, {
					method: "POST",
					json: { role_id: 5, member_user: { user_id: dave.id } },
				})
			).status,
		).toBe(201);
		const auth = basic("dave", "Dave-Secret-1");
		const push = await client(s).call("/v2/team/app/blobs/uploads/", {
			method: "POST",
			auth,
		});
		expect(push.status).toBe(202);
		// A project admin through a group is one for what asks "admin of any project" too (the grantable robot permissions).
		expect((await call("/permissions", { auth })).status).toBe(403);
		const other = await addProject(s, "team-b");
		expect(
			(
				await call(`/projects/${other}/members`, {
					method: "POST",
					json: { role_id: 1, member_group: { id: builders.id } },
				})
			).status,
		).toBe(201);
		expect(await (await call("/permissions", { auth })).json()).toMatchObject({
			system: [],
		});
	});

	it("lets skopeo push as a developer by group and pull as a guest by group, through the token service; the guest's push is refused", async () => {
		const c = await clientSandbox();
		try {
			const host = new URL(s.url).host;
			const layout = path.join(c.dir, "layout");
			await makeOciLayout(layout);
			const push = await c.skopeo(
				"copy",
				"--dest-tls-verify=false",
				"--dest-creds",
				"dave:Dave-Secret-1",
				`oci:${layout}`,
				`docker://${host}/team/app:skopeo`,
			);
			expect(push.ok, push.stderr).toBe(true);
			const pull = await c.skopeo(
				"copy",
				"--src-tls-verify=false",
				"--src-creds",
				"alice:Alice-Secret-1",
				`docker://${host}/team/app:skopeo`,
				`oci:${path.join(c.dir, "back")}`,
			);
			expect(pull.ok, pull.stderr).toBe(true);
			const refused = await c.skopeo(
				"copy",
				"--dest-tls-verify=false",
				"--dest-creds",
				"alice:Alice-Secret-1",
				`oci:${layout}`,
				`docker://${host}/team/app:alice`,
			);
			expect(refused.ok).toBe(false);
			expect(refused.stderr).toMatch(
				/unauthorized|denied|authentication required/i,
			);
		} finally {
			await c.cleanup();
		}
	});

	it("makes members of ldap_group_admin_dn system admins", async () => {
		const bob = basic("bob", "Bob-Secret-1");
		expect((await call("/configurations", { auth: bob })).status).toBe(200);
		// Harbor says so beside the flag, which stays the database's own.
		expect(
			await (await call("/users/current", { auth: bob })).json(),
		).toMatchObject({
			username: "bob",
			sysadmin_flag: false,
			admin_role_in_auth: true,
		});
		const carol = basic("carol", "Carol-Secret-1");
		expect((await call("/configurations", { auth: carol })).status).toBe(403);
	});

	it("reads the groups again at the next console sign-in", async () => {
		await dir.setMembers("guests", []);
		expect((await login(s, "alice", "Alice-Secret-1")).status).toBe(200);
		const row = await s.db
			.selectFrom("users")
			.select("group_ids")
			.where("username", "=", "alice")
			.executeTakeFirstOrThrow();
		expect(JSON.parse(row.group_ids)).toEqual([]);
		const pull = await fetch(
			`${s.url}/api/v2.0/projects/team/repositories/app/artifacts/${image.digest}`,
			{ headers: { Authorization: basic("alice", "Alice-Secret-1") } },
		);
		// Basic credentials on the API ask the directory at most once a minute; the stored groups are what counts.
		expect([401, 403, 404]).toContain(pull.status);
		await dir.setMembers("guests", ["alice"]);
	});

	it("creates no local users under LDAP, and leaves an LDAP user's password to the directory", async () => {
		const made = await call("/users", {
			method: "POST",
			json: {
				username: "local",
				password: "Local-Secret-1",
				email: "local@example.com",
				realname: "Local",
			},
		});
		expect(made.status).toBe(403);
		expect((await errorOf(made)).message).toBe(
			"creating local users is not allowed while auth_mode is ldap_auth",
		);
		const alice = await s.db
			.selectFrom("users")
			.select("id")
			.where("username", "=", "alice")
			.executeTakeFirstOrThrow();
		const change = await call(`/users/${alice.id}/password`, {
			method: "PUT",
			json: { new_password: "Changed-Secret-1" },
		});
		expect(change.status).toBe(403);
		expect((await login(s, "alice", "Alice-Secret-1")).status).toBe(200);
	});

	it("throttles and audits wrong LDAP passwords exactly as local ones: the 10th is still checked, the 11th refused", async () => {
		for (let i = 1; i <= 10; i++)
			expect(
				(await login(s, "carol", `wrong-${i}`)).status,
				`attempt ${i}`,
			).toBe(401);
		expect((await login(s, "carol", "Carol-Secret-1")).status).toBe(429);
		// The audit log is written off the request's path: wait for the rows.
		const audited = async () =>
			(
				await s.db
					.selectFrom("audit_logs")
					.select("operation")
					.where("username", "=", "carol")
					.execute()
			)
				.map((r) => r.operation)
				.sort();
		await expect
			.poll(audited, { timeout: 10_000 })
			.toEqual([...Array(10).fill("login_failed"), "login_locked"]);
		// The throttle counts per name and address: /v2 from the same address is locked too.
		expect(
			(await client(s).call("/v2/", { auth: basic("carol", "Carol-Secret-1") }))
				.status,
		).toBe(429);
	});

	it("searches people and imports them, naming those not found", async () => {
		const found = (await (
			await call("/ldap/users/search?username=alice")
		).json()) as Json[];
		expect(found).toEqual([
			{
				username: "alice",
				realname: "Alice Liddell",
				email: "alice@wharf.test",
			},
		]);
		const all = (await (await call("/ldap/users/search")).json()) as Json[];
		expect(all.map((u) => u.username).sort()).toEqual([
			"alice",
			"bob",
			"carol",
			"dave",
		]);
		const r = await call("/ldap/users/import", {
			method: "POST",
			json: { ldap_uid_list: ["carol", "nobody"] },
		});
		expect(r.status).toBe(404);
		expect(await r.json()).toEqual([
			{ uid: "nobody", error: "not found in LDAP" },
		]);
		expect(
			await s.db
				.selectFrom("users")
				.select("ldap_dn")
				.where("username", "=", "carol")
				.executeTakeFirst(),
		).toEqual({ ldap_dn: dir.userDn("carol") });
		expect(
			(
				await call("/ldap/users/import", {
					method: "POST",
					json: { ldap_uid_list: ["carol"] },
				})
			).status,
		).toBe(200);
		expect(
			(
				await call("/ldap/users/search", {
					auth: basic("alice", "Alice-Secret-1"),
				})
			).status,
		).toBe(403);
	});

	it("searches groups by name and by DN", async () => {
		const byName = (await (
			await call("/ldap/groups/search?groupname=builders")
		).json()) as Json[];
		expect(byName).toEqual([
			{
				group_name: "builders",
				group_type: 1,
				ldap_group_dn: groupDn("builders"),
			},
		]);
		const byDn = (await (
			await call(
				`/ldap/groups/search?groupdn=${encodeURIComponent(groupDn("admins"))}`,
			)
		).json()) as Json[];
		expect(byDn).toEqual([
			{ group_name: "admins", group_type: 1, ldap_group_dn: groupDn("admins") },
		]);
		expect(
			await (
				await call(
					`/ldap/groups/search?groupdn=${encodeURIComponent(`cn=none,ou=groups,dc=wharf,dc=test`)}`,
				)
			).json(),
		).toEqual([]);
	});

	it("keeps user groups: create (LDAP by a DN the directory has, HTTP and OIDC by name), list, search, get, rename, delete", async () => {
		const missing = await call("/usergroups", {
			method: "POST",
			json: {
				group_type: 1,
				ldap_group_dn: "cn=none,ou=groups,dc=wharf,dc=test",
			},
		});
		expect(missing.status).toBe(400);
		expect(
			(
				await call("/usergroups", {
					method: "POST",
					json: { group_type: 1, ldap_group_dn: "not a DN" },
				})
			).status,
		).toBe(400);
		const made = await call("/usergroups", {
			method: "POST",
			json: { group_type: 1, ldap_group_dn: groupDn("auditors") },
		});
		expect(made.status, await made.clone().text()).toBe(201);
		const id = Number(made.headers.get("location")!.split("/").pop());
		expect(await (await call(`/usergroups/${id}`)).json()).toEqual({
			id,
			group_name: "auditors",
			group_type: 1,
			ldap_group_dn: groupDn("auditors"),
		});
		const http = await call("/usergroups", {
			method: "POST",
			json: { group_type: 2, group_name: "ops-http" },
		});
		expect(http.status).toBe(201);
		expect(
			(
				await call("/usergroups", {
					method: "POST",
					json: { group_type: 2, group_name: "ops-http" },
				})
			).status,
		).toBe(409);
		expect(
			(await call("/usergroups", { method: "POST", json: { group_type: 3 } }))
				.status,
		).toBe(400);
		const list = await call("/usergroups?group_name=ops");
		expect(list.headers.get("x-total-count")).toBe("1");
		const search = (await (
			await call("/usergroups/search?groupname=ops", {
				auth: basic("alice", "Alice-Secret-1"),
			})
		).json()) as Json[];
		expect(search).toEqual([
			{ id: expect.any(Number), group_name: "ops-http", group_type: 2 },
		]);
		expect(
			(
				await call(`/usergroups/${id}`, {
					method: "PUT",
					json: { group_name: "Administrators" },
				})
			).status,
		).toBe(200);
		expect(
			((await (await call(`/usergroups/${id}`)).json()) as Json).group_name,
		).toBe("Administrators");
		expect(
			(await call("/usergroups", { auth: basic("alice", "Alice-Secret-1") }))
				.status,
		).toBe(403);
		expect(
			(
				await call(`/projects/${projectId}/members`, {
					method: "POST",
					json: { role_id: 1, member_group: { id } },
				})
			).status,
		).toBe(201);
		expect((await call(`/usergroups/${id}`, { method: "DELETE" })).status).toBe(
			200,
		);
		expect((await call(`/usergroups/${id}`)).status).toBe(404);
		const members = (await (
			await call(`/projects/${projectId}/members?entityname=Administrators`)
		).json()) as Json[];
		expect(members).toEqual([]);
	});
});

describe("LDAP over TLS", () => {
	let dir: LdapServer;
	let s: TestServer;
	beforeAll(async () => {
		dir = await startLdapServer({
			users: people.slice(0, 1),
			groups: [],
			tls: true,
		});
		s = await startTestServer("sqlite");
	});
	afterAll(async () => {
		await stopTestServer(s);
		await dir?.close();
	});

	it("checks the directory's certificate on ldaps:// unless ldap_verify_cert is off", async () => {
		const call = api(s);
		const settings = dir.settings({ ldap_url: dir.tlsUrl });
		expect(
			(
				await call("/configurations", {
					method: "PUT",
					json: { auth_mode: "ldap_auth", ...settings },
				})
			).status,
		).toBe(200);
		const checked = (await (
			await call("/ldap/ping", { method: "POST", json: {} })
		).json()) as Json;
		expect(checked).toMatchObject({
			success: false,
			message: expect.stringMatching(/self-signed certificate/),
		});
		expect((await login(s, "alice", "Alice-Secret-1")).status).toBe(500);
		// A directory that cannot be reached fails users, not robots: one made before the prefix changed is tried as a user
		// first (its name lacks today's prefix), and still signs in.
		const made = await call("/robots", {
			method: "POST",
			json: {
				name: "ci",
				level: "system",
				duration: -1,
				permissions: [
					{
						kind: "project",
						namespace: "*",
						access: [{ resource: "repository", action: "pull" }],
					},
				],
			},
		});
		expect(made.status, await made.clone().text()).toBe(201);
		const robot = (await made.json()) as { name: string; secret: string };
		expect(
			(
				await call("/configurations", {
					method: "PUT",
					json: { robot_name_prefix: "bot-" },
				})
			).status,
		).toBe(200);
		expect(
			(
				await fetch(`${s.url}/v2/`, {
					headers: { Authorization: basic(robot.name, robot.secret) },
				})
			).status,
		).toBe(200);
		expect(
			(
				await call("/ldap/ping", {
					method: "POST",
					json: { ldap_verify_cert: false },
				})
			).status,
		).toBe(200);
		expect(
			(
				(await (
					await call("/ldap/ping", {
						method: "POST",
						json: { ldap_verify_cert: false },
					})
				).json()) as Json
			).success,
		).toBe(true);
		expect(
			(
				await call("/configurations", {
					method: "PUT",
					json: { ldap_verify_cert: false },
				})
			).status,
		).toBe(200);
		expect((await login(s, "alice", "Alice-Secret-1")).status).toBe(200);
	});
});
