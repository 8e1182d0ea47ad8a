import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject } from "../api-fixtures.ts";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

type Errors = { errors: { code: string; message: string }[] };

/**
 * What a shell script gets with curl: `curl -u admin:… "$HARBOR/api/v2.0/projects?q=name%3D~team"`,
 * `curl -G --data-urlencode 'q=…'`, the version probe, and a wrong method on a path that exists.
 */
describe.each(engines)("API scripts (curl) against %s", (engine) => {
	let s: TestServer;
	const curl = (
		path: string,
		method = "GET",
		auth: string | null = adminAuth,
	) =>
		fetch(`${s.url}${path}`, {
			method,
			headers: auth ? { Authorization: auth } : {},
		});
	const names = async (r: Response) =>
		((await r.json()) as { name: string }[]).map((p) => p.name).sort();

	beforeAll(async () => {
		s = await startTestServer(engine);
		await addProject(s, "team-a");
		await addProject(s, "team-b");
		await addProject(s, "other");
	});
	afterAll(() => stopTestServer(s));

	it("answers GET /api/version as Harbor, to anyone", async () => {
		const r = await curl("/api/version", "GET", null);
		expect(r.status).toBe(200);
		expect(await r.json()).toEqual({ version: "v2.0" });
	});

	it("reads q encoded once (curl -G --data-urlencode), twice, or written by hand", async () => {
		const once = `q=${encodeURIComponent("name=~team")}`;
		expect(once).toBe("q=name%3D~team");
		expect(await names(await curl(`/api/v2.0/projects?${once}`))).toEqual([
			"team-a",
			"team-b",
		]);
		// Harbor's portal encodes q itself before the query string encodes it again.
		expect(
			await names(
				await curl(
					`/api/v2.0/projects?q=${encodeURIComponent(encodeURIComponent("name={team-a other}"))}`,
				),
			),
		).toEqual(["other", "team-a"]);
		expect(
			await names(await curl("/api/v2.0/projects?q=name=~team,name=other")),
		).toEqual(["other"]);
	});

	it("answers a malformed q with Harbor's 400", async () => {
		const r = await curl(
			`/api/v2.0/projects?q=${encodeURIComponent("name=[a~b")}`,
		);
		expect(r.status).toBe(400);
		expect(await r.json()).toEqual({
			errors: [
				{
					code: "BAD_REQUEST",
					message:
						'invalid query string value: [a~b: range must start with "[", end with "]" and contains only one "~"',
				},
			],
		});
	});

	it("answers a wrong method on a known path 405 with Allow, and an unknown path 404", async () => {
		const list = await curl("/api/v2.0/projects", "DELETE");
		expect(list.status).toBe(405);
		expect(list.headers.get("allow")).toBe("GET, HEAD, POST");
		expect(await list.json()).toEqual({
			errors: [
				{
					code: "METHOD_NOT_ALLOWED",
					message: "method DELETE is not allowed, but [GET,HEAD,POST] are",
				},
			],
		});

		const one = await curl("/api/v2.0/projects/team-a", "PATCH");
		expect(one.status).toBe(405);
		expect(one.headers.get("allow")).toBe("DELETE, GET, HEAD, PUT");

		// A repository name's slashes come encoded twice (Harbor's rule): the path still finds its routes.
		const repo = await curl(
			"/api/v2.0/projects/team-a/repositories/a%252Fb",
			"POST",
		);
		expect(repo.status).toBe(405);
		expect(repo.headers.get("allow")).toBe("DELETE, GET, HEAD, PUT");

		for (const [path, method] of [
			["/api/v2.0/no-such-thing", "GET"],
			["/api/v2.0/no-such-thing", "DELETE"],
			["/api/v2.0/projects/team-a/nothing", "POST"],
		]) {
			const r = await curl(path, method);
			expect(r.status, `${method} ${path}`).toBe(404);
			expect(((await r.json()) as Errors).errors[0].code).toBe("NOT_FOUND");
		}
		// The right method on a known path whose resource is missing stays a 404.
		expect((await curl("/api/v2.0/projects/no-such-project")).status).toBe(404);
	});

	it("checks the method before credentials, as Harbor routes before it authorizes", async () => {
		const r = await curl("/api/v2.0/projects", "DELETE", null);
		expect(r.status).toBe(405);
	});
});
