import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../auth/users.ts";
import { now } from "../db/database.ts";
import { sleep } from "./distribution-helpers.ts";
import {
	adminAuth,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Member = {
	id: number;
	project_id: number;
	entity_name: string;
	entity_type: string;
	entity_id: number;
	role_id: number;
	role_name: string;
};

describe.each(engines)("project members on %s", (engine) => {
	let s: TestServer;
	let projectId: number;
	const ids: Record<string, number> = {};
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
	const as = (name: string) => basic(name, "Passw0rdX");

	beforeAll(async () => {
		s = await startTestServer(engine);
		const users = createUserService(s.db);
		for (const name of ["dev", "guest", "limited", "outsider", "newbie"])
			ids[name] = await users.create({
				username: name,
				password: "Passw0rdX",
				email: `${name}@example.com`,
			});
		const t = now();
		projectId = (
			await s.db
				.insertInto("projects")
				.values({
					name: "team",
					owner_id: 1,
					public: 0,
					creation_time: t,
					update_time: t,
				})
				.returning("id")
				.executeTakeFirstOrThrow()
		).id;
		await s.db
			.insertInto("members")
			.values({
				project_id: projectId,
				entity_type: "u",
				entity_id: 1,
				role: 1,
				creation_time: t,
				update_time: t,
			})
			.execute();
	});
	afterAll(() => stopTestServer(s));

	const add = (body: unknown, auth?: string) =>
		api("/projects/team/members", { method: "POST", auth, body: json(body) });

	it("adds members by username or user id with 201 and a Location, and lists them with role names", async () => {
		const r = await add({ role_id: 2, member_user: { username: "dev" } });
		expect(r.status).toBe(201);
		expect(r.headers.get("location")).toMatch(
			/^\/api\/v2\.0\/projects\/team\/members\/\d+$/,
		);
		expect(
			(await add({ role_id: 3, member_user: { user_id: ids.guest } })).status,
		).toBe(201);
		expect(
			(await add({ role_id: 5, member_user: { username: "limited" } })).status,
		).toBe(201);

		const list = await api(`/projects/${projectId}/members`);
		expect(list.status).toBe(200);
		expect(list.headers.get("x-total-count")).toBe("4");
		const members = (await list.json()) as Member[];
		expect(members.find((m) => m.entity_name === "dev")).toMatchObject({
			project_id: projectId,
			entity_type: "u",
			entity_id: ids.dev,
			role_id: 2,
			role_name: "developer",
			id: expect.any(Number),
		});
		expect(members.map((m) => [m.entity_name, m.role_name])).toEqual([
			["admin", "projectAdmin"],
			["dev", "developer"],
			["guest", "guest"],
			["limited", "limitedGuest"],
		]);
	});

	it("refuses a second membership with 409, an unknown user with 404, and a bad role with 400", async () => {
		const again = await add({ role_id: 1, member_user: { username: "dev" } });
		expect(again.status).toBe(409);
		expect(
			((await again.json()) as { errors: { code: string }[] }).errors[0].code,
		).toBe("CONFLICT");
		expect(
			(await add({ role_id: 2, member_user: { username: "nobody" } })).status,
		).toBe(404);
		expect(
			(await add({ role_id: 9, member_user: { username: "newbie" } })).status,
		).toBe(400);
		expect((await add({ role_id: 2 })).status).toBe(400);
	});

	it("filters by entityname", async () => {
		const r = await api("/projects/team/members?entityname=DE");
		expect(((await r.json()) as Member[]).map((m) => m.entity_name)).toEqual([
			"dev",
		]);
		expect(r.headers.get("x-total-count")).toBe("1");
	});

	it("gives a guest the narrower view: it reads members but cannot add, change or remove them", async () => {
		const list = await api("/projects/team/members", { auth: as("guest") });
		expect(list.status).toBe(200);
		const devMember = ((await list.json()) as Member[]).find(
			(m) => m.entity_name === "dev",
		)!;
		expect(
			(
				await api(`/projects/team/members/${devMember.id}`, {
					auth: as("guest"),
				})
			).status,
		).toBe(200);
		expect(
			(
				await add(
					{ role_id: 2, member_user: { username: "newbie" } },
					as("guest"),
				)
			).status,
		).toBe(403);
		expect(
			(
				await add(
					{ role_id: 2, member_user: { username: "newbie" } },
					as("dev"),
				)
			).status,
		).toBe(403);
		expect(
			(
				await api(`/projects/team/members/${devMember.id}`, {
					method: "PUT",
					auth: as("guest"),
					body: json({ role_id: 1 }),
				})
			).status,
		).toBe(403);
		expect(
			(
				await api(`/projects/team/members/${devMember.id}`, {
					method: "DELETE",
					auth: as("guest"),
				})
			).status,
		).toBe(403);
	});

	it("hides members from a limited guest (403) and the project from outsiders (404, as if missing)", async () => {
		expect(
			(await api("/projects/team/members", { auth: as("limited") })).status,
		).toBe(403);
		const hidden = await api("/projects/team/members", {
			auth: as("outsider"),
		});
		const missing = await api("/projects/nothere/members", {
			auth: as("outsider"),
		});
		expect([hidden.status, missing.status]).toEqual([404, 404]);
		expect((await api("/projects/team/members", { auth: null })).status).toBe(
			401,
		);
	});

	it("changes a role and removes a member, after which the member has no access", async () => {
		const list = (await (
			await api("/projects/team/members")
		).json()) as Member[];
		const guest = list.find((m) => m.entity_name === "guest")!;
		expect(
			(
				await api(`/projects/team/members/${guest.id}`, {
					method: "PUT",
					body: json({ role_id: 4 }),
				})
			).status,
		).toBe(200);
		expect(
			await (await api(`/projects/team/members/${guest.id}`)).json(),
		).toMatchObject({ role_id: 4, role_name: "maintainer" });
		expect(
			(await api(`/projects/team/members/${guest.id}`, { method: "DELETE" }))
				.status,
		).toBe(200);
		expect((await api(`/projects/team/members/${guest.id}`)).status).toBe(404);
		expect(
			(await api("/projects/team/members", { auth: as("guest") })).status,
		).toBe(404);
	});

	it("lets a project admin manage members, and audits it", async () => {
		expect(
			(await add({ role_id: 1, member_user: { username: "newbie" } })).status,
		).toBe(201);
		const r = await add(
			{ role_id: 3, member_user: { username: "outsider" } },
			as("newbie"),
		);
		expect(r.status).toBe(201);
		await sleep(400); // the audit log is written in batches
		const rows = await s.db
			.selectFrom("audit_logs")
			.select(["username", "operation", "resource_type", "project_id"])
			.where("resource", "=", "team/outsider")
			.execute();
		expect(rows).toEqual([
			{
				username: "newbie",
				operation: "create",
				resource_type: "member",
				project_id: projectId,
			},
		]);
	});
});
