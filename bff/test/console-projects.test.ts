import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, api } from "./api-fixtures.ts";
import { client, sleep } from "./distribution-helpers.ts";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Activity = {
	days: { date: string; pushes: number; pulls: number }[];
	top_repositories: { name: string; pull_count: number }[];
};
type ProjectRow = {
	project_id: number;
	quota: { hard: { storage: number }; used: { storage: number } } | null;
	permissions: { resource: string; action: string }[];
};

const day = (back: number) =>
	new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);

/** The console's project endpoints: activity for the summary charts, and quotas and permissions for a page of the project list. */
describe.each(engines)(
	"console project activity and quotas on %s",
	(engine) => {
		let s: TestServer;
		let guest: { id: number; auth: string };
		let outsider: { id: number; auth: string };
		let teamId: number;
		let openId: number;
		let emptyId: number;
		const consoleApi = (path: string, auth: string | null = adminAuth) =>
			fetch(`${s.url}/api/console${path}`, {
				headers: auth ? { Authorization: auth } : {},
			});
		const activity = async (
			project: string,
			auth: string | null = adminAuth,
			query = "",
		) => {
			const r = await consoleApi(`/projects/${project}/activity${query}`, auth);
			expect(r.status, await r.clone().text()).toBe(200);
			return (await r.json()) as Activity;
		};
		const today = (a: Activity) => a.days.at(-1)!;

		beforeAll(async () => {
			s = await startTestServer(engine);
			guest = await addUser(s, "guest");
			outsider = await addUser(s, "outsider");
			teamId = await addProject(s, "team", { members: [[guest.id, 3]] });
			openId = await addProject(s, "open", { public: true });
			emptyId = await addProject(s, "empty", { members: [[guest.id, 3]] });

			// Three pushes (two repositories) and, from `app`, three pulls; `web` is pulled once.
			const reg = client(s);
			await reg.pushImage("team/app", "1.0");
			await reg.pushImage("team/app", "2.0");
			await reg.pushImage("team/web", "v1");
			for (const ref of ["1.0", "1.0", "2.0"])
				expect((await reg.call(`/v2/team/app/manifests/${ref}`)).status).toBe(
					200,
				);
			expect((await reg.call("/v2/team/web/manifests/v1")).status).toBe(200);
			// A HEAD is not a pull.
			expect(
				(await reg.call("/v2/team/web/manifests/v1", { method: "HEAD" }))
					.status,
			).toBe(200);
			await reg.pushImage("open/tool", "latest");
			// A pull after the HEAD (in another project): pulls are written in order, so once this one is counted, the HEAD
			// would have been too, had it counted.
			expect((await reg.call("/v2/open/tool/manifests/latest")).status).toBe(
				200,
			);

			// Older events, written as the audit writer writes them: two days ago, and one beyond the 30 days.
			await s.db
				.insertInto("audit_logs")
				.values([
					{
						project_id: teamId,
						username: "admin",
						resource: "team/app:0.9",
						resource_type: "artifact",
						operation: "create",
						op_time: `${day(2)}T10:00:00.000Z`,
					},
					{
						project_id: teamId,
						username: "admin",
						resource: "team/app:0.9",
						resource_type: "artifact",
						operation: "pull",
						op_time: `${day(2)}T11:00:00.000Z`,
					},
					{
						project_id: teamId,
						username: "admin",
						resource: "team/app:0.9",
						resource_type: "tag",
						operation: "create",
						op_time: `${day(2)}T11:00:00.000Z`,
					},
					// A platform manifest of an index, uploaded by digest: part of the push above, not a push of its own.
					{
						project_id: teamId,
						username: "admin",
						resource: `team/app@sha256:${"a".repeat(64)}`,
						resource_type: "artifact",
						operation: "create",
						op_time: `${day(2)}T09:59:00.000Z`,
					},
					{
						project_id: teamId,
						username: "admin",
						resource: "team/app:0.1",
						resource_type: "artifact",
						operation: "pull",
						op_time: `${day(40)}T11:00:00.000Z`,
					},
				])
				.execute();

			// The audit log and the pull counts are written a few times a second: wait until both are in, up to the pull
			// made last; a timeout fails here, saying which count is off.
			const counts = async () => {
				const [a, o] = [await activity("team"), await activity("open")];
				return {
					teamPulls: today(a).pulls,
					appPullCount: a.top_repositories[0]?.pull_count,
					openPushes: today(o).pushes,
					openPulls: today(o).pulls,
					toolPullCount: o.top_repositories[0]?.pull_count,
				};
			};
			const expected = {
				teamPulls: 4,
				appPullCount: 3,
				openPushes: 1,
				openPulls: 1,
				toolPullCount: 1,
			};
			let seen = await counts();
			for (let i = 0; i < 50 && !isDeepStrictEqual(seen, expected); i++) {
				await sleep(100);
				seen = await counts();
			}
			expect(seen).toEqual(expected);
		}, 60_000);
		afterAll(() => stopTestServer(s));

		it("counts the pushes and pulls of each of the last 30 days, oldest first, and ranks the most-pulled repositories", async () => {
			const a = await activity("team");
			expect(a.days).toHaveLength(30);
			expect(a.days[0].date).toBe(day(29));
			expect(today(a)).toEqual({ date: day(0), pushes: 3, pulls: 4 });
			// A tag created on its own is not a push, nor is a manifest uploaded by digest.
			expect(a.days.find((d) => d.date === day(2))).toEqual({
				date: day(2),
				pushes: 1,
				pulls: 1,
			});
			expect(a.days.reduce((n, d) => n + d.pulls, 0)).toBe(5);
			expect(a.top_repositories).toEqual([
				{ name: "team/app", pull_count: 3 },
				{ name: "team/web", pull_count: 1 },
			]);
		});

		it("takes another span of days, and refuses one outside 1 to 90", async () => {
			const week = await activity("team", adminAuth, "?days=7");
			expect(week.days).toHaveLength(7);
			const long = await activity("team", adminAuth, "?days=90");
			expect(long.days.reduce((n, d) => n + d.pulls, 0)).toBe(6);
			expect((await consoleApi("/projects/team/activity?days=0")).status).toBe(
				400,
			);
			expect((await consoleApi("/projects/team/activity?days=91")).status).toBe(
				400,
			);
		});

		it("shows a project with no activity as days of zeros", async () => {
			const a = await activity("empty", guest.auth);
			expect(a.days.every((d) => d.pushes === 0 && d.pulls === 0)).toBe(true);
			expect(a.top_repositories).toEqual([]);
		});

		it("lets members see their project and anyone a public one; an outsider gets the 404 of a missing project", async () => {
			expect(today(await activity("team", guest.auth)).pushes).toBe(3);
			expect(today(await activity("open", outsider.auth)).pushes).toBe(1);
			const hidden = await consoleApi("/projects/team/activity", outsider.auth);
			const missing = await consoleApi(
				"/projects/nothing-here/activity",
				outsider.auth,
			);
			expect(hidden.status).toBe(404);
			expect(missing.status).toBe(404);
			expect(
				((await hidden.json()) as { errors: { code: string }[] }).errors[0]
					.code,
			).toBe("NOT_FOUND");
			expect((await consoleApi("/projects/team/activity", null)).status).toBe(
				401,
			);
		});

		it("answers a page of projects' quotas and the caller's permissions in one request, only where the caller may know them", async () => {
			await api(s)(`/quotas/${teamId}`, {
				method: "PUT",
				json: { hard: { storage: 1024 * 1024 } },
			});
			const get = async (auth: string, ids: number[]) => {
				const r = await consoleApi(
					`/project-rows?project_id=${ids.join(",")}`,
					auth,
				);
				expect(r.status, await r.clone().text()).toBe(200);
				return new Map(
					((await r.json()) as ProjectRow[]).map((row) => [
						row.project_id,
						row,
					]),
				);
			};
			const may = (
				row: ProjectRow | undefined,
				resource: string,
				action: string,
			) =>
				!!row?.permissions.some(
					(p) => p.resource === resource && p.action === action,
				);
			const ids = [teamId, openId, emptyId];

			const all = await get(adminAuth, ids);
			expect([...all.keys()].sort()).toEqual([...ids].sort());
			const team = all.get(teamId)!;
			expect(team.quota!.hard.storage).toBe(1024 * 1024);
			// The same bytes Harbor's quota API reports.
			const harbor = (await (await api(s)(`/quotas/${teamId}`)).json()) as {
				used: { storage: number };
			};
			expect(team.quota!.used.storage).toBe(harbor.used.storage);
			expect(team.quota!.used.storage).toBeGreaterThan(0);
			expect(all.get(emptyId)!.quota).toEqual({
				hard: { storage: -1 },
				used: { storage: 0 },
			});
			expect(may(team, "project", "delete")).toBe(true);
			// The permissions are Harbor's relative ones, as /users/current/permissions answers them for the project.
			const harborPermissions = await (
				await api(s)(
					`/users/current/permissions?scope=/project/${teamId}&relative=true`,
				)
			).json();
			expect(team.permissions).toEqual(harborPermissions);

			// A guest reads its projects' quotas and may not delete them; a public project's quota is for its members only,
			// as in Harbor, but the project itself is there, with what anyone may do in it.
			const asGuest = await get(guest.auth, ids);
			expect([...asGuest.keys()].sort()).toEqual([...ids].sort());
			expect(asGuest.get(teamId)!.quota).not.toBeNull();
			expect(may(asGuest.get(teamId), "project", "delete")).toBe(false);
			expect(may(asGuest.get(teamId), "repository", "pull")).toBe(true);
			expect(asGuest.get(openId)!.quota).toBeNull();
			expect(may(asGuest.get(openId), "repository", "pull")).toBe(true);
			expect(may(asGuest.get(openId), "repository", "push")).toBe(false);

			// An outsider learns nothing of the private projects, not even that they exist.
			const asOutsider = await get(outsider.auth, ids);
			expect([...asOutsider.keys()]).toEqual([openId]);
			expect(asOutsider.get(openId)!.quota).toBeNull();
			expect(may(asOutsider.get(openId), "project", "delete")).toBe(false);
			expect(
				(await consoleApi("/project-rows?project_id=1;drop", adminAuth)).status,
			).toBe(400);
		});
	},
);
