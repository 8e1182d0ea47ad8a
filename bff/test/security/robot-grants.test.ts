import { decodeJwt } from "jose";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { now } from "../../db/database.ts";
import { up as bindGrantsToProjectIds } from "../../db/migrations/0007-robot-grants-by-project-id.ts";
import { addUser, api } from "../api-fixtures.ts";
import { client } from "../distribution-helpers.ts";
import {
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
	withDatabase,
} from "../harness.ts";

/**
 * A system robot given push and pull on project `doomed`; `doomed` deleted; another user creates a new private
 * `doomed`: the old robot pulled and pushed into it, because grants were stored by project name (issue 9, finding 2).
 */
describe.each(engines)(
	"robot grants outliving their project on %s",
	(engine) => {
		let s: TestServer;
		let robot: { id: number; auth: string; name: string; secret: string };
		let mallory: string;

		beforeAll(async () => {
			s = await startTestServer(engine);
			expect(
				(
					await api(s)("/projects", {
						method: "POST",
						json: { project_name: "doomed", metadata: { public: "false" } },
					})
				).status,
			).toBe(201);
			expect(
				(
					await api(s)("/projects", {
						method: "POST",
						json: { project_name: "kept", metadata: { public: "false" } },
					})
				).status,
			).toBe(201);
			const pushPull = [
				{ resource: "repository", action: "push" },
				{ resource: "repository", action: "pull" },
			];
			const r = await api(s)("/robots", {
				method: "POST",
				json: {
					name: "ci",
					level: "system",
					duration: -1,
					permissions: [
						{ kind: "project", namespace: "doomed", access: pushPull },
						{ kind: "project", namespace: "kept", access: pushPull },
					],
				},
			});
			expect(r.status).toBe(201);
			const body = (await r.json()) as {
				id: number;
				name: string;
				secret: string;
			};
			robot = { ...body, auth: basic(body.name, body.secret) };
			// The robot works in `doomed` before it goes.
			await client(s).pushImage("doomed/app", "v1");
			expect(
				(
					await client(s).call("/v2/doomed/app/manifests/v1", {
						auth: robot.auth,
					})
				).status,
			).toBe(200);
			expect(
				(
					await api(s)("/projects/doomed/repositories/app", {
						method: "DELETE",
					})
				).status,
			).toBe(200);
			expect(
				(await api(s)("/projects/doomed", { method: "DELETE" })).status,
			).toBe(200);
			// Someone else takes the name.
			const user = await addUser(s, "newowner");
			expect((await api(s)("/users/current", { auth: user.auth })).status).toBe(
				200,
			);
			mallory = user.auth;
			expect(
				(
					await api(s)("/projects", {
						method: "POST",
						auth: mallory,
						json: { project_name: "doomed", metadata: { public: "false" } },
					})
				).status,
			).toBe(201);
			await client(s).pushImage("doomed/secret", "v1");
		});
		afterAll(() => stopTestServer(s));

		it("reaches nothing in the new project of the same name, on /v2 with basic credentials", async () => {
			expect(
				(
					await client(s).call("/v2/doomed/secret/manifests/v1", {
						auth: robot.auth,
					})
				).status,
			).toBe(403);
			expect(
				(
					await client(s).call("/v2/doomed/secret/blobs/uploads/", {
						method: "POST",
						auth: robot.auth,
					})
				).status,
			).toBe(403);
		});

		it("gets a token with no actions in the new project, and keeps its grant in the other project", async () => {
			const scope =
				"repository:doomed/secret:pull,push&scope=repository:kept/app:pull,push";
			const r = await fetch(
				`${s.url}/service/token?service=harbor-registry&scope=${scope}`,
				{ headers: { Authorization: robot.auth } },
			);
			expect(r.status).toBe(200);
			const { access } = decodeJwt(
				((await r.json()) as { token: string }).token,
			) as { access: { name: string; actions: string[] }[] };
			expect(access).toEqual([
				{ type: "repository", name: "doomed/secret", actions: [] },
				{ type: "repository", name: "kept/app", actions: ["pull", "push"] },
			]);
		});

		it("cannot see the new project on the API, and no longer lists the gone one among its grants", async () => {
			expect(
				(await api(s)("/projects/doomed", { auth: robot.auth })).status,
			).toBe(404);
			const names = (
				(await (await api(s)("/projects", { auth: robot.auth })).json()) as {
					name: string;
				}[]
			).map((p) => p.name);
			expect(names).toEqual(["kept"]);
			const shown = (await (await api(s)(`/robots/${robot.id}`)).json()) as {
				permissions: { namespace: string }[];
			};
			expect(shown.permissions.map((p) => p.namespace)).toEqual(["kept"]);
			expect(JSON.stringify(shown)).not.toContain("projectId");
		});
	},
);

describe.each(engines)(
	"binding robot grants written before project ids on %s",
	(engine) => {
		it("binds each project grant to its project, keeps * and system grants, and drops grants on projects that are gone", () =>
			withDatabase(engine, async (db) => {
				const t = now();
				const p = await db
					.insertInto("projects")
					.values({
						name: "live",
						owner_id: 1,
						public: 0,
						creation_time: t,
						update_time: t,
					})
					.returning("id")
					.executeTakeFirstOrThrow();
				const access = [{ resource: "repository", action: "pull" }];
				const written = [
					{ kind: "project", namespace: "live", access },
					{ kind: "project", namespace: "gone", access },
					{ kind: "project", namespace: "*", access },
					{
						kind: "system",
						namespace: "/",
						access: [{ resource: "user", action: "list" }],
					},
				];
				const r = await db
					.insertInto("robots")
					.values({
						name: "robot$old",
						description: "",
						secret_hash: "x",
						level: "system",
						project_id: null,
						duration: -1,
						expires_at: -1,
						disabled: 0,
						permissions: JSON.stringify(written),
						creator_type: "local",
						creator_ref: 1,
						creation_time: t,
						update_time: t,
					})
					.returning("id")
					.executeTakeFirstOrThrow();
				await bindGrantsToProjectIds(db as unknown as Kysely<unknown>);
				const row = await db
					.selectFrom("robots")
					.select("permissions")
					.where("id", "=", r.id)
					.executeTakeFirstOrThrow();
				expect(JSON.parse(row.permissions)).toEqual([
					{ kind: "project", namespace: "live", access, projectId: p.id },
					{ kind: "project", namespace: "*", access },
					{
						kind: "system",
						namespace: "/",
						access: [{ resource: "user", action: "list" }],
					},
				]);
			}));
	},
);
