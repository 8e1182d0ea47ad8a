import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, api as apiOf } from "./api-fixtures.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

/**
 * Lists Harbor clients call on the way (immutable tag rules, webhook policies, scanners) as a new project answers them:
 * empty, with Harbor's pagination headers, behind the policy of each resource.
 */
describe.each(engines)("lists a new project answers empty on %s", (engine) => {
	let s: TestServer;
	let api: ReturnType<typeof apiOf>;
	const users: Record<string, string> = {};

	beforeAll(async () => {
		s = await startTestServer(engine);
		api = apiOf(s);
		for (const name of ["maintainer", "developer", "outsider"])
			users[name] = (await addUser(s, name)).auth;
		const ids = await s.db
			.selectFrom("users")
			.select(["id", "username"])
			.execute();
		const idOf = (n: string) => ids.find((u) => u.username === n)!.id;
		await addProject(s, "quiet", {
			members: [
				[idOf("maintainer"), 4],
				[idOf("developer"), 2],
			],
		});
	});
	afterAll(() => stopTestServer(s));

	const expectEmpty = async (r: Response) => {
		expect(r.status).toBe(200);
		expect(r.headers.get("x-total-count")).toBe("0");
		expect(r.headers.get("link")).toBeNull();
		expect(await r.json()).toEqual([]);
	};

	it("answers immutable tag rules to whoever may list them (immutable-tag: maintainer and up)", async () => {
		await expectEmpty(
			await api("/projects/quiet/immutabletagrules?page=1&page_size=5", {
				auth: users.maintainer,
			}),
		);
		await expectEmpty(await api("/projects/quiet/immutabletagrules"));
		expect(
			(
				await api("/projects/quiet/immutabletagrules", {
					auth: users.developer,
				})
			).status,
		).toBe(403);
		expect(
			(await api("/projects/quiet/immutabletagrules", { auth: users.outsider }))
				.status,
		).toBe(404);
		expect(
			(await api("/projects/library/immutabletagrules", { auth: null })).status,
		).toBe(401);
		expect((await api("/projects/nowhere/immutabletagrules")).status).toBe(404);
		expect(
			(await api("/projects/quiet/immutabletagrules?page_size=101")).status,
		).toBe(400);
	});

	it("answers webhook policies to whoever may list them (notification-policy: maintainer and up)", async () => {
		await expectEmpty(
			await api("/projects/quiet/webhook/policies", { auth: users.maintainer }),
		);
		expect(
			(await api("/projects/quiet/webhook/policies", { auth: users.developer }))
				.status,
		).toBe(403);
		expect(
			(await api("/projects/quiet/webhook/policies", { auth: users.outsider }))
				.status,
		).toBe(404);
	});

	it("answers scanners to system admins only", async () => {
		await expectEmpty(await api("/scanners"));
		expect((await api("/scanners", { auth: users.maintainer })).status).toBe(
			403,
		);
		expect((await api("/scanners", { auth: null })).status).toBe(401);
	});
});
