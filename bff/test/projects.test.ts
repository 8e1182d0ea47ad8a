import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../auth/users.ts";
import { now } from "../db/database.ts";
import { client } from "./distribution-helpers.ts";
import {
	adminAuth,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const alice = basic("alice", "Alice12345");
const bob = basic("bob", "Bob1234567");
const gina = basic("gina", "Gina123456");

type Call = {
	method?: string;
	body?: unknown;
	auth?: string | null;
	headers?: Record<string, string>;
};

describe.each(engines)("the project API on %s", (engine) => {
	let s: TestServer;
	let alphaId: number;
	const api = (path: string, c: Call = {}) =>
		fetch(`${s.url}/api/v2.0${path}`, {
			method: c.method ?? "GET",
			headers: {
				...(c.auth === null ? {} : { Authorization: c.auth ?? adminAuth }),
				...(c.body === undefined ? {} : { "Content-Type": "application/json" }),
				...c.headers,
			},
			body: c.body === undefined ? undefined : JSON.stringify(c.body),
		});
	const errorOf = async (r: Response) =>
		((await r.json()) as { errors: { code: string; message: string }[] })
			.errors[0];
	const names = async (r: Response) =>
		((await r.json()) as { name: string }[]).map((p) => p.name);

	beforeAll(async () => {
		s = await startTestServer(engine);
		const users = createUserService(s.db);
		await users.create({ username: "alice", password: "Alice12345" });
		await users.create({ username: "bob", password: "Bob1234567" });
		const ginaId = await users.create({
			username: "gina",
			password: "Gina123456",
		});
		// alice creates the private project `alpha`; gina joins it as a guest.
		const r = await api("/projects", {
			method: "POST",
			auth: alice,
			body: {
				project_name: "alpha",
				metadata: { public: "false", auto_scan: "false" },
			},
		});
		expect(r.status, await r.clone().text()).toBe(201);
		alphaId = Number(r.headers.get("location")!.split("/").pop());
		const t = now();
		await s.db
			.insertInto("members")
			.values({
				project_id: alphaId,
				entity_type: "u",
				entity_id: ginaId,
				role: 3,
				creation_time: t,
				update_time: t,
			})
			.execute();
	});
	afterAll(() => stopTestServer(s));

	it("creates a project with a Location, its creator as project admin and metadata as strings", async () => {
		const r = await api("/projects", {
			method: "POST",
			auth: alice,
			body: { project_name: "created.one", public: true },
		});
		expect(r.status).toBe(201);
		const location = r.headers.get("location")!;
		expect(location).toMatch(/^\/api\/v2\.0\/projects\/\d+$/);
		const p = await (
			await fetch(`${s.url}${location}`, { headers: { Authorization: alice } })
		).json();
		expect(p).toMatchObject({
			name: "created.one",
			owner_name: "alice",
			current_user_role_id: 1,
			current_user_role_ids: [1],
			repo_count: 0,
			togglable: true,
			deleted: false,
			metadata: { public: "true" },
		});
		expect(p.project_id).toBe(Number(location.split("/").pop()));
	});

	it("answers the project by id and by name with X-Is-Resource-Name", async () => {
		const byId = await (
			await api(`/projects/${alphaId}`, { auth: alice })
		).json();
		expect(byId).toMatchObject({
			project_id: alphaId,
			name: "alpha",
			metadata: { public: "false", auto_scan: "false" },
		});
		const byName = await api("/projects/alpha", {
			auth: alice,
			headers: { "X-Is-Resource-Name": "true" },
		});
		expect(byName.status).toBe(200);
		expect((await byName.json()).project_id).toBe(alphaId);
	});

	it("refuses a taken name with 409 CONFLICT", async () => {
		const r = await api("/projects", {
			method: "POST",
			body: { project_name: "alpha" },
		});
		expect(r.status).toBe(409);
		expect(await errorOf(r)).toEqual({
			code: "CONFLICT",
			message: "The project named alpha already exists",
		});
	});

	it("refuses a bad name with 400 and says why", async () => {
		const upper = await api("/projects", {
			method: "POST",
			body: { project_name: "Bad_Name" },
		});
		expect(upper.status).toBe(400);
		const e = await errorOf(upper);
		expect(e.code).toBe("BAD_REQUEST");
		expect(e.message).toContain("lower case");
		const long = await errorOf(
			await api("/projects", {
				method: "POST",
				body: { project_name: "a".repeat(256) },
			}),
		);
		expect(long.message).toContain("255");
		const missing = await errorOf(
			await api("/projects", { method: "POST", body: { public: true } }),
		);
		expect(missing.message).toBe("project_name is required");
		const anonymous = await api("/projects", {
			method: "POST",
			auth: null,
			body: { project_name: "anon" },
		});
		expect(anonymous.status).toBe(401);
	});

	it("checks that a name exists with HEAD", async () => {
		expect(
			(await api("/projects?project_name=alpha", { method: "HEAD", auth: bob }))
				.status,
		).toBe(200);
		expect(
			(
				await api("/projects?project_name=nothere", {
					method: "HEAD",
					auth: bob,
				})
			).status,
		).toBe(404);
	});

	it("answers a private project an outsider may not see exactly like a missing one", async () => {
		const answers = await Promise.all([
			api(`/projects/${alphaId}`, { auth: bob }),
			api("/projects/alpha", {
				auth: bob,
				headers: { "X-Is-Resource-Name": "true" },
			}),
			api("/projects/alpha", { auth: bob }),
			api("/projects/999999", { auth: bob }),
			api("/projects/nothere", { auth: bob }),
			api(`/projects/${alphaId}/summary`, { auth: bob }),
			api(`/projects/${alphaId}`, { method: "DELETE", auth: bob }),
		]);
		for (const r of answers) {
			expect(r.status).toBe(404);
			expect((await errorOf(r)).code).toBe("NOT_FOUND");
		}
	});

	it("lets a guest read the project but answers 403 when it tries to change it", async () => {
		const p = await (await api(`/projects/${alphaId}`, { auth: gina })).json();
		expect(p).toMatchObject({
			current_user_role_id: 3,
			current_user_role_ids: [3],
			togglable: false,
		});
		const r = await api(`/projects/${alphaId}`, {
			method: "PUT",
			auth: gina,
			body: { metadata: { public: "true" } },
		});
		expect(r.status).toBe(403);
		expect((await errorOf(r)).code).toBe("FORBIDDEN");
		expect(
			(
				await api(`/projects/${alphaId}/metadatas/auto_scan`, {
					method: "DELETE",
					auth: gina,
				})
			).status,
		).toBe(403);
	});

	it("lists in pages with X-Total-Count and Link, filtered by q, name, public and owner", async () => {
		for (let i = 0; i < 5; i++) {
			expect(
				(
					await api("/projects", {
						method: "POST",
						body: { project_name: `page-${i}`, public: i % 2 === 0 },
					})
				).status,
			).toBe(201);
		}
		const r = await api("/projects?q=name%3D~page-&page=2&page_size=2");
		expect(r.headers.get("x-total-count")).toBe("5");
		const link = r.headers.get("link")!;
		expect(link).toContain('page=1&page_size=2>; rel="prev"');
		expect(link).toContain('page=3&page_size=2>; rel="next"');
		expect(await names(r)).toEqual(["page-2", "page-3"]);

		expect(
			await names(await api("/projects?name=page&public=true&page_size=100")),
		).toEqual(["page-0", "page-2", "page-4"]);
		expect(
			await names(
				await api("/projects?q=name%3D~page-,public%3Dfalse&sort=-name"),
			),
		).toEqual(["page-3", "page-1"]);
		expect(await names(await api("/projects?owner=alice"))).toEqual([
			"alpha",
			"created.one",
		]);
		expect(
			await names(await api("/projects?q=name%3D%7Bpage-1%20page-4%7D")),
		).toEqual(["page-1", "page-4"]);
		const bad = await api("/projects?q=color%3Dred");
		expect(bad.status).toBe(400);
		expect((await api("/projects?page_size=101")).status).toBe(400);
	});

	it("lists only public projects to anonymous, and adds memberships for a signed-in user", async () => {
		const anon = await names(
			await api("/projects?page_size=100", { auth: null }),
		);
		expect(anon).toContain("library");
		expect(anon).not.toContain("alpha");
		expect(anon).not.toContain("page-1");
		const asBob = await api("/projects?page_size=100", { auth: bob });
		expect(await names(asBob.clone())).not.toContain("alpha");
		expect(asBob.headers.get("x-total-count")).toBe(String(anon.length));
		const asGina = await (
			await api("/projects?name=alpha", { auth: gina })
		).json();
		expect(asGina).toMatchObject([
			{
				name: "alpha",
				current_user_role_id: 3,
				metadata: { public: "false", auto_scan: "false" },
			},
		]);
		const asAdmin = await names(await api("/projects?page_size=100"));
		expect(asAdmin).toEqual(
			expect.arrayContaining(["alpha", "page-1", "page-3"]),
		);
	});

	it("reads and writes project metadata as strings, refusing unknown keys and values", async () => {
		const path = `/projects/${alphaId}/metadatas`;
		expect(await (await api(`${path}/`, { auth: alice })).json()).toEqual({
			public: "false",
			auto_scan: "false",
		});
		expect(
			(
				await api(path, {
					method: "POST",
					auth: alice,
					body: { severity: "High", reuse_sys_cve_allowlist: "true" },
				})
			).status,
		).toBe(200);
		expect(
			await (await api(`${path}/severity`, { auth: alice })).json(),
		).toEqual({ severity: "high" });
		const again = await api(path, {
			method: "POST",
			auth: alice,
			body: { severity: "low" },
		});
		expect(again.status).toBe(409);
		expect(
			(
				await api(`${path}/auto_scan`, {
					method: "PUT",
					auth: alice,
					body: { auto_scan: "false" },
				})
			).status,
		).toBe(200);
		expect(
			(
				await api(`${path}/auto_scan`, {
					method: "PUT",
					auth: alice,
					body: { severity: "low" },
				})
			).status,
		).toBe(400);
		expect(
			(
				await api(`${path}/reuse_sys_cve_allowlist`, {
					method: "DELETE",
					auth: alice,
				})
			).status,
		).toBe(200);
		expect(
			(await api(`${path}/reuse_sys_cve_allowlist`, { auth: alice })).status,
		).toBe(404);
		expect(await (await api(path, { auth: alice })).json()).toEqual({
			public: "false",
			auto_scan: "false",
			severity: "high",
		});

		const badKey = await api(path, {
			method: "POST",
			auth: alice,
			body: { color: "red" },
		});
		expect(badKey.status).toBe(400);
		expect((await errorOf(badKey)).message).toContain(
			"unsupported metadata key: color",
		);
		const badValue = await api(`/projects/${alphaId}`, {
			method: "PUT",
			auth: alice,
			body: { metadata: { auto_scan: "yes" } },
		});
		expect(badValue.status).toBe(400);
		expect((await errorOf(badValue)).message).toBe(
			'metadata auto_scan must be "true" or "false"',
		);
		expect(
			(
				await api(path, {
					method: "POST",
					auth: alice,
					body: { auto_sbom_generation: true },
				})
			).status,
		).toBe(400);
		// A pull guard that nothing enforces yet is refused rather than stored and ignored.
		expect(
			(
				await api(path, {
					method: "POST",
					auth: alice,
					body: { enable_content_trust: "true" },
				})
			).status,
		).toBe(400);
	});

	it("makes a project public through updateProject, so an outsider then sees it", async () => {
		const r = await api("/projects", {
			method: "POST",
			auth: alice,
			body: { project_name: "soon-public" },
		});
		const id = r.headers.get("location")!.split("/").pop();
		expect((await api(`/projects/${id}`, { auth: bob })).status).toBe(404);
		expect(
			(
				await api(`/projects/${id}`, {
					method: "PUT",
					auth: alice,
					body: { metadata: { public: "true" } },
				})
			).status,
		).toBe(200);
		const seen = await api(`/projects/${id}`, { auth: bob });
		expect(seen.status).toBe(200);
		expect(await seen.json()).toMatchObject({
			metadata: { public: "true" },
			current_user_role_id: 0,
			current_user_role_ids: [],
		});
		expect(
			(
				await api(`/projects/${id}`, {
					method: "PUT",
					auth: alice,
					body: { public: false },
				})
			).status,
		).toBe(200);
		expect((await api(`/projects/${id}`, { auth: bob })).status).toBe(404);
	});

	it("lets metadata.public win over public, which counts only when the metadata has none (Harbor)", async () => {
		const r = await api("/projects", {
			method: "POST",
			auth: alice,
			body: {
				project_name: "precedence",
				public: true,
				metadata: { public: "false" },
			},
		});
		expect(r.status).toBe(201);
		const path = `/projects/${r.headers.get("location")!.split("/").pop()}`;
		const publicOf = async () =>
			(
				(await (await api(path, { auth: alice })).json()) as {
					metadata: { public: string };
				}
			).metadata.public;
		expect(await publicOf()).toBe("false");
		expect(
			(
				await api(path, {
					method: "PUT",
					auth: alice,
					body: { public: false, metadata: { public: "true" } },
				})
			).status,
		).toBe(200);
		expect(await publicOf()).toBe("true");
		expect(
			(
				await api(path, {
					method: "PUT",
					auth: alice,
					body: { public: false, metadata: { severity: "low" } },
				})
			).status,
		).toBe(200);
		expect(await publicOf()).toBe("false");
	});

	it("stores, returns and replaces a project's CVE allowlist, and drops it with the project", async () => {
		type Allowlist = {
			id?: number;
			project_id: number;
			items: { cve_id: string }[];
			expires_at?: number;
			creation_time?: string;
			update_time?: string;
		};
		const r = await api("/projects", {
			method: "POST",
			auth: alice,
			body: {
				project_name: "allowlisted",
				cve_allowlist: {
					items: [{ cve_id: "CVE-2024-0001" }],
					expires_at: 4102444800,
				},
			},
		});
		expect(r.status).toBe(201);
		const id = Number(r.headers.get("location")!.split("/").pop());
		const path = `/projects/${id}`;
		const listOf = async () =>
			(
				(await (await api(path, { auth: alice })).json()) as {
					cve_allowlist: Allowlist;
				}
			).cve_allowlist;
		const first = await listOf();
		expect(first).toMatchObject({
			project_id: id,
			items: [{ cve_id: "CVE-2024-0001" }],
			expires_at: 4102444800,
		});
		expect(first.id).toBeGreaterThan(0);

		const put = (cve_allowlist: unknown, auth = alice) =>
			api(path, { method: "PUT", auth, body: { cve_allowlist } });
		expect(
			(
				await put({
					items: [{ cve_id: " CVE-2024-0002 " }, { cve_id: "CVE-2024-0003" }],
				})
			).status,
		).toBe(200);
		const replaced = await listOf();
		// The whole list is replaced: no expiry given means none; the list keeps its first creation time.
		expect(replaced).toEqual({
			id: first.id,
			project_id: id,
			items: [{ cve_id: "CVE-2024-0002" }, { cve_id: "CVE-2024-0003" }],
			creation_time: first.creation_time,
			update_time: expect.any(String),
		});
		// An update that names no list leaves it alone; the project list shows it too.
		expect(
			(
				await api(path, {
					method: "PUT",
					auth: alice,
					body: { metadata: { severity: "low" } },
				})
			).status,
		).toBe(200);
		expect((await listOf()).items).toHaveLength(2);
		const listed = (await (
			await api("/projects?name=allowlisted", { auth: alice })
		).json()) as { cve_allowlist: Allowlist }[];
		expect(listed[0].cve_allowlist.items).toEqual(replaced.items);

		expect((await put({ project_id: id })).status).toBe(200);
		expect((await listOf()).items).toEqual([]);
		const otherProject = await put({ project_id: id + 1, items: [] });
		expect(otherProject.status).toBe(400);
		expect((await errorOf(otherProject)).message).toBe(
			`project_id in cve_allowlist must be ${id} but it's ${id + 1}`,
		);
		const twice = await put({
			items: [{ cve_id: "CVE-1" }, { cve_id: " CVE-1" }],
		});
		expect(twice.status).toBe(400);
		expect((await errorOf(twice)).message).toBe(
			"duplicate CVE ID in allowlist: CVE-1",
		);
		expect(
			(await errorOf(await put({ items: [{ cve_id: "  " }] }))).message,
		).toBe("empty or whitespace-only CVE ID in allowlist");
		expect((await put({ items: [], expires_at: -1 })).status).toBe(400);
		expect((await listOf()).items).toEqual([]);

		// A guest reads the list and may not change it.
		const alpha = `/projects/${alphaId}`;
		expect(
			(
				(await (await api(alpha, { auth: gina })).json()) as {
					cve_allowlist: Allowlist;
				}
			).cve_allowlist,
		).toEqual({ project_id: alphaId, items: [] });
		expect(
			(
				await api(alpha, {
					method: "PUT",
					auth: gina,
					body: { cve_allowlist: { items: [{ cve_id: "CVE-1" }] } },
				})
			).status,
		).toBe(403);

		expect((await api(path, { method: "DELETE", auth: alice })).status).toBe(
			200,
		);
		expect(
			await s.db
				.selectFrom("cve_allowlists")
				.select("id")
				.where("project_id", "=", id)
				.execute(),
		).toEqual([]);
	});

	it("summarizes repositories, members by role and quota", async () => {
		await client(s).pushImage("alpha/app", "v1");
		const r = await api(`/projects/${alphaId}/summary`, { auth: gina });
		expect(r.status).toBe(200);
		const summary = await r.json();
		expect(summary).toMatchObject({
			repo_count: 1,
			project_admin_count: 1,
			maintainer_count: 0,
			developer_count: 0,
			guest_count: 1,
			limited_guest_count: 0,
			quota: { hard: { storage: -1 } },
		});
		expect(summary.quota.used.storage).toBeGreaterThan(512);
		expect(
			(await (await api(`/projects/${alphaId}`, { auth: alice })).json())
				.repo_count,
		).toBe(1);
	});

	it("refuses to delete a project with repositories (412), deletes an empty one and audits both ends", async () => {
		await client(s).pushImage("alpha/keep", "v1");
		expect(
			await (
				await api(`/projects/${alphaId}/_deletable`, { auth: alice })
			).json(),
		).toEqual({
			deletable: false,
			message: "the project contains repositories, can not be deleted",
		});
		const refused = await api(`/projects/${alphaId}`, {
			method: "DELETE",
			auth: alice,
		});
		expect(refused.status).toBe(412);
		expect(await errorOf(refused)).toEqual({
			code: "PRECONDITION",
			message: "the project contains repositories, can not be deleted",
		});
		expect(
			(await api(`/projects/${alphaId}`, { method: "DELETE", auth: gina }))
				.status,
		).toBe(403);

		const created = await api("/projects", {
			method: "POST",
			auth: alice,
			body: { project_name: "short-lived" },
		});
		const id = created.headers.get("location")!.split("/").pop();
		expect(
			await (await api(`/projects/${id}/_deletable`, { auth: alice })).json(),
		).toEqual({ deletable: true });
		expect(
			(await api(`/projects/${id}`, { method: "DELETE", auth: alice })).status,
		).toBe(200);
		expect((await api(`/projects/${id}`, { auth: alice })).status).toBe(404);
		expect(
			(await api("/projects?project_name=short-lived", { method: "HEAD" }))
				.status,
		).toBe(404);
		// The audit log is written a few times a second.
		// Both rows name the project by id, although it is gone by the time the batch is written.
		await expect
			.poll(
				async () =>
					await s.db
						.selectFrom("audit_logs")
						.select(["username", "operation", "resource_type", "project_id"])
						.where("resource", "=", "short-lived")
						.orderBy("id")
						.execute(),
				{ timeout: 3000 },
			)
			.toEqual([
				{
					username: "alice",
					operation: "create",
					resource_type: "project",
					project_id: Number(id),
				},
				{
					username: "alice",
					operation: "delete",
					resource_type: "project",
					project_id: Number(id),
				},
			]);
	});

	it("searches projects and repositories among what the caller may see", async () => {
		await client(s).pushImage("library/alpha-tools", "v1");
		const asGina = await (await api("/search?q=alpha", { auth: gina })).json();
		expect(asGina.project.map((p: { name: string }) => p.name)).toEqual([
			"alpha",
		]);
		expect(asGina.repository).toEqual(
			expect.arrayContaining([
				{
					project_id: alphaId,
					project_name: "alpha",
					project_public: false,
					repository_name: "alpha/app",
					pull_count: 0,
					artifact_count: 1,
				},
				expect.objectContaining({
					project_name: "library",
					project_public: true,
					repository_name: "library/alpha-tools",
					artifact_count: 1,
				}),
			]),
		);
		const asAnon = await (await api("/search?q=alpha", { auth: null })).json();
		expect(asAnon.project).toEqual([]);
		expect(
			asAnon.repository.map(
				(r: { repository_name: string }) => r.repository_name,
			),
		).toEqual(["library/alpha-tools"]);
		expect((await api("/search")).status).toBe(400);
	});

	it("counts projects and repositories for statistics, totals and storage only for an admin", async () => {
		const admin = await (await api("/statistics")).json();
		const [publicProjects, allProjects] = await Promise.all([
			api("/projects?public=true").then((r) =>
				Number(r.headers.get("x-total-count")),
			),
			api("/projects").then((r) => Number(r.headers.get("x-total-count"))),
		]);
		expect(admin).toMatchObject({
			public_project_count: publicProjects,
			private_project_count: allProjects - publicProjects,
			total_project_count: allProjects,
		});
		expect(admin.total_repo_count).toBe(
			admin.public_repo_count + admin.private_repo_count,
		);
		expect(admin.total_storage_consumption).toBeGreaterThan(0);

		const asGina = await (await api("/statistics", { auth: gina })).json();
		expect(asGina).toEqual({
			private_project_count: 1,
			private_repo_count: 2,
			public_project_count: publicProjects,
			public_repo_count: admin.public_repo_count,
			total_project_count: 0,
			total_repo_count: 0,
			total_storage_consumption: 0,
		});
		expect((await api("/statistics", { auth: null })).status).toBe(401);
	});
});
