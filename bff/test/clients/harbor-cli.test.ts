import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject } from "../api-fixtures.ts";
import { client } from "../distribution-helpers.ts";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * harbor-cli (goharbor/harbor-cli, pkg/api) through its go-swagger client: basic auth, `X-Is-Resource-Name` from
 * `useProjectID`, and every optional parameter given a pointer sent as its value, zeros included (`page=0&page_size=0`).
 */
describe.each(engines)(
	"harbor-cli project delete --force against %s",
	(engine) => {
		let s: TestServer;
		const cli = (
			method: string,
			path: string,
			headers: Record<string, string> = {},
		) =>
			fetch(`${s.url}/api/v2.0${path}`, {
				method,
				headers: {
					Authorization: adminAuth,
					Accept: "application/json",
					...headers,
				},
			});

		beforeAll(async () => {
			s = await startTestServer(engine);
		});
		afterAll(() => stopTestServer(s));

		/** A project holding more repositories than a default page (10), so `page_size=0` must not mean 10. */
		async function projectWithRepositories(name: string, count: number) {
			expect(
				(
					await fetch(`${s.url}/api/v2.0/projects`, {
						method: "POST",
						headers: {
							Authorization: adminAuth,
							"Content-Type": "application/json",
						},
						body: JSON.stringify({ project_name: name }),
					})
				).status,
			).toBe(201);
			for (let i = 0; i < count; i++)
				await client(s).pushImage(`${name}/app${i}`, "v1");
		}

		/** api.DeleteProject(projectNameOrID, forceDelete=true, useProjectID), call by call. */
		async function deleteForce(nameOrId: string, useProjectID: boolean) {
			const byName = { "X-Is-Resource-Name": String(!useProjectID) };
			const project = await cli("GET", `/projects/${nameOrId}`, byName);
			expect(project.status).toBe(200);
			const projectName = ((await project.json()) as { name: string }).name;

			const rules = await cli(
				"GET",
				`/projects/${projectName}/immutabletagrules`,
				{ "X-Is-Resource-Name": "true" },
			);
			expect(rules.status).toBe(200);
			expect(rules.headers.get("x-total-count")).toBe("0");
			expect(await rules.json()).toEqual([]);

			// ListRepository: by id it looks the project up again, then lists by name with the zero page and page size.
			if (useProjectID)
				expect((await cli("GET", `/projects/${nameOrId}`, byName)).status).toBe(
					200,
				);
			const repos = await cli(
				"GET",
				`/projects/${projectName}/repositories?page=0&page_size=0`,
			);
			expect(repos.status).toBe(200);
			for (const repo of (await repos.json()) as { name: string }[]) {
				if (useProjectID)
					expect(
						(await cli("GET", `/projects/${nameOrId}`, byName)).status,
					).toBe(200);
				const deleted = await cli(
					"DELETE",
					`/projects/${projectName}/repositories/${repo.name.slice(projectName.length + 1)}`,
				);
				expect(deleted.status).toBe(200);
			}
			return cli("DELETE", `/projects/${nameOrId}`, byName);
		}

		it("deletes a project with its repositories by name: the immutable rules list is empty, not a 404", async () => {
			await projectWithRepositories("cli-doomed", 12);
			expect((await deleteForce("cli-doomed", false)).status).toBe(200);
			expect(
				(
					await cli("GET", "/projects/cli-doomed", {
						"X-Is-Resource-Name": "true",
					})
				).status,
			).toBe(404);
		});

		it("deletes a project with its repositories by --project-id", async () => {
			await projectWithRepositories("cli-by-id", 2);
			const id = (
				(await (await cli("GET", "/projects/cli-by-id")).json()) as {
					project_id: number;
				}
			).project_id;
			expect((await deleteForce(String(id), true)).status).toBe(200);
			expect((await cli("GET", `/projects/${id}`)).status).toBe(404);
		});

		it("reads the zero page and page size as the first page of the largest size, with a Link to the next", async () => {
			await Promise.all(
				Array.from({ length: 101 }, (_, i) =>
					addProject(s, `cli-many-${String(i).padStart(3, "0")}`),
				),
			);
			const r = await cli(
				"GET",
				"/projects?page=0&page_size=0&q=name%3D~cli-many-",
			);
			expect(r.status).toBe(200);
			expect(r.headers.get("x-total-count")).toBe("101");
			expect(((await r.json()) as unknown[]).length).toBe(100);
			expect(r.headers.get("link")).toMatch(
				/page=2&page_size=100[^>]*>; rel="next"/,
			);
		});

		it("lists no webhook policies (webhook list) and no scanners (scanner list), with X-Total-Count 0", async () => {
			const webhooks = await cli("GET", "/projects/library/webhook/policies");
			expect(webhooks.status).toBe(200);
			expect(webhooks.headers.get("x-total-count")).toBe("0");
			expect(await webhooks.json()).toEqual([]);
			const scanners = await cli("GET", "/scanners");
			expect(scanners.status).toBe(200);
			expect(scanners.headers.get("x-total-count")).toBe("0");
			expect(await scanners.json()).toEqual([]);
		});
	},
);

/**
 * harbor-cli's calls that carry `q`, as its go-swagger client puts them on the wire: `url.Values.Encode` escapes the
 * value once more, so the `%3D` of its pre-encoded `ProjectQString` ("Level%3Dproject%2CProjectID%3D") arrives as
 * `%253D`; an empty string parameter is left out, a number is always sent.
 */
