import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login } from "./api-fixtures.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

/** What the console's shell relies on from sessions: the cookie lives as long as the session it carries. */
describe.each(engines)("console sessions for the shell (%s)", (engine) => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer(engine);
	});
	afterAll(() => stopTestServer(s));

	it("renews the cookie when it slides the session, so an active user is not signed out at the first expiry", async () => {
		const signedIn = await login(s);
		const cookie = signedIn.headers.get("set-cookie")!.split(";")[0];
		const maxAge = Number(
			/Max-Age=(\d+)/i.exec(signedIn.headers.get("set-cookie")!)![1],
		);

		// A fresh session is not slid on every request: no new cookie.
		const soon = await fetch(`${s.url}/api/v2.0/users/current`, {
			headers: { Cookie: cookie },
		});
		expect(soon.status).toBe(200);
		expect(soon.headers.get("set-cookie")).toBeNull();

		// Ten minutes later (its expiry brought forward), a request slides the session and renews the cookie with it.
		const earlier = new Date(Date.now() + (maxAge - 600) * 1000).toISOString();
		await s.db.updateTable("sessions").set({ expires_at: earlier }).execute();
		const later = await fetch(`${s.url}/api/v2.0/users/current`, {
			headers: { Cookie: cookie },
		});
		expect(later.status).toBe(200);
		const renewed = later.headers.get("set-cookie")!;
		expect(renewed.split(";")[0]).toBe(cookie);
		expect(renewed).toMatch(new RegExp(`Max-Age=${maxAge}`, "i"));
		expect(renewed).toMatch(/HttpOnly/i);
	});

	it("sends the CSRF token on every answer to a signed-in caller, and none once the session is gone", async () => {
		const signedIn = await login(s);
		const cookie = signedIn.headers.get("set-cookie")!.split(";")[0];
		// The console takes an answer without the token as the sign that its session ended (web/src/api/client.ts).
		for (const path of [
			"/api/v2.0/search?q=lib",
			"/api/v2.0/projects",
			"/api/v2.0/no-such-thing",
		]) {
			const r = await fetch(`${s.url}${path}`, { headers: { Cookie: cookie } });
			expect(r.headers.get("x-harbor-csrf-token"), path).toBeTruthy();
		}
		const csrf = signedIn.headers.get("x-harbor-csrf-token")!;
		expect(
			(
				await fetch(`${s.url}/c/logout`, {
					method: "POST",
					headers: { Cookie: cookie, "X-Harbor-CSRF-Token": csrf },
				})
			).status,
		).toBe(200);
		const anonymous = await fetch(`${s.url}/api/v2.0/search?q=lib`, {
			headers: { Cookie: cookie },
		});
		expect(anonymous.status).toBe(200);
		expect(anonymous.headers.get("x-harbor-csrf-token")).toBeNull();
	});
});
