import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, api } from "./api-fixtures.ts";
import { client } from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Label = {
	id: number;
	name: string;
	description: string;
	color: string;
	scope: string;
	project_id: number;
	creation_time: string;
	update_time: string;
};

describe.each(engines)("labels API on %s", (engine) => {
	let s: TestServer;
	let call: ReturnType<typeof api>;
	let reg: ReturnType<typeof client>;
	let maintainer: { id: number; auth: string };
	let developer: { id: number; auth: string };
	let guest: { id: number; auth: string };
	let outsider: { id: number; auth: string };
	let projectId: number;

	const idOf = (r: Response) =>
		Number(r.headers.get("location")!.split("/").pop());

	beforeAll(async () => {
		s = await startTestServer(engine);
		call = api(s);
		reg = client(s);
		maintainer = await addUser(s, "maintainer");
		developer = await addUser(s, "developer");
		guest = await addUser(s, "guest");
		outsider = await addUser(s, "outsider");
		projectId = await addProject(s, "team", {
			members: [
				[maintainer.id, 4],
				[developer.id, 2],
				[guest.id, 3],
			],
		});
	});
	afterAll(() => stopTestServer(s));

	it("lets only a system admin manage global labels, with 409 on a taken name", async () => {
		const created = await call("/labels", {
			method: "POST",
			json: {
				name: "prod",
				color: "#FF0000",
				description: "production",
				scope: "g",
			},
		});
		expect(created.status).toBe(201);
		expect(created.headers.get("location")).toMatch(
			/^\/api\/v2\.0\/labels\/\d+$/,
		);
		const id = idOf(created);
		expect(
			await (await call(`/labels/${id}`, { auth: developer.auth })).json(),
		).toMatchObject({
			name: "prod",
			color: "#FF0000",
			scope: "g",
			project_id: 0,
		});
		expect(
			(
				await call("/labels", {
					method: "POST",
					json: { name: "prod", scope: "g" },
				})
			).status,
		).toBe(409);
		expect(
			(
				await call("/labels", {
					method: "POST",
					json: { name: "x", scope: "g" },
					auth: maintainer.auth,
				})
			).status,
		).toBe(403);
		expect(
			(
				await call("/labels", {
					method: "POST",
					json: { name: "x", scope: "g" },
					auth: null,
				})
			).status,
		).toBe(401);
		expect(
			(
				await call(`/labels/${id}`, {
					method: "PUT",
					json: { description: "live" },
				})
			).status,
		).toBe(200);
		expect(
			((await (await call(`/labels/${id}`)).json()) as Label).description,
		).toBe("live");
		const list = await call("/labels?scope=g&name=pro");
		expect(list.headers.get("x-total-count")).toBe("1");
		expect(
			(await call(`/labels/${id}`, { method: "DELETE", auth: developer.auth }))
				.status,
		).toBe(403);
		expect((await call(`/labels/${id}`, { method: "DELETE" })).status).toBe(
			200,
		);
		expect((await call(`/labels/${id}`)).status).toBe(404);
	});

	it("lets project admins and maintainers manage project labels, hidden from outsiders", async () => {
		const created = await call("/labels", {
			method: "POST",
			json: { name: "qa", scope: "p", project_id: projectId },
			auth: maintainer.auth,
		});
		expect(created.status).toBe(201);
		const id = idOf(created);
		expect(
			(
				await call("/labels", {
					method: "POST",
					json: { name: "qa", scope: "p", project_id: projectId },
				})
			).status,
		).toBe(409);
		expect(
			(
				await call("/labels", {
					method: "POST",
					json: { name: "dev", scope: "p", project_id: projectId },
					auth: developer.auth,
				})
			).status,
		).toBe(403);
		const list = await call(`/labels?scope=p&project_id=${projectId}`, {
			auth: guest.auth,
		});
		expect(((await list.json()) as Label[]).map((l) => l.name)).toEqual(["qa"]);
		expect((await call(`/labels/${id}`, { auth: outsider.auth })).status).toBe(
			404,
		);
		expect((await call(`/labels/${id}`, { auth: guest.auth })).status).toBe(
			200,
		);
		expect((await call("/labels?scope=p")).status).toBe(400);
	});

	it("attaches and detaches labels on artifacts, filters by them, and checks the caller's role", async () => {
		const img = await reg.pushImage("team/app", "v1");
		await reg.pushImage("team/app", "v2");
		const label = idOf(
			await call("/labels", {
				method: "POST",
				json: { name: "release", scope: "p", project_id: projectId },
			}),
		);
		const labels = `/projects/team/repositories/app/artifacts/${img.digest}/labels`;
		expect(
			(
				await call(labels, {
					method: "POST",
					json: { id: label },
					auth: guest.auth,
				})
			).status,
		).toBe(403);
		expect(
			(
				await call(labels, {
					method: "POST",
					json: { id: label },
					auth: developer.auth,
				})
			).status,
		).toBe(200);
		expect(
			(await call(labels, { method: "POST", json: { id: label } })).status,
		).toBe(409);
		expect(
			(await call(labels, { method: "POST", json: { id: 999999 } })).status,
		).toBe(404);
		const shown = (await (
			await call("/projects/team/repositories/app/artifacts/v1?with_label=true")
		).json()) as { labels: Label[] };
		expect(shown.labels.map((l) => l.name)).toEqual(["release"]);
		const filtered = await call(
			`/projects/team/repositories/app/artifacts?q=${encodeURIComponent(`labels=(${label})`)}`,
		);
		expect(filtered.headers.get("x-total-count")).toBe("1");
		expect(
			(
				await call(`${labels}/${label}`, {
					method: "DELETE",
					auth: developer.auth,
				})
			).status,
		).toBe(200);
		expect(
			(await call(`${labels}/${label}`, { method: "DELETE" })).status,
		).toBe(404);
	});

	it("answers another project's label as not found, exactly as a label that does not exist (issue 9, finding 19)", async () => {
		const img = await reg.pushImage("team/probe", "v1");
		const hidden = await addProject(s, "hidden-labels");
		const foreign = idOf(
			await call("/labels", {
				method: "POST",
				json: { name: "secret", scope: "p", project_id: hidden },
			}),
		);
		const missing = foreign + 1000;
		const labels = `/projects/team/repositories/probe/artifacts/${img.digest}/labels`;
		// A developer of `team` (who cannot see `hidden-labels`) and a system admin alike learn nothing from the id.
		for (const auth of [developer.auth, undefined]) {
			const other = await call(labels, {
				method: "POST",
				json: { id: foreign },
				auth,
			});
			const none = await call(labels, {
				method: "POST",
				json: { id: missing },
				auth,
			});
			expect(other.status).toBe(404);
			expect(await other.json()).toEqual({
				errors: [{ code: "NOT_FOUND", message: `label ${foreign} not found` }],
			});
			expect(await none.json()).toEqual({
				errors: [{ code: "NOT_FOUND", message: `label ${missing} not found` }],
			});
		}
		const shown = (await (
			await call(
				"/projects/team/repositories/probe/artifacts/v1?with_label=true",
			)
		).json()) as { labels: Label[] };
		expect(shown.labels).toEqual([]);
	});
});