describe.each(engines)(
	"harbor-cli list commands with q against %s",
	(engine) => {
		let s: TestServer;
		let projectId: number;
		const cli = (path: string) =>
			fetch(`${s.url}/api/v2.0${path}`, {
				headers: { Authorization: adminAuth, Accept: "application/json" },
			});
		const names = async (r: Response) => {
			expect(r.status).toBe(200);
			return ((await r.json()) as { name?: string; username?: string }[]).map(
				(x) => x.name ?? x.username,
			);
		};
		const robot = (body: object) =>
			fetch(`${s.url}/api/v2.0/robots`, {
				method: "POST",
				headers: {
					Authorization: adminAuth,
					"Content-Type": "application/json",
				},
				body: JSON.stringify(body),
			});

		beforeAll(async () => {
			s = await startTestServer(engine);
			projectId = await addProject(s, "cli-team");
			await addProject(s, "cli-other");
			const access = [{ resource: "repository", action: "pull" }];
			for (const [name, namespace] of [
				["builder", "cli-team"],
				["deployer", "cli-team"],
				["builder", "cli-other"],
			]) {
				expect(
					(
						await robot({
							name,
							level: "project",
							duration: -1,
							permissions: [{ kind: "project", namespace, access }],
						})
					).status,
				).toBe(201);
			}
			expect(
				(
					await robot({
						name: "ops",
						level: "system",
						duration: -1,
						permissions: [{ kind: "project", namespace: "*", access }],
					})
				).status,
			).toBe(201);
			for (const username of ["cli-dev", "cli-developer", "cli-guest"]) {
				expect(
					(
						await fetch(`${s.url}/api/v2.0/users`, {
							method: "POST",
							headers: {
								Authorization: adminAuth,
								"Content-Type": "application/json",
							},
							body: JSON.stringify({
								username,
								email: `${username}@example.com`,
								realname: username,
								password: "Passw0rd!1",
							}),
						})
					).status,
				).toBe(201);
			}
		});
		afterAll(() => stopTestServer(s));

		it("project robot list <project>: the robots of that project only", async () => {
			const r = await cli(
				`/robots?page=1&page_size=10&q=Level%253Dproject%252CProjectID%253D${projectId}`,
			);
			expect((await names(r)).sort()).toEqual([
				"robot$cli-team+builder",
				"robot$cli-team+deployer",
			]);
			expect(r.headers.get("x-total-count")).toBe("2");
		});

		it("robot view <name> --project: finds one robot by its project-scoped name (GetRobotByName)", async () => {
			// filter = ProjectQString + id + "%2Cname=" + project + "%2B" + name, sent by ListFlags{Q: filter} (page 0, size 0).
			const q = `Level%253Dproject%252CProjectID%253D${projectId}%252Cname%3Dcli-team%252Bbuilder`;
			expect(
				await names(await cli(`/robots?page=0&page_size=0&q=${q}`)),
			).toEqual(["robot$cli-team+builder"]);
		});

		it("robot view <name>: finds a system robot by name", async () => {
			expect(
				await names(await cli("/robots?page=0&page_size=0&q=name%3Dops")),
			).toEqual(["robot$ops"]);
		});

		it("project list --fuzzy, --match and --range (BuildQueryParam)", async () => {
			expect(
				(
					await names(await cli("/projects?page=1&page_size=10&q=name%3D~cli-"))
				).sort(),
			).toEqual(["cli-other", "cli-team"]);
			expect(
				await names(
					await cli(
						`/projects?page=1&page_size=10&q=name%3D~cli-%2Cproject_id%3D${projectId}`,
					),
				),
			).toEqual(["cli-team"]);
			expect(
				(
					await names(
						await cli(
							"/projects?page=1&page_size=10&q=name%3D~cli-%2Cowner_id%3D1",
						),
					)
				).sort(),
			).toEqual(["cli-other", "cli-team"]);
			const range = (from: string, to: string) =>
				`q=name%3D~cli-%2Ccreation_time%3D%5B${from}~${to}%5D`;
			expect(
				(
					await names(
						await cli(
							`/projects?page=1&page_size=10&${range("2020-01-01+00%3A00%3A00", "2999-01-01+00%3A00%3A00")}`,
						),
					)
				).sort(),
			).toEqual(["cli-other", "cli-team"]);
			expect(
				await names(
					await cli(
						`/projects?page=1&page_size=10&${range("2999-01-01+00%3A00%3A00", "")}`,
					),
				),
			).toEqual([]);
		});

		it("user list --query: a fuzzy username", async () => {
			expect(
				(
					await names(
						await cli("/users?page=1&page_size=100&q=username%3D~cli-dev"),
					)
				).sort(),
			).toEqual(["cli-dev", "cli-developer"]);
		});

		it('logs --query "operation=create" --sort "op_time:desc" (its documented example): the sort Harbor ignores is ignored', async () => {
			const r = await cli(
				"/audit-logs?page=1&page_size=10&q=operation%3Dcreate&sort=op_time%3Adesc",
			);
			expect(r.status).toBe(200);
			const logs = (await r.json()) as { operation: string; op_time: string }[];
			expect(logs.length).toBeGreaterThan(0);
			expect(logs.every((l) => l.operation === "create")).toBe(true);
			expect(logs.map((l) => l.op_time)).toEqual(
				logs
					.map((l) => l.op_time)
					.sort()
					.reverse(),
			);
		});
	},
);
