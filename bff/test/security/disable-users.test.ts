import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, api, login } from "../api-fixtures.ts";
import { client, sleep } from "../distribution-helpers.ts";
import {
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * Users could not be disabled, so a leaver's account could only be deleted (issue 9, finding 20). A disabled account
 * stops at once: its console sessions, its registry tokens, and its credentials at every door.
 */
describe.each(engines)("disabling a user on %s", (engine) => {
	let s: TestServer;
	let leaver: { id: number; auth: string };
	beforeAll(async () => {
		s = await startTestServer(engine);
		leaver = await addUser(s, "leaver", "Passw0rdA");
		await addProject(s, "team", { members: [[leaver.id, 2]] });
		await client(s).pushImage("team/app", "v1");
	});
	afterAll(() => stopTestServer(s));

	it("ends the sessions and stops the tokens and credentials of a disabled user at once, and lets it back when enabled", async () => {
		const signedIn = await login(s, "leaver", "Passw0rdA");
		const cookie = signedIn.headers.get("set-cookie")!.split(";")[0];
		const t = await fetch(
			`${s.url}/service/token?service=harbor-registry&scope=repository:team/app:pull`,
			{ headers: { Authorization: leaver.auth } },
		);
		const bearer = `Bearer ${((await t.json()) as { token: string }).token}`;
		const pull = () =>
			fetch(`${s.url}/v2/team/app/manifests/v1`, {
				headers: { Authorization: bearer },
			}).then((r) => r.status);
		const me = () =>
			fetch(`${s.url}/api/v2.0/users/current`, {
				headers: { Cookie: cookie },
			}).then((r) => r.status);
		expect(await pull()).toBe(200);
		expect(await me()).toBe(200);

		expect(
			(
				await api(s)(`/users/${leaver.id}/disable`, {
					method: "PUT",
					json: { disable: true },
				})
			).status,
		).toBe(200);
		expect(await pull()).toBe(401);
		expect(await me()).toBe(401);
		expect((await api(s)("/users/current", { auth: leaver.auth })).status).toBe(
			401,
		);
		expect((await login(s, "leaver", "Passw0rdA")).status).toBe(401);
		expect(await (await api(s)(`/users/${leaver.id}`)).json()).toMatchObject({
			username: "leaver",
			disable: true,
		});

		expect(
			(
				await api(s)(`/users/${leaver.id}/disable`, {
					method: "PUT",
					json: { disable: false },
				})
			).status,
		).toBe(200);
		expect((await api(s)("/users/current", { auth: leaver.auth })).status).toBe(
			200,
		);
		expect(await (await api(s)(`/users/${leaver.id}`)).json()).toMatchObject({
			disable: false,
		});
		await sleep(400); // the audit log is written in batches
		const ops = await s.db
			.selectFrom("audit_logs")
			.select("operation")
			.where("resource", "=", "leaver")
			.where("resource_type", "=", "user")
			.orderBy("id")
			.execute();
		expect(ops.map((o) => o.operation)).toEqual(["disable", "enable"]);
	});

	it("refuses to disable yourself or the built-in admin, and answers 400 without the flag", async () => {
		const second = await addUser(s, "second", "Passw0rdA");
		await s.db
			.updateTable("users")
			.set({ sysadmin: 1 })
			.where("id", "=", second.id)
			.execute();
		expect(
			(
				await api(s)(`/users/${second.id}/disable`, {
					method: "PUT",
					auth: second.auth,
					json: { disable: true },
				})
			).status,
		).toBe(403);
		expect(
			(
				await api(s)("/users/1/disable", {
					method: "PUT",
					auth: second.auth,
					json: { disable: true },
				})
			).status,
		).toBe(403);
		expect(
			(await api(s)(`/users/${leaver.id}/disable`, { method: "PUT", json: {} }))
				.status,
		).toBe(400);
		expect(
			(await api(s)("/users/current", { auth: basic("second", "Passw0rdA") }))
				.status,
		).toBe(200);
	});
});
