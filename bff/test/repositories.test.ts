import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, api } from "./api-fixtures.ts";
import { client, sleep } from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Repository = {
	id: number;
	project_id: number;
	name: string;
	description: string;
	artifact_count: number;
	pull_count: number;
	creation_time: string;
	update_time: string;
};

describe.each(engines)("repositories API on %s", (engine) => {
	let s: TestServer;
	let call: ReturnType<typeof api>;
	let reg: ReturnType<typeof client>;
	let member: { id: number; auth: string };
	let outsider: { id: number; auth: string };

	beforeAll(async () => {
		s = await startTestServer(engine);
		call = api(s);
		reg = client(s);
		member = await addUser(s, "member");
		outsider = await addUser(s, "outsider");
		await addProject(s, "private", { members: [[member.id, 2]] });
		for (const name of ["web", "worker", "tools/lint"])
			await reg.pushImage(`library/${name}`, "v1");
		await reg.pushImage("library/web", "v2");
		await reg.pushImage("private/app", "v1");
	});
	afterAll(() => stopTestServer(s));

	it("lists a project's repositories with full names, counts and paging headers", async () => {
		const r = await call(
			"/projects/library/repositories?page_size=2&sort=name",
		);
		expect(r.status).toBe(200);
		expect(r.headers.get("x-total-count")).toBe("3");
		expect(r.headers.get("link")).toContain('rel="next"');
		const rows = (await r.json()) as Repository[];
		expect(rows.map((x) => x.name)).toEqual([
			"library/tools/lint",
			"library/web",
		]);
		expect(rows[1]).toMatchObject({
			artifact_count: 2,
			pull_count: 0,
			description: "",
		});
		const fuzzy = await call(
			`/projects/library/repositories?q=${encodeURIComponent("name=~wor")}`,
		);
		expect(((await fuzzy.json()) as Repository[]).map((x) => x.name)).toEqual([
			"library/worker",
		]);
	});

	it("gets, updates and deletes a repository named with a double-encoded slash", async () => {
		const path = "/projects/library/repositories/tools%252Flint";
		const got = (await (await call(path)).json()) as Repository;
		expect(got.name).toBe("library/tools/lint");
		expect(
			(await call(path, { method: "PUT", json: { description: "linters" } }))
				.status,
		).toBe(200);
		expect(((await (await call(path)).json()) as Repository).description).toBe(
			"linters",
		);
		expect(
			(
				await call(path, {
					method: "PUT",
					json: { description: "x" },
					auth: outsider.auth,
				})
			).status,
		).toBe(403);
		expect((await call(path, { method: "DELETE" })).status).toBe(200);
		expect((await call(path)).status).toBe(404);
		expect((await reg.call("/v2/library/tools/lint/manifests/v1")).status).toBe(
			404,
		);
		await sleep(400);
		const log = await s.db
			.selectFrom("audit_logs")
			.selectAll()
			.where("resource_type", "=", "repository")
			.execute();
		expect(log).toMatchObject([
			{
				resource: "library/tools/lint",
				operation: "delete",
				username: "admin",
			},
		]);
	});

	it("lists all repositories the caller may see", async () => {
		const names = async (auth?: string | null) =>
			(
				(await (
					await call("/repositories?page_size=100", { auth })
				).json()) as Repository[]
			)
				.map((x) => x.name)
				.sort();
		expect(await names(null)).toEqual(["library/web", "library/worker"]);
		expect(await names(outsider.auth)).toEqual([
			"library/web",
			"library/worker",
		]);
		expect(await names(member.auth)).toEqual([
			"library/web",
			"library/worker",
			"private/app",
		]);
		expect(await names()).toEqual([
			"library/web",
			"library/worker",
			"private/app",
		]);
	});

	it("answers for a hidden project as for a missing one", async () => {
		const hidden = await call("/projects/private/repositories", {
			auth: outsider.auth,
		});
		const missing = await call("/projects/nothing/repositories", {
			auth: outsider.auth,
		});
		expect([hidden.status, missing.status]).toEqual([404, 404]);
		expect(
			(await call("/projects/private/repositories/app", { auth: member.auth }))
				.status,
		).toBe(200);
		expect(
			(
				await call("/projects/private/repositories/app", {
					method: "DELETE",
					auth: member.auth,
				})
			).status,
		).toBe(403);
	});
});
