import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../auth/users.ts";
import { addProject } from "./api-fixtures.ts";
import {
	client,
	descriptor,
	imageIndex,
	mt,
	sleep,
} from "./distribution-helpers.ts";
import {
	adminAuth,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Log = {
	id: number;
	username: string;
	resource: string;
	resource_type: string;
	operation: string;
	op_time: string;
};

describe.each(engines)("the audit log on %s", (engine) => {
	let s: TestServer;
	let digest: string;
	const owner = basic("owner", "Owner1234");
	const guest = basic("guest", "Guest1234");
	const outsider = basic("outsider", "Outsider1");

	const get = (path: string, auth: string | null = adminAuth) =>
		fetch(`${s.url}/api/v2.0${path}`, {
			headers: auth ? { Authorization: auth } : {},
		});
	const logs = async (query = "", auth: string | null = adminAuth) => {
		const r = await get(`/audit-logs${query}`, auth);
		expect(r.status, await r.clone().text()).toBe(200);
		return {
			body: (await r.json()) as Log[],
			total: Number(r.headers.get("x-total-count")),
			link: r.headers.get("link"),
		};
	};

	beforeAll(async () => {
		s = await startTestServer(engine);
		const users = createUserService(s.db);
		const ownerId = await users.create({
			username: "owner",
			password: "Owner1234",
		});
		const guestId = await users.create({
			username: "guest",
			password: "Guest1234",
		});
		await users.create({ username: "outsider", password: "Outsider1" });
		await addProject(s, "team", {
			members: [
				[ownerId, 1],
				[guestId, 3],
			],
		});

		// Push, pull and delete through /v2, and one refused login.
		const c = client(s);
		digest = (await c.pushImage("team/app", "1.0")).digest;
		expect((await c.call("/v2/team/app/manifests/1.0")).status).toBe(200);
		await c.pushImage("library/other", "v1");
		expect(
			(await c.call(`/v2/team/app/manifests/${digest}`, { method: "DELETE" }))
				.status,
		).toBe(202);
		const refused = await fetch(`${s.url}/c/login`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ principal: "intruder", password: "nope" }),
		});
		expect(refused.status).toBe(401);
		// The writer batches a few times a second.
		for (
			let i = 0;
			i < 50 && (await logs("?q=operation=login_failed")).total === 0;
			i++
		)
			await sleep(100);
	});
	afterAll(() => stopTestServer(s));

	it("records push, pull, delete and a refused login with Harbor's fields", async () => {
		const { body } = await logs("?page_size=100");
		for (const l of body)
			expect(Object.keys(l).sort()).toEqual([
				"id",
				"op_time",
				"operation",
				"resource",
				"resource_type",
				"username",
			]);
		const find = (op: string, resource: string) =>
			body.find((l) => l.operation === op && l.resource === resource);
		expect(find("create", "team/app:1.0")).toMatchObject({
			username: "admin",
			resource_type: "artifact",
			id: expect.any(Number),
		});
		expect(find("pull", "team/app:1.0")).toMatchObject({
			username: "admin",
			resource_type: "artifact",
		});
		expect(find("delete", `team/app@${digest}`)).toMatchObject({
			username: "admin",
			resource_type: "artifact",
		});
		expect(find("login_failed", "console")).toMatchObject({
			username: "intruder",
			resource_type: "user",
		});
		expect(new Date(body[0].op_time).toISOString()).toBe(body[0].op_time);
		// Newest first by default.
		expect(body.map((l) => l.op_time)).toEqual(
			[...body.map((l) => l.op_time)].sort().reverse(),
		);
	});

	it("filters by operation, username, resource and resource type", async () => {
		const pulls = await logs("?q=operation=pull");
		expect(pulls.total).toBe(1);
		expect(pulls.body.every((l) => l.operation === "pull")).toBe(true);
		expect(
			(await logs("?q=username=intruder")).body.map((l) => l.operation),
		).toEqual(["login_failed"]);
		const team = await logs(
			`?q=${encodeURIComponent("resource=~TEAM/app")}&page_size=100`,
		);
		expect(team.body.map((l) => l.operation).sort()).toEqual([
			"create",
			"delete",
			"pull",
		]);
		const either = await logs(
			`?q=${encodeURIComponent("operation={create delete}")}&page_size=100`,
		);
		expect(either.body.map((l) => l.operation).sort()).toEqual([
			"create",
			"create",
			"delete",
		]);
		expect(
			(await logs("?q=resource_type=user")).body.map((l) => l.username),
		).toEqual(["intruder"]);
	});

	it("filters by a time range, open at either end", async () => {
		const all = await logs("?page_size=100");
		const inRange = await logs(
			`?q=${encodeURIComponent("op_time=[2000-01-01 00:00:00~2100-01-01 00:00:00]")}`,
		);
		expect(inRange.total).toBe(all.total);
		expect(
			(await logs(`?q=${encodeURIComponent("op_time=[2100-01-01 00:00:00~]")}`))
				.total,
		).toBe(0);
		expect(
			(
				await logs(
					`?q=${encodeURIComponent("op_time=[~2000-01-01 00:00:00],operation=pull")}`,
				)
			).total,
		).toBe(0);
		const bad = await get(
			`/audit-logs?q=${encodeURIComponent("op_time=[yesterday~]")}`,
		);
		expect(bad.status).toBe(400);
		expect((await bad.json()).errors[0].code).toBe("BAD_REQUEST");
	});

	it("pages with X-Total-Count and Link headers, and sorts on request", async () => {
		const first = await logs("?page=1&page_size=2");
		expect(first.total).toBe(5);
		expect(first.body).toHaveLength(2);
		expect(first.link).toBe(
			'</api/v2.0/audit-logs?page=2&page_size=2>; rel="next"',
		);
		const last = await logs("?page=3&page_size=2");
		expect(last.body).toHaveLength(1);
		expect(last.link).toBe(
			'</api/v2.0/audit-logs?page=2&page_size=2>; rel="prev"',
		);
		const ids = (await logs("?sort=id&page_size=100")).body.map((l) => l.id);
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
		// A key the list cannot sort on (only indexed keys sort) is skipped, as Harbor skips it: the default order stays.
		const byDefault = (await logs("?page_size=100")).body.map((l) => l.id);
		expect(
			(await logs("?sort=resource&page_size=100")).body.map((l) => l.id),
		).toEqual(byDefault);
		expect((await get("/audit-logs?q=project=x")).status).toBe(400);
		expect((await get("/audit-logs?page_size=101")).status).toBe(400);
	});

	it("asks anonymous callers to sign in and shows others only the projects they administer", async () => {
		expect((await get("/audit-logs", null)).status).toBe(401);
		const mine = await logs("?page_size=100", owner);
		expect(mine.body.map((l) => l.resource).sort()).toEqual([
			"team/app:1.0",
			"team/app:1.0",
			`team/app@${digest}`,
		]);
		expect((await logs("", guest)).total).toBe(0);
	});

	it("shows project logs to its ProjectAdmin, refuses a guest, and hides the project from others", async () => {
		const r = await get("/projects/team/logs?q=operation=pull", owner);
		expect(r.status).toBe(200);
		expect(r.headers.get("x-total-count")).toBe("1");
		expect(((await r.json()) as Log[])[0]).toMatchObject({
			operation: "pull",
			resource: "team/app:1.0",
			username: "admin",
		});
		const admin = await get("/projects/team/logs?page_size=100");
		expect(
			((await admin.json()) as Log[]).every((l) =>
				l.resource.startsWith("team/"),
			),
		).toBe(true);

		const refused = await get("/projects/team/logs", guest);
		expect(refused.status).toBe(403);
		expect((await refused.json()).errors[0].code).toBe("FORBIDDEN");
		const hidden = await get("/projects/team/logs", outsider);
		const missing = await get("/projects/nosuch/logs", outsider);
		expect([hidden.status, missing.status]).toEqual([404, 404]);
		expect((await hidden.json()).errors[0].code).toBe(
			(await missing.json()).errors[0].code,
		);
		expect((await get("/projects/team/logs", null)).status).toBe(401);
	});

	it("answers the 2.13 extension from the same rows, with a description and a result", async () => {
		const r = await get("/auditlog-exts?q=username=intruder");
		expect(r.status).toBe(200);
		expect(await r.json()).toEqual([
			{
				id: expect.any(Number),
				username: "intruder",
				resource: "console",
				resource_type: "user",
				operation: "login_failed",
				operation_description: "login failed user console",
				operation_result: false,
				op_time: expect.any(String),
			},
		]);
		const project = await get(
			"/projects/team/auditlog-exts?q=operation=create",
			owner,
		);
		expect(await project.json()).toEqual([
			expect.objectContaining({
				resource: "team/app:1.0",
				operation_result: true,
			}),
		]);
		expect((await get("/projects/team/auditlog-exts", guest)).status).toBe(403);

		const events = await get("/auditlog-exts/events");
		expect(await events.json()).toEqual(
			expect.arrayContaining([
				{ event_type: "create_artifact" },
				{ event_type: "login_user" },
			]),
		);
		expect((await get("/auditlog-exts/events", owner)).status).toBe(403);
	});

	it("reads a project's log by its name, even a name of digits only", async () => {
		const created = await fetch(`${s.url}/api/v2.0/projects`, {
			method: "POST",
			headers: { Authorization: adminAuth, "Content-Type": "application/json" },
			body: JSON.stringify({ project_name: "4242" }),
		});
		expect(created.status).toBe(201);
		for (let i = 0; i < 50 && (await logs("?q=resource=4242")).total === 0; i++)
			await sleep(100);
		for (const path of [
			"/projects/4242/logs",
			"/projects/4242/auditlog-exts",
		]) {
			const r = await get(path);
			expect(r.status, path).toBe(200);
			expect(
				((await r.json()) as { resource: string }[]).map((l) => l.resource),
				path,
			).toContain("4242");
		}
	});

	it("records a push by digest: an index's children and a referrer, each by its digest", async () => {
		const c = client(s);
		const repo = "library/by-digest";
		const amd = await c.pushImage(repo, null);
		const arm = await c.pushImage(repo, null);
		const index = imageIndex([
			descriptor(mt.ociManifest, amd.body),
			descriptor(mt.ociManifest, arm.body),
		]);
		expect(
			(await c.putManifest(repo, "multi", index, mt.ociIndex)).status,
		).toBe(201);
		const referrer = await c.pushImage(repo, null, {
			subject: descriptor(mt.ociIndex, index),
			artifactType: "application/vnd.example.sbom",
		});
		const pushes = async () =>
			(
				await logs(
					`?q=${encodeURIComponent(`resource=~${repo},operation=create`)}&page_size=100`,
				)
			).body;
		for (let i = 0; i < 50 && (await pushes()).length < 4; i++)
			await sleep(100); // the writer batches
		expect(
			(await pushes())
				.map((l) => [l.resource, l.resource_type, l.username])
				.sort(),
		).toEqual(
			[
				[`${repo}:multi`, "artifact", "admin"],
				[`${repo}@${amd.digest}`, "artifact", "admin"],
				[`${repo}@${arm.digest}`, "artifact", "admin"],
				[`${repo}@${referrer.digest}`, "artifact", "admin"],
			].sort(),
		);
	});
});
