import path from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../auth/users.ts";
import { now } from "../db/database.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { sleep } from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminAuth,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Json = Record<string, unknown>;
const pushPull = [
	{ resource: "repository", action: "push" },
	{ resource: "repository", action: "pull" },
];
const projectRobot = (name: string, access = pushPull, extra: Json = {}) => ({
	name,
	level: "project",
	duration: -1,
	permissions: [{ kind: "project", namespace: "library", access }],
	...extra,
});

describe.each(engines)("robot accounts on %s", (engine) => {
	let s: TestServer;
	let c: ClientSandbox;
	let layout: string;
	let host: string;
	const api = (p: string, init: RequestInit & { auth?: string | null } = {}) =>
		fetch(`${s.url}/api/v2.0${p}`, {
			...init,
			headers: {
				...(init.auth === null
					? {}
					: { Authorization: init.auth ?? adminAuth }),
				...(init.body ? { "Content-Type": "application/json" } : {}),
			},
		});
	const json = (body: unknown) => JSON.stringify(body);
	const create = async (body: unknown, auth?: string) => {
		const r = await api("/robots", { method: "POST", auth, body: json(body) });
		return {
			status: r.status,
			location: r.headers.get("location"),
			body: (await r.json()) as Json & {
				errors?: { code: string; message: string }[];
			},
		};
	};
	const token = (
		user: string,
		secret: string,
		scope = "repository:library/app:pull,push",
	) =>
		fetch(
			`${s.url}/service/token?service=harbor-registry&scope=${encodeURIComponent(scope)}`,
			{ headers: { Authorization: basic(user, secret) } },
		);
	const push = (creds: string, tag: string) =>
		c.skopeo(
			"copy",
			`oci:${layout}`,
			`docker://${host}/library/app:${tag}`,
			"--dest-tls-verify=false",
			"--dest-creds",
			creds,
		);
	const pull = (creds: string, tag: string) =>
		c.skopeo(
			"inspect",
			"--tls-verify=false",
			"--raw",
			"--creds",
			creds,
			`docker://${host}/library/app:${tag}`,
		);

	let ci: { id: number; name: string; secret: string };

	beforeAll(async () => {
		s = await startTestServer(engine);
		c = await clientSandbox();
		host = new URL(s.url).host;
		layout = path.join(c.dir, "image");
		await makeOciLayout(layout);
		const users = createUserService(s.db);
		const dev = await users.create({
			username: "dev",
			password: "Passw0rdX",
			email: "dev@example.com",
		});
		const owner = await users.create({
			username: "owner",
			password: "Passw0rdX",
			email: "owner@example.com",
		});
		const library = await s.db
			.selectFrom("projects")
			.select("id")
			.where("name", "=", "library")
			.executeTakeFirstOrThrow();
		const t = now();
		await s.db
			.insertInto("members")
			.values([
				{
					project_id: library.id,
					entity_type: "u",
					entity_id: dev,
					role: 2,
					creation_time: t,
					update_time: t,
				},
				{
					project_id: library.id,
					entity_type: "u",
					entity_id: owner,
					role: 1,
					creation_time: t,
					update_time: t,
				},
			])
			.execute();
	});
	afterAll(async () => {
		await c?.cleanup();
		await stopTestServer(s);
	});

	it("creates a project robot named robot$<project>+<name>, showing its secret once", async () => {
		const r = await create(
			projectRobot("ci", pushPull, { description: "CI pushes" }),
		);
		expect(r.status).toBe(201);
		expect(r.body).toMatchObject({
			name: "robot$library+ci",
			secret: expect.any(String),
			expires_at: -1,
			creation_time: expect.any(String),
		});
		expect(r.location).toBe(`/api/v2.0/robots/${r.body.id}`);
		ci = r.body as typeof ci;
		const got = (await (await api(`/robots/${ci.id}`)).json()) as Json;
		expect(got).toMatchObject({
			id: ci.id,
			name: "robot$library+ci",
			description: "CI pushes",
			level: "project",
			duration: -1,
			disable: false,
			editable: true,
			permissions: [
				{ kind: "project", namespace: "library", access: pushPull },
			],
			creator_type: "local",
			creator_ref: 1,
		});
		expect(got).not.toHaveProperty("secret");
		const list = await api(
			`/robots?q=${encodeURIComponent("Level=project,ProjectID=1")}`,
		);
		expect(list.headers.get("x-total-count")).toBe("1");
		const listed = (await list.json()) as Json[];
		expect(listed.map((x) => x.name)).toEqual(["robot$library+ci"]);
		expect(listed[0]).not.toHaveProperty("secret");
		expect((await create(projectRobot("ci"))).status).toBe(409);
	});

	it("pushes and pulls with skopeo as the robot, whose tokens name it", async () => {
		const pushed = await push(`robot$library+ci:${ci.secret}`, "v1");
		expect(pushed.ok, pushed.stderr).toBe(true);
		const pulled = await pull(`robot$library+ci:${ci.secret}`, "v1");
		expect(pulled.ok, pulled.stderr).toBe(true);
		const t = await token("robot$library+ci", ci.secret);
		expect(
			decodeJwt(((await t.json()) as { token: string }).token),
		).toMatchObject({
			sub: `robot:${ci.id}`,
			access: [
				{ type: "repository", name: "library/app", actions: ["pull", "push"] },
			],
		});
		const me = await api("/users/current", {
			auth: basic("robot$library+ci", ci.secret),
		});
		expect(me.status).toBe(412);
	});

	it("lets a pull-only robot pull but not push, and nothing outside its project", async () => {
		const r = await create(
			projectRobot("reader", [{ resource: "repository", action: "pull" }]),
		);
		const creds = `robot$library+reader:${r.body.secret}`;
		expect((await pull(creds, "v1")).ok).toBe(true);
		const denied = await push(creds, "v2");
		expect(denied.ok).toBe(false);
		expect(denied.stderr).toMatch(/unauthorized|denied/i);
		const t = (await (
			await token(
				"robot$library+reader",
				String(r.body.secret),
				"repository:library/app:pull,push,delete",
			)
		).json()) as { token: string };
		expect(decodeJwt(t.token).access).toEqual([
			{ type: "repository", name: "library/app", actions: ["pull"] },
		]);
		// Only its grants count: the public project's openness and the matrix give a robot nothing more.
		const members = await api("/projects/library/members", {
			auth: basic("robot$library+reader", String(r.body.secret)),
		});
		expect(members.status).toBe(403);
	});

	it("stops a disabled robot at once, including a token issued before", async () => {
		const r = await create(projectRobot("flaky"));
		const secret = String(r.body.secret);
		const before = (
			(await (await token("robot$library+flaky", secret)).json()) as {
				token: string;
			}
		).token;
		expect(
			(
				await fetch(`${s.url}/v2/library/app/tags/list`, {
					headers: { Authorization: `Bearer ${before}` },
				})
			).status,
		).toBe(200);
		const put = await api(`/robots/${r.body.id}`, {
			method: "PUT",
			body: json({ disable: true }),
		});
		expect(put.status).toBe(200);
		expect(await (await api(`/robots/${r.body.id}`)).json()).toMatchObject({
			disable: true,
		});
		expect(
			(
				await fetch(`${s.url}/v2/library/app/tags/list`, {
					headers: { Authorization: `Bearer ${before}` },
				})
			).status,
		).toBe(401);
		expect((await token("robot$library+flaky", secret)).status).toBe(401);
		const pushed = await push(`robot$library+flaky:${secret}`, "v3");
		expect(pushed.ok).toBe(false);
		const pulled = await pull(`robot$library+flaky:${secret}`, "v1");
		expect(pulled.ok).toBe(false);
		expect(
			(await api("/robots", { auth: basic("robot$library+flaky", secret) }))
				.status,
		).toBe(401);
		await sleep(400); // the audit log is written in batches
		const ops = await s.db
			.selectFrom("audit_logs")
			.select("operation")
			.where("resource", "=", "robot$library+flaky")
			.orderBy("id")
			.execute();
		expect(ops.map((o) => o.operation)).toEqual(["create", "disable"]);
	});

	it("gives a robot created without a duration the configured robot_token_duration", async () => {
		expect(
			(
				await api("/configurations", {
					method: "PUT",
					body: json({ robot_token_duration: 7 }),
				})
			).status,
		).toBe(200);
		try {
			const r = await create(
				projectRobot("defaulted", pushPull, { duration: undefined }),
			);
			expect(r.status).toBe(201);
			const got = (await (await api(`/robots/${r.body.id}`)).json()) as Json;
			expect(got.duration).toBe(7);
			expect(
				Number(got.expires_at) - Date.parse(String(got.creation_time)) / 1000,
			).toBeCloseTo(7 * 86400, -2);
		} finally {
			await api("/configurations", {
				method: "PUT",
				body: json({ robot_token_duration: 30 }),
			});
		}
	});

	it("refuses an expired robot", async () => {
		const r = await create(projectRobot("old", pushPull, { duration: 30 }));
		expect(r.body.expires_at).toBeGreaterThan(Date.now() / 1000 + 29 * 86400);
		await s.db
			.updateTable("robots")
			.set({ expires_at: Math.floor(Date.now() / 1000) - 1 })
			.where("id", "=", Number(r.body.id))
			.execute();
		expect(
			(await token("robot$library+old", String(r.body.secret))).status,
		).toBe(401);
		expect(
			(
				await fetch(`${s.url}/v2/`, {
					headers: {
						Authorization: basic("robot$library+old", String(r.body.secret)),
					},
				})
			).status,
		).toBe(401);
	});

	it("refreshes the secret: the new one works, the old one stops", async () => {
		const r = await create(projectRobot("rotating"));
		const old = String(r.body.secret);
		expect((await token("robot$library+rotating", old)).status).toBe(200);
		const refreshed = await api(`/robots/${r.body.id}`, {
			method: "PATCH",
			body: json({}),
		});
		expect(refreshed.status).toBe(200);
		const { secret } = (await refreshed.json()) as { secret: string };
		expect(secret).not.toBe(old);
		expect((await token("robot$library+rotating", old)).status).toBe(401);
		expect((await token("robot$library+rotating", secret)).status).toBe(200);
		const given = await api(`/robots/${r.body.id}`, {
			method: "PATCH",
			body: json({ secret: "weak" }),
		});
		expect(given.status).toBe(400);
	});

	it("grants no more than the creator holds and keeps system robots for admins", async () => {
		const dev = basic("dev", "Passw0rdX");
		expect((await create(projectRobot("devbot"), dev)).status).toBe(403); // a developer cannot create robots
		const system = {
			name: "sys",
			level: "system",
			permissions: [{ kind: "project", namespace: "*", access: pushPull }],
		};
		expect((await create(system, basic("owner", "Passw0rdX"))).status).toBe(
			403,
		);
		const byOwner = await create(
			projectRobot("ownerbot", [{ resource: "metadata", action: "list" }]),
			basic("owner", "Passw0rdX"),
		);
		expect(byOwner.status).toBe(403); // ProjectAdmin holds metadata C R U D, not list
		expect(
			(await create(projectRobot("ownerbot"), basic("owner", "Passw0rdX")))
				.status,
		).toBe(201);
		const bad = await create(
			projectRobot("badbot", [{ resource: "repository", action: "fly" }]),
		);
		expect(bad.status).toBe(400);
		const created = await create(system);
		expect(created.status).toBe(201);
		expect(created.body.name).toBe("robot$sys");
		expect(
			(await api(`/robots/${created.body.id}`, { auth: dev })).status,
		).toBe(403);
		expect((await api("/robots?q=Level%3Dsystem", { auth: dev })).status).toBe(
			403,
		);
		// Without Level the list holds system robots only (Harbor), which a developer may not list.
		expect((await api("/robots", { auth: dev })).status).toBe(403);
		const unnamed = await api("/robots?page_size=100");
		const systemOnly = (await unnamed.json()) as Json[];
		expect(systemOnly.map((x) => x.name)).toContain("robot$sys");
		expect(systemOnly.every((x) => x.level === "system")).toBe(true);
		expect(unnamed.headers.get("x-total-count")).toBe(
			String(systemOnly.length),
		);
		// Project robots are listed with their project, by whoever may list that project's robots (robot:list).
		const seen = (await (
			await api(
				`/robots?q=${encodeURIComponent("Level=project,ProjectID=1")}`,
				{ auth: dev },
			)
		).json()) as Json[];
		expect(seen.length).toBeGreaterThan(0);
		expect(seen.every((x) => x.level === "project")).toBe(true);
		expect(
			await (await api("/robots?q=ProjectID%3D1", { auth: dev })).json(),
		).toEqual(seen);
		const projectless = await api(
			`/robots?q=${encodeURIComponent("Level=project")}`,
		);
		expect(projectless.status).toBe(400);
	});

	it("replaces description and disable on PUT as Harbor does: a Go client leaves out an empty or false one", async () => {
		const r = await create(
			projectRobot("replaced", pushPull, {
				description: "before",
				disable: true,
			}),
		);
		const full = (await (await api(`/robots/${r.body.id}`)).json()) as Json;
		expect(full).toMatchObject({ description: "before", disable: true });
		const { description: _d, disable: _x, ...withoutThem } = full;
		expect(
			(
				await api(`/robots/${r.body.id}`, {
					method: "PUT",
					body: json(withoutThem),
				})
			).status,
		).toBe(200);
		expect(await (await api(`/robots/${r.body.id}`)).json()).toMatchObject({
			description: "",
			disable: false,
		});
	});

	it("lists the grantable permissions for admins only", async () => {
		const r = await api("/permissions");
		expect(r.status).toBe(200);
		const body = (await r.json()) as { system: Json[]; project: Json[] };
		expect(body.project).toContainEqual({
			resource: "repository",
			action: "push",
		});
		expect(body.system).toContainEqual({
			resource: "project",
			action: "create",
		});
		expect(
			(await api("/permissions", { auth: basic("dev", "Passw0rdX") })).status,
		).toBe(403);
		expect(
			await (
				await api("/permissions", { auth: basic("owner", "Passw0rdX") })
			).json(),
		).toMatchObject({ system: [] });
	});

	it("deletes a robot, which can then no longer log in", async () => {
		const r = await create(projectRobot("gone"));
		expect(
			(
				await api(`/robots/${r.body.id}`, {
					method: "DELETE",
					auth: basic("dev", "Passw0rdX"),
				})
			).status,
		).toBe(403);
		expect(
			(await api(`/robots/${r.body.id}`, { method: "DELETE" })).status,
		).toBe(200);
		expect((await api(`/robots/${r.body.id}`)).status).toBe(404);
		expect(
			(await token("robot$library+gone", String(r.body.secret))).status,
		).toBe(401);
	});
});
