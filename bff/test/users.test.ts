import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "./distribution-helpers.ts";
import {
	adminAuth,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Json = Record<string, unknown>;

describe.each(engines)("the user API on %s", (engine) => {
	let s: TestServer;
	const api = (
		path: string,
		init: RequestInit & { auth?: string | null } = {},
	) =>
		fetch(`${s.url}/api/v2.0${path}`, {
			...init,
			headers: {
				...(init.auth === null
					? {}
					: { Authorization: init.auth ?? adminAuth }),
				...(init.body ? { "Content-Type": "application/json" } : {}),
			},
		});
	const json = (body: unknown) => JSON.stringify(body);
	const errorOf = async (r: Response) =>
		((await r.json()) as { errors: { code: string; message: string }[] })
			.errors[0];
	const createUser = async (
		username: string,
		password = "Passw0rdX",
		extra: Json = {},
	) => {
		const r = await api("/users", {
			method: "POST",
			body: json({
				username,
				password,
				email: `${username}@example.com`,
				realname: username,
				...extra,
			}),
		});
		expect(r.status, await r.clone().text()).toBe(201);
		return Number(r.headers.get("location")!.split("/").pop());
	};
	let aliceId: number;
	let bobId: number;

	beforeAll(async () => {
		s = await startTestServer(engine);
		aliceId = await createUser("alice", "Alice1234", { comment: "first" });
		bobId = await createUser("bob", "Bobby1234");
	});
	afterAll(() => stopTestServer(s));

	it("creates a user with 201 and a Location, and shows it as UserResp", async () => {
		const r = await api(`/users/${aliceId}`);
		expect(r.status).toBe(200);
		expect(await r.json()).toMatchObject({
			user_id: aliceId,
			username: "alice",
			email: "alice@example.com",
			realname: "alice",
			comment: "first",
			sysadmin_flag: false,
			admin_role_in_auth: false,
			creation_time: expect.any(String),
			update_time: expect.any(String),
		});
	});

	it("refuses a taken username or e-mail with 409 and a weak password with 400 naming the rule", async () => {
		const taken = await api("/users", {
			method: "POST",
			body: json({
				username: "alice",
				password: "Passw0rdX",
				email: "new@example.com",
				realname: "x",
			}),
		});
		expect(taken.status).toBe(409);
		expect((await errorOf(taken)).code).toBe("CONFLICT");
		const email = await api("/users", {
			method: "POST",
			body: json({
				username: "alice2",
				password: "Passw0rdX",
				email: "alice@example.com",
				realname: "x",
			}),
		});
		expect(email.status).toBe(409);
		const weak = await api("/users", {
			method: "POST",
			body: json({
				username: "carol",
				password: "short",
				email: "c@example.com",
				realname: "c",
			}),
		});
		expect(weak.status).toBe(400);
		expect((await errorOf(weak)).message).toMatch(/8 to 128/);
		const noDigit = await api("/users", {
			method: "POST",
			body: json({
				username: "carol",
				password: "NoDigitsHere",
				email: "c@example.com",
				realname: "c",
			}),
		});
		expect((await errorOf(noDigit)).message).toMatch(
			/upper-case letter, a lower-case letter and a digit/,
		);
	});

	it("lets only system admins create and list users", async () => {
		const asAlice = await api("/users", {
			method: "POST",
			auth: basic("alice", "Alice1234"),
			body: json({
				username: "x",
				password: "Passw0rdX",
				email: "x@example.com",
				realname: "x",
			}),
		});
		expect(asAlice.status).toBe(403);
		expect(
			(await api("/users", { auth: basic("alice", "Alice1234") })).status,
		).toBe(403);
		expect((await api("/users", { auth: null })).status).toBe(401);
	});

	it("lists users with fuzzy q, sort, and X-Total-Count", async () => {
		const r = await api(
			`/users?q=${encodeURIComponent("username=~LI")}&sort=-username`,
		);
		expect(r.status).toBe(200);
		expect(r.headers.get("x-total-count")).toBe("1");
		expect(((await r.json()) as Json[]).map((u) => u.username)).toEqual([
			"alice",
		]);
		const all = await api("/users?sort=username&page_size=2");
		expect(all.headers.get("x-total-count")).toBe("3");
		expect(((await all.json()) as Json[]).map((u) => u.username)).toEqual([
			"admin",
			"alice",
		]);
		expect(all.headers.get("link")).toContain('rel="next"');
	});

	it("lets any signed-in user search users by name, returning only ids and names", async () => {
		const r = await api("/users/search?username=bo", {
			auth: basic("alice", "Alice1234"),
		});
		expect(r.status).toBe(200);
		expect(await r.json()).toEqual([{ user_id: bobId, username: "bob" }]);
		expect(
			(await api("/users/search?username=bo", { auth: null })).status,
		).toBe(401);
	});

	it("shows a user to itself and to admins only, and lets it edit its own profile", async () => {
		expect(
			(await api(`/users/${aliceId}`, { auth: basic("alice", "Alice1234") }))
				.status,
		).toBe(200);
		expect(
			(await api(`/users/${bobId}`, { auth: basic("alice", "Alice1234") }))
				.status,
		).toBe(403);
		const put = await api(`/users/${aliceId}`, {
			method: "PUT",
			auth: basic("alice", "Alice1234"),
			body: json({ realname: "Alice A.", comment: "edited" }),
		});
		expect(put.status).toBe(200);
		expect(
			await (
				await api("/users/current", { auth: basic("alice", "Alice1234") })
			).json(),
		).toMatchObject({
			realname: "Alice A.",
			comment: "edited",
			email: "alice@example.com",
		});
		const stolen = await api(`/users/${aliceId}`, {
			method: "PUT",
			auth: basic("alice", "Alice1234"),
			body: json({ email: "bob@example.com" }),
		});
		expect(stolen.status).toBe(409);
		expect(
			(
				await api(`/users/${bobId}`, {
					method: "PUT",
					auth: basic("alice", "Alice1234"),
					body: json({ comment: "x" }),
				})
			).status,
		).toBe(403);
		expect((await api("/users/999999")).status).toBe(404);
	});

	it("changes a password: the old one is required for yourself, not for an admin resetting another", async () => {
		const self = basic("bob", "Bobby1234");
		const missing = await api(`/users/${bobId}/password`, {
			method: "PUT",
			auth: self,
			body: json({ new_password: "Newpass123" }),
		});
		expect(missing.status).toBe(400);
		expect((await errorOf(missing)).message).toMatch(
			/old_password is required/,
		);
		const wrong = await api(`/users/${bobId}/password`, {
			method: "PUT",
			auth: self,
			body: json({ old_password: "Wrong1234", new_password: "Newpass123" }),
		});
		expect(wrong.status).toBe(403);
		const weak = await api(`/users/${bobId}/password`, {
			method: "PUT",
			auth: self,
			body: json({ old_password: "Bobby1234", new_password: "weakpass" }),
		});
		expect(weak.status).toBe(400);
		expect((await errorOf(weak)).message).toMatch(/upper-case/);
		const same = await api(`/users/${bobId}/password`, {
			method: "PUT",
			auth: self,
			body: json({ old_password: "Bobby1234", new_password: "Bobby1234" }),
		});
		expect((await errorOf(same)).message).toMatch(/differ/);
		const ok = await api(`/users/${bobId}/password`, {
			method: "PUT",
			auth: self,
			body: json({ old_password: "Bobby1234", new_password: "Newpass123" }),
		});
		expect(ok.status).toBe(200);
		expect(
			(await api("/users/current", { auth: basic("bob", "Bobby1234") })).status,
		).toBe(401);
		expect(
			(await api("/users/current", { auth: basic("bob", "Newpass123") }))
				.status,
		).toBe(200);
		const reset = await api(`/users/${bobId}/password`, {
			method: "PUT",
			body: json({ new_password: "Reset12345" }),
		});
		expect(reset.status).toBe(200);
		expect(
			(await api("/users/current", { auth: basic("bob", "Reset12345") }))
				.status,
		).toBe(200);
		const other = await api(`/users/${aliceId}/password`, {
			method: "PUT",
			auth: basic("bob", "Reset12345"),
			body: json({ new_password: "Hacked1234" }),
		});
		expect(other.status).toBe(403);
	});

	it("toggles the system admin flag, which opens the admin-only APIs", async () => {
		const alice = basic("alice", "Alice1234");
		expect(
			(
				await api(`/users/${aliceId}/sysadmin`, {
					method: "PUT",
					auth: alice,
					body: json({ sysadmin_flag: true }),
				})
			).status,
		).toBe(403);
		expect(
			(
				await api(`/users/${aliceId}/sysadmin`, {
					method: "PUT",
					body: json({ sysadmin_flag: true }),
				})
			).status,
		).toBe(200);
		expect(await (await api(`/users/${aliceId}`)).json()).toMatchObject({
			sysadmin_flag: true,
		});
		expect((await api("/users", { auth: alice })).status).toBe(200);
		expect(
			(
				await api(`/users/${aliceId}/sysadmin`, {
					method: "PUT",
					body: json({ sysadmin_flag: false }),
				})
			).status,
		).toBe(200);
		expect((await api("/users", { auth: alice })).status).toBe(403);
		// The Terraform provider leaves a false flag out (Go's omitempty): that means false, as in Harbor.
		expect(
			(
				await api(`/users/${aliceId}/sysadmin`, {
					method: "PUT",
					body: json({ sysadmin_flag: true }),
				})
			).status,
		).toBe(200);
		expect(
			(
				await api(`/users/${aliceId}/sysadmin`, {
					method: "PUT",
					body: json({}),
				})
			).status,
		).toBe(200);
		expect(await (await api(`/users/${aliceId}`)).json()).toMatchObject({
			sysadmin_flag: false,
		});
		expect(
			(
				await api(`/users/${aliceId}/sysadmin`, {
					method: "PUT",
					body: json({ sysadmin_flag: "true" }),
				})
			).status,
		).toBe(400);
		expect(
			(
				await api("/users/1/sysadmin", {
					method: "PUT",
					body: json({ sysadmin_flag: false }),
				})
			).status,
		).toBe(403);
	});

	it("audits a change of the admin flag with what changed (sysadmin_flag: false → true), and a non-change without", async () => {
		const carolId = await createUser("carol", "Carol1234");
		for (const flag of [true, false, false]) {
			expect(
				(
					await api(`/users/${carolId}/sysadmin`, {
						method: "PUT",
						body: json({ sysadmin_flag: flag }),
					})
				).status,
			).toBe(200);
		}
		// The audit log writes in batches a few times a second: wait for the three rows.
		let rows: { operation: string; operation_description: string }[] = [];
		for (let i = 0; i < 100 && rows.length < 3; i++) {
			rows = (await (
				await api(
					"/auditlog-exts?q=resource=carol,operation=update&sort=op_time,id",
				)
			).json()) as typeof rows;
			if (rows.length < 3) await sleep(50);
		}
		expect(rows.map((r) => r.operation_description)).toEqual([
			"update user carol: sysadmin_flag: false → true",
			"update user carol: sysadmin_flag: true → false",
			"update user carol",
		]);
	});

	it("audits a password change by its owner and a reset by an admin as such", async () => {
		const daveId = await createUser("dave", "Dave12345");
		expect(
			(
				await api(`/users/${daveId}/password`, {
					method: "PUT",
					auth: basic("dave", "Dave12345"),
					body: json({ old_password: "Dave12345", new_password: "Dave123456" }),
				})
			).status,
		).toBe(200);
		expect(
			(
				await api(`/users/${daveId}/password`, {
					method: "PUT",
					body: json({ new_password: "Dave1234567" }),
				})
			).status,
		).toBe(200);
		let rows: { operation_description: string }[] = [];
		for (let i = 0; i < 100 && rows.length < 2; i++) {
			rows = (await (
				await api(
					"/auditlog-exts?q=resource=dave,operation=update&sort=op_time,id",
				)
			).json()) as typeof rows;
			if (rows.length < 2) await sleep(50);
		}
		expect(rows.map((r) => r.operation_description)).toEqual([
			"update user dave: password changed",
			"update user dave: password reset",
		]);
	});

	it("answers the current user's permissions in a project from the one policy", async () => {
		const project = await s.db
			.selectFrom("projects")
			.select("id")
			.where("name", "=", "library")
			.executeTakeFirstOrThrow();
		const t = new Date().toISOString();
		await s.db
			.insertInto("members")
			.values({
				project_id: project.id,
				entity_type: "u",
				entity_id: bobId,
				role: 2,
				creation_time: t,
				update_time: t,
			})
			.execute();
		const r = await api(
			`/users/current/permissions?scope=/project/${project.id}&relative=true`,
			{ auth: basic("bob", "Reset12345") },
		);
		expect(r.status).toBe(200);
		const perms = (await r.json()) as { resource: string; action: string }[];
		expect(perms).toContainEqual({ resource: "repository", action: "push" });
		expect(perms).toContainEqual({ resource: "member", action: "list" });
		expect(perms).not.toContainEqual({ resource: "member", action: "create" });
		const absolute = (await (
			await api(`/users/current/permissions?scope=/project/${project.id}`, {
				auth: basic("bob", "Reset12345"),
			})
		).json()) as { resource: string }[];
		expect(absolute).toContainEqual({
			resource: `/project/${project.id}/repository`,
			action: "push",
		});
		// A non-member of the public library only pulls and lists there.
		const alice = (await (
			await api(
				`/users/current/permissions?scope=/project/${project.id}&relative=true`,
				{ auth: basic("alice", "Alice1234") },
			)
		).json()) as { resource: string; action: string }[];
		expect(alice).toContainEqual({ resource: "repository", action: "pull" });
		expect(alice).not.toContainEqual({
			resource: "repository",
			action: "push",
		});
		expect(
			(
				await api(`/users/current/permissions?scope=/project/${project.id}`, {
					auth: null,
				})
			).status,
		).toBe(401);
	});

	it("answers setCliSecret with 412 while there is no OIDC, and 403 for someone else", async () => {
		expect(
			(
				await api(`/users/${aliceId}/cli_secret`, {
					method: "PUT",
					auth: basic("alice", "Alice1234"),
					body: json({ secret: "Secret1234" }),
				})
			).status,
		).toBe(412);
		expect(
			(
				await api(`/users/${bobId}/cli_secret`, {
					method: "PUT",
					auth: basic("alice", "Alice1234"),
					body: json({ secret: "Secret1234" }),
				})
			).status,
		).toBe(403);
	});

	it("deletes users (never yourself nor the built-in admin) and audits creations and deletions", async () => {
		const doomed = await createUser("doomed");
		expect(
			(
				await api(`/users/${doomed}`, {
					method: "DELETE",
					auth: basic("alice", "Alice1234"),
				})
			).status,
		).toBe(403);
		expect((await api("/users/1", { method: "DELETE" })).status).toBe(403);
		expect((await api(`/users/${doomed}`, { method: "DELETE" })).status).toBe(
			200,
		);
		expect((await api(`/users/${doomed}`)).status).toBe(404);
		expect(
			(await api("/users/current", { auth: basic("doomed", "Passw0rdX") }))
				.status,
		).toBe(401);
		await sleep(400); // the audit log is written in batches
		const ops = await s.db
			.selectFrom("audit_logs")
			.select(["operation", "resource_type"])
			.where("resource", "=", "doomed")
			.orderBy("id")
			.execute();
		expect(ops).toEqual([
			{ operation: "create", resource_type: "user" },
			{ operation: "delete", resource_type: "user" },
		]);
	});
});
