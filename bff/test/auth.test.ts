import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../auth/users.ts";
import { now } from "../db/database.ts";
import { login } from "./api-fixtures.ts";
import { sleep } from "./distribution-helpers.ts";
import {
	adminAuth,
	adminPassword,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const tokenUrl = (s: TestServer, scope?: string) =>
	`${s.url}/service/token?service=harbor-registry${scope ? `&scope=${encodeURIComponent(scope)}` : ""}`;

async function token(s: TestServer, scope: string | undefined, auth?: string) {
	const r = await fetch(tokenUrl(s, scope), {
		headers: auth ? { Authorization: auth } : {},
	});
	return {
		status: r.status,
		body: (await r.json()) as {
			token?: string;
			expires_in?: number;
			errors?: { code: string }[];
		},
	};
}

describe.each(engines)("the token service and /v2 auth on %s", (engine) => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer(engine);
		const users = createUserService(s.db);
		const dev = await users.create({ username: "dev", password: "Developer1" });
		const t = now();
		const p = await s.db
			.insertInto("projects")
			.values({
				name: "secret",
				owner_id: 1,
				public: 0,
				creation_time: t,
				update_time: t,
			})
			.returning("id")
			.executeTakeFirstOrThrow();
		await s.db
			.insertInto("members")
			.values({
				project_id: p.id,
				entity_type: "u",
				entity_id: dev,
				role: 2,
				creation_time: t,
				update_time: t,
			})
			.execute();
		await users.create({ username: "outsider", password: "Outsider1" });
	});
	afterAll(() => stopTestServer(s));

	it("issues Harbor-shaped tokens: RS256 with a kid, issuer, audience and the granted access", async () => {
		const { status, body } = await token(
			s,
			"repository:secret/app:pull,push",
			basic("dev", "Developer1"),
		);
		expect(status).toBe(200);
		expect(body.expires_in).toBe(1800);
		expect(decodeProtectedHeader(body.token!)).toMatchObject({
			alg: "RS256",
			kid: expect.any(String),
		});
		expect(decodeJwt(body.token!)).toMatchObject({
			iss: "harbor-token-issuer",
			aud: "harbor-registry",
			sub: expect.stringMatching(/^user:[0-9]+$/),
			access: [
				{ type: "repository", name: "secret/app", actions: ["pull", "push"] },
			],
		});
	});

	it("never turns wrong credentials into an anonymous token", async () => {
		const r = await token(
			s,
			"repository:library/app:pull",
			basic("dev", "wrong"),
		);
		expect(r.status).toBe(401);
		expect(r.body.errors?.[0].code).toBe("UNAUTHORIZED");
	});

	it("answers an anonymous login without scope with 401, and grants anonymous only pull on public projects", async () => {
		expect((await token(s, undefined)).status).toBe(401);
		const pub = await token(s, "repository:library/app:pull,push");
		expect(decodeJwt(pub.body.token!).access).toEqual([
			{ type: "repository", name: "library/app", actions: ["pull"] },
		]);
		const priv = await token(s, "repository:secret/app:pull");
		expect(decodeJwt(priv.body.token!).access).toEqual([
			{ type: "repository", name: "secret/app", actions: [] },
		]);
	});

	it("gives an outsider nothing in a private project, exactly as for a project that does not exist", async () => {
		const hidden = await token(
			s,
			"repository:secret/app:pull",
			basic("outsider", "Outsider1"),
		);
		const missing = await token(
			s,
			"repository:nothere/app:pull",
			basic("outsider", "Outsider1"),
		);
		expect(decodeJwt(hidden.body.token!).access).toEqual([
			{ type: "repository", name: "secret/app", actions: [] },
		]);
		expect(decodeJwt(missing.body.token!).access).toEqual([
			{ type: "repository", name: "nothere/app", actions: [] },
		]);
		const a = await fetch(`${s.url}/v2/secret/app/tags/list`, {
			headers: { Authorization: `Bearer ${hidden.body.token}` },
		});
		const b = await fetch(`${s.url}/v2/nothere/app/tags/list`, {
			headers: { Authorization: `Bearer ${missing.body.token}` },
		});
		expect([a.status, b.status]).toEqual([401, 401]);
		expect(await a.json()).toEqual({
			errors: [
				{
					code: "UNAUTHORIZED",
					message:
						"unauthorized to access repository: secret/app, action: pull",
				},
			],
		});
		expect(
			((await b.json()) as { errors: { code: string }[] }).errors[0].code,
		).toBe("UNAUTHORIZED");
	});

	it("answers a token without the needed scope with 401 insufficient_scope", async () => {
		const pullOnly = await token(
			s,
			"repository:secret/app:pull",
			basic("dev", "Developer1"),
		);
		const r = await fetch(`${s.url}/v2/secret/app/blobs/uploads/`, {
			method: "POST",
			headers: { Authorization: `Bearer ${pullOnly.body.token}` },
		});
		expect(r.status).toBe(401);
		expect(r.headers.get("www-authenticate")).toMatch(
			/^Bearer realm=".*\/service\/token",service="harbor-registry",scope="repository:secret\/app:pull,push",error="insufficient_scope"$/,
		);
	});

	it("rejects a forged or foreign token", async () => {
		const r = await fetch(`${s.url}/v2/library/app/tags/list`, {
			headers: {
				Authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
			},
		});
		expect(r.status).toBe(401);
	});

	it("stops a disabled user at once, even with a token issued before", async () => {
		const users = createUserService(s.db);
		await users.create({ username: "leaver", password: "Leaver123" });
		const { body } = await token(
			s,
			"repository:library/app:pull,push",
			basic("leaver", "Leaver123"),
		);
		const ok = await fetch(`${s.url}/v2/library/app/blobs/uploads/`, {
			method: "POST",
			headers: { Authorization: `Bearer ${body.token}` },
		});
		expect(ok.status).toBe(401); // a non-member may not push to library even with a token
		await s.db
			.updateTable("users")
			.set({ disabled: 1 })
			.where("username", "=", "leaver")
			.execute();
		const pull = await fetch(`${s.url}/v2/library/app/tags/list`, {
			headers: { Authorization: `Bearer ${body.token}` },
		});
		expect(pull.status).toBe(401);
		const login = await fetch(`${s.url}/v2/`, {
			headers: { Authorization: basic("leaver", "Leaver123") },
		});
		expect(login.status).toBe(401);
	});

	// A guard's test asserts its exact boundary, at each door it covers: the 10th wrong password is still checked (401),
	// the 11th attempt is refused before any check (429), even with the right password.
	it.each([
		[
			"the token service",
			"token",
			(user: string, password: string) =>
				fetch(tokenUrl(s), {
					headers: { Authorization: basic(user, password) },
				}),
		],
		[
			"the console sign-in",
			"console",
			(user: string, password: string) => login(s, user, password),
		],
	] as const)(
		"throttles failed logins at %s: 10 are checked and audited, the 11th is refused",
		async (_door, resource, attempt) => {
			const user = `victim-${resource}`;
			await createUserService(s.db).create({
				username: user,
				password: "Right1234",
			});
			for (let i = 1; i <= 10; i++)
				expect((await attempt(user, `guess${i}`)).status, `attempt ${i}`).toBe(
					401,
				);
			const refused = await attempt(user, "Right1234");
			expect(refused.status, "attempt 11").toBe(429);
			expect(refused.headers.get("retry-after")).toBe("60");
			const failures = () =>
				s.db
					.selectFrom("audit_logs")
					.select("resource")
					.where("username", "=", user)
					.where("operation", "=", "login_failed")
					.execute();
			for (let i = 0; i < 50 && (await failures()).length < 10; i++)
				await sleep(100); // the audit log is written in batches
			expect(await failures()).toEqual(Array(10).fill({ resource }));
		},
	);
});

describe("console sessions", () => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer("sqlite");
	});
	afterAll(() => stopTestServer(s));

	it("signs in with an http-only cookie, serves the current user, and signs out", async () => {
		const r = await login(s, "admin", adminPassword);
		expect(r.status).toBe(200);
		const setCookie = r.headers.get("set-cookie")!;
		expect(setCookie).toMatch(/^sid=[^;]+;.*HttpOnly/i);
		expect(setCookie).toMatch(/SameSite=Lax/i);
		const cookie = setCookie.split(";")[0];
		const me = await fetch(`${s.url}/api/v2.0/users/current`, {
			headers: { Cookie: cookie },
		});
		expect(me.status).toBe(200);
		expect(await me.json()).toMatchObject({
			username: "admin",
			sysadmin_flag: true,
		});
		expect(me.headers.get("x-harbor-csrf-token")).toBeTruthy();
		const out = await fetch(`${s.url}/c/logout`, {
			method: "POST",
			headers: {
				Cookie: cookie,
				"X-Harbor-CSRF-Token": me.headers.get("x-harbor-csrf-token")!,
			},
		});
		expect(out.status).toBe(200);
		const after = await fetch(`${s.url}/api/v2.0/users/current`, {
			headers: { Cookie: cookie },
		});
		expect(after.status).toBe(401);
		expect(await after.json()).toEqual({
			errors: [{ code: "UNAUTHORIZED", message: "sign in first" }],
		});
	});

	it("refuses a session-authenticated write without the CSRF token, and accepts it with the token", async () => {
		const r = await login(s, "admin", adminPassword);
		const cookie = r.headers.get("set-cookie")!.split(";")[0];
		const csrf = r.headers.get("x-harbor-csrf-token")!;
		const without = await fetch(`${s.url}/api/v2.0/users/current`, {
			method: "PUT",
			headers: { Cookie: cookie },
		});
		expect(without.status).toBe(403);
		expect(
			((await without.json()) as { errors: { code: string }[] }).errors[0].code,
		).toBe("FORBIDDEN");
		const withToken = await fetch(`${s.url}/api/v2.0/users/current`, {
			method: "PUT",
			headers: { Cookie: cookie, "X-Harbor-CSRF-Token": csrf },
		});
		expect(withToken.status).toBe(404); // past the CSRF check: no such write exists yet
	});

	it("answers a wrong password with 401 in Harbor's error body", async () => {
		const r = await login(s, "admin", "nope");
		expect(r.status).toBe(401);
		expect(await r.json()).toEqual({
			errors: [
				{ code: "UNAUTHORIZED", message: "invalid username or password" },
			],
		});
	});

	it("serves the console and answers unknown API paths with NOT_FOUND", async () => {
		const page = await fetch(`${s.url}/projects/anything`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('<div id="root">');
		const api = await fetch(`${s.url}/api/v2.0/nothing`, {
			headers: { Authorization: adminAuth },
		});
		expect(api.status).toBe(404);
		expect(
			((await api.json()) as { errors: { code: string }[] }).errors[0].code,
		).toBe("NOT_FOUND");
	});
});

describe("first start", () => {
	it("generates an admin password, saves it 0600, and never uses a fixed default", async () => {
		const a = await startTestServer("sqlite", { WHARF_ADMIN_PASSWORD: "" });
		const b = await startTestServer("sqlite", { WHARF_ADMIN_PASSWORD: "" });
		try {
			const file = path.join(a.dataDir, "initial-admin-password");
			expect(statSync(file).mode & 0o777).toBe(0o600);
			const pa = readFileSync(file, "utf8").trim();
			expect(pa).toBe(a.generatedAdminPassword);
			expect(pa).not.toBe(b.generatedAdminPassword);
			expect(
				(
					await fetch(`${a.url}/v2/`, {
						headers: { Authorization: basic("admin", pa) },
					})
				).status,
			).toBe(200);
		} finally {
			await stopTestServer(a);
			await stopTestServer(b);
		}
	});
});
