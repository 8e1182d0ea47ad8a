import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, api } from "./api-fixtures.ts";
import { selfSignedCertificate } from "./certificates.ts";
import { clientSandbox } from "./clients.ts";
import { client } from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import {
	browse,
	type CookieJar,
	cookieJar,
	type OidcServer,
	startOidcServer,
} from "./oidc-server.ts";

const people = [
	{ id: "erin-tls", name: "Erin", email: "erin@idp.test", groups: [] },
	{
		id: "alice",
		name: "Alice Liddell",
		email: "alice@idp.test",
		groups: ["developers", "everyone"],
	},
	{
		id: "bob",
		name: "Bob Admin",
		email: "bob@idp.test",
		groups: ["wharf-admins"],
	},
	{ id: "carol", name: "Carol", email: "carol@idp.test", groups: [] },
	{ id: "dave", name: "Dave", email: "dave@idp.test", groups: ["developers"] },
];

type Json = Record<string, unknown>;
type Me = {
	user_id: number;
	username: string;
	email: string;
	realname: string;
	sysadmin_flag: boolean;
	admin_role_in_auth: boolean;
	oidc_user_meta?: { subiss: string; secret?: string; user_id: number };
};

describe.each(engines)("OIDC sign-in on %s", (engine) => {
	let s: TestServer;
	let idp: OidcServer;
	let call: ReturnType<typeof api>;
	let projectId: number;
	const sessions = new Map<string, CookieJar>();

	/** The whole code flow as a browser walks it: Wharf → the provider's login and consent → Wharf's callback. */
	const signIn = async (login: string, start = "/c/oidc/login") => {
		const jar = cookieJar();
		const walk = await browse(jar, `${s.url}${start}`, {
			login,
			provider: idp.issuer,
		});
		return { jar, ...walk };
	};
	/** A request with a session's cookie (and its CSRF token on writes, read from the last answer as the console does). */
	const asSession = async (
		jar: CookieJar,
		p: string,
		init: { method?: string; json?: unknown } = {},
	) => {
		const headers: Record<string, string> = { cookie: jar.header(s.url) };
		if (init.method && init.method !== "GET") {
			const probe = await fetch(`${s.url}/api/v2.0/users/current`, {
				headers,
			});
			headers["X-Harbor-CSRF-Token"] = probe.headers.get(
				"x-harbor-csrf-token",
			)!;
		}
		if (init.json !== undefined) headers["content-type"] = "application/json";
		return fetch(`${s.url}${p}`, {
			method: init.method ?? "GET",
			headers,
			body: init.json === undefined ? undefined : JSON.stringify(init.json),
		});
	};
	const me = async (jar: CookieJar) => {
		const r = await asSession(jar, "/api/v2.0/users/current");
		return { status: r.status, body: (await r.json()) as Me };
	};
	const settings = (more: Json = {}) => ({
		auth_mode: "oidc_auth",
		oidc_name: "Test IdP",
		oidc_endpoint: idp.issuer,
		oidc_client_id: idp.client.id,
		oidc_client_secret: idp.client.secret,
		oidc_scope: "openid,profile,email,groups",
		oidc_user_claim: "preferred_username",
		oidc_groups_claim: "groups",
		oidc_admin_group: "wharf-admins",
		oidc_group_filter: "^(developers|wharf-admins)$",
		oidc_auto_onboard: true,
		oidc_logout: true,
		oidc_extra_redirect_parms: JSON.stringify({ prompt: "login consent" }),
		...more,
	});

	beforeAll(async () => {
		s = await startTestServer(engine);
		idp = await startOidcServer({
			people,
			redirectUri: `${s.url}/c/oidc/callback`,
			postLogoutRedirectUri: `${s.url}/sign-in`,
		});
		call = api(s);
		projectId = await addProject(s, "team");
		await client(s).pushImage("team/app", "v1");
	});
	afterAll(async () => {
		await stopTestServer(s);
		await idp?.close();
	});

	it("switches auth_mode to oidc_auth with the provider's settings; the client secret is sealed and never answered", async () => {
		const missing = await call("/configurations", {
			method: "PUT",
			json: { auth_mode: "oidc_auth" },
		});
		expect(missing.status).toBe(400);
		expect(await missing.text()).toMatch(
			/oidc_auth needs oidc_name, oidc_endpoint and oidc_client_id/,
		);
		const badFilter = await call("/configurations", {
			method: "PUT",
			json: settings({ oidc_group_filter: "(" }),
		});
		expect(badFilter.status).toBe(400);
		const r = await call("/configurations", {
			method: "PUT",
			json: settings(),
		});
		expect(r.status, await r.clone().text()).toBe(200);
		const cfg = (await (await call("/configurations")).json()) as Record<
			string,
			{ value: unknown }
		>;
		expect(cfg.auth_mode.value).toBe("oidc_auth");
		expect(cfg.oidc_endpoint.value).toBe(idp.issuer);
		expect(cfg).not.toHaveProperty("oidc_client_secret");
		const row = await s.db
			.selectFrom("settings")
			.select("value")
			.where("name", "=", "oidc_client_secret")
			.executeTakeFirstOrThrow();
		expect(row.value).not.toContain(idp.client.secret);
		// The sign-in page learns the provider's name before anyone signs in.
		expect(
			await (await fetch(`${s.url}/api/v2.0/systeminfo`)).json(),
		).toMatchObject({ auth_mode: "oidc_auth", oidc_provider_name: "Test IdP" });
	});

	it("pings a provider's discovery document (system admins only), as the console's Test button", async () => {
		const ping = (url: string, auth?: string | null) =>
			call("/system/oidc/ping", {
				method: "POST",
				json: { url, verify_cert: true },
				auth,
			});
		expect((await ping(idp.issuer)).status).toBe(200);
		const nowhere = await ping("http://127.0.0.1:1");
		expect(nowhere.status).toBe(400);
		expect(await nowhere.text()).toMatch(/failed to verify connection/);
		expect((await ping(idp.issuer, null)).status).toBe(401);
	});

	it("sends the browser to the provider with PKCE (S256), a state, a nonce and the extra parameters", async () => {
		const r = await fetch(`${s.url}/c/oidc/login`, { redirect: "manual" });
		expect(r.status).toBe(302);
		const to = new URL(r.headers.get("location")!);
		expect(to.origin).toBe(idp.issuer);
		expect(Object.fromEntries(to.searchParams)).toMatchObject({
			client_id: "wharf",
			response_type: "code",
			redirect_uri: `${s.url}/c/oidc/callback`,
			scope: "openid profile email groups",
			code_challenge_method: "S256",
			prompt: "login consent",
			state: expect.stringMatching(/.{16,}/),
			nonce: expect.stringMatching(/.{16,}/),
			code_challenge: expect.stringMatching(/^[\w-]{43}$/),
		});
		// What the callback must find again travels sealed: the verifier is not readable in the cookie.
		const cookie = r.headers.getSetCookie().join(";");
		expect(cookie).toMatch(/oidc_login=v1%3A/);
		expect(cookie).not.toContain(to.searchParams.get("state")!);
	});

	it("signs alice in through the code flow: a session, onboarded with the claim's username and e-mail, her filtered groups as OIDC user groups", async () => {
		expect(
			await s.db
				.selectFrom("users")
				.select("id")
				.where("username", "=", "alice")
				.executeTakeFirst(),
		).toBeUndefined();
		const { jar, url, res, trail } = await signIn("alice");
		expect(url, trail.join("\n")).toBe(`${s.url}/`);
		expect(res.status).toBe(200);
		expect(jar.get(s.url, "sid")).toBeTruthy();
		const { status, body } = await me(jar);
		expect(status).toBe(200);
		expect(body).toMatchObject({
			username: "alice",
			email: "alice@idp.test",
			realname: "Alice Liddell",
			sysadmin_flag: false,
			admin_role_in_auth: false,
			oidc_user_meta: {
				subiss: `alice${idp.issuer}`,
				secret: expect.stringMatching(/^.{32}$/),
			},
		});
		sessions.set("alice", jar);
		const groups = await s.db
			.selectFrom("user_groups")
			.select(["group_name", "group_type"])
			.orderBy("group_name")
			.execute();
		// "everyone" is in the claim but not in oidc_group_filter.
		expect(groups).toEqual([{ group_name: "developers", group_type: 3 }]);
		const meta = await s.db
			.selectFrom("oidc_users")
			.select(["secret", "token"])
			.where("user_id", "=", body.user_id)
			.executeTakeFirstOrThrow();
		expect(meta.secret).not.toContain(body.oidc_user_meta!.secret!);
		expect(meta.secret).toMatch(/^v1:/);
		expect(meta.token).toMatch(/^v1:/);
		// Signing in again finds the same user, never a second one.
		const again = await signIn("alice");
		expect(again.url).toBe(`${s.url}/`);
		expect((await me(again.jar)).body.user_id).toBe(body.user_id);
	});

	it("gives the developers group's members push on the project, through the one policy", async () => {
		const alice = sessions.get("alice")!;
		// A private project she is no member of does not exist for her.
		expect(
			(await asSession(alice, "/api/v2.0/projects/team/repositories")).status,
		).toBe(404);
		const add = await call(`/projects/${projectId}/members`, {
			method: "POST",
			json: {
				role_id: 2,
				member_group: { group_name: "developers", group_type: 3 },
			},
		});
		expect(add.status, await add.clone().text()).toBe(201);
		const repos = await asSession(
			alice,
			"/api/v2.0/projects/team/repositories",
		);
		expect(repos.status).toBe(200);
		expect(((await repos.json()) as Json[]).map((r) => r.name)).toEqual([
			"team/app",
		]);
		const projects = (await (
			await asSession(alice, "/api/v2.0/projects?name=team")
		).json()) as Json[];
		expect(projects[0]).toMatchObject({ current_user_role_id: 2 });
	});

	it("lets alice's CLI secret log skopeo in and push; a wrong secret is refused, and so is her secret at the console", async () => {
		const secret = (await me(sessions.get("alice")!)).body.oidc_user_meta!
			.secret!;
		const c = await clientSandbox();
		try {
			const host = new URL(s.url).host;
			const login = await c.skopeoLogin(host, "alice", secret);
			expect(login.ok, login.stderr).toBe(true);
			const layout = path.join(c.dir, "layout");
			await makeOciLayout(layout);
			const push = await c.skopeo(
				"copy",
				"--dest-tls-verify=false",
				`oci:${layout}`,
				`docker://${host}/team/app:oidc`,
			);
			expect(push.ok, push.stderr).toBe(true);
			const wrong = await c.skopeoLogin(host, "alice", "Wrong-Secret-1");
			expect(wrong.ok).toBe(false);
			expect(wrong.stderr).toMatch(/unauthorized|invalid/i);
		} finally {
			await c.cleanup();
		}
		const tags = await call("/projects/team/repositories/app/artifacts/oidc");
		expect(tags.status).toBe(200);
		// The console signs OIDC users in at the provider only.
		const console = await fetch(`${s.url}/c/login`, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ principal: "alice", password: secret }),
		});
		expect(console.status).toBe(401);
	});

	it("makes members of oidc_admin_group system admins", async () => {
		const { jar, url } = await signIn("bob");
		expect(url).toBe(`${s.url}/`);
		expect((await me(jar)).body).toMatchObject({
			username: "bob",
			sysadmin_flag: false,
			admin_role_in_auth: true,
		});
		expect((await asSession(jar, "/api/v2.0/configurations")).status).toBe(200);
		const carol = await signIn("carol");
		expect(
			(await asSession(carol.jar, "/api/v2.0/configurations")).status,
		).toBe(403);
		sessions.set("bob", jar);
	});

	it("refuses a callback whose state is not the one it sent, and one with no sign-in in progress", async () => {
		const jar = cookieJar();
		const callback = `${s.url}/c/oidc/callback`;
		const walk = await browse(jar, `${s.url}/c/oidc/login`, {
			login: "carol",
			provider: idp.issuer,
			stopAt: callback,
		});
		const back = new URL(walk.url);
		expect(back.searchParams.get("code")).toBeTruthy();
		back.searchParams.set("state", "forged-state-value-1234");
		const refused = await fetch(back, {
			redirect: "manual",
			headers: { cookie: jar.header(s.url) },
		});
		expect(refused.status).toBe(302);
		expect(refused.headers.get("location")).toMatch(/^\/sign-in\?oidc_error=/);
		expect(refused.headers.getSetCookie().join(";")).not.toMatch(/sid=[^;]/);
		// The real state, but the refusal ended the sign-in it belonged to (the browser dropped its cookie): refused.
		jar.store(s.url, refused);
		const replay = await fetch(walk.url, {
			redirect: "manual",
			headers: { cookie: jar.header(s.url) },
		});
		expect(replay.headers.get("location")).toMatch(
			/^\/sign-in\?oidc_error=no%20sign-in%20in%20progress/,
		);
		// Login CSRF: another browser, with a sign-in of its own under way, handed this code and state: refused.
		const victim = cookieJar();
		await browse(victim, `${s.url}/c/oidc/login`, {
			provider: idp.issuer,
			stopAt: idp.issuer,
		});
		expect(victim.get(s.url, "oidc_login")).toBeTruthy();
		const planted = await fetch(walk.url, {
			redirect: "manual",
			headers: { cookie: victim.header(s.url) },
		});
		expect(planted.headers.get("location")).toMatch(/^\/sign-in\?oidc_error=/);
		expect(planted.headers.getSetCookie().join(";")).not.toMatch(/sid=[^;]/);
		await expect
			.poll(
				async () =>
					(
						await s.db
							.selectFrom("audit_logs")
							.select("operation")
							.where("resource", "=", "oidc")
							.execute()
					).length,
				{ timeout: 10_000 },
			)
			.toBeGreaterThanOrEqual(3);
	});

	it("sets a new CLI secret (its owner or an admin, never another user); the old one stops at once", async () => {
		const alice = sessions.get("alice")!;
		const { user_id, oidc_user_meta } = (await me(alice)).body;
		const old = oidc_user_meta!.secret!;
		const setSecret = (jar: CookieJar, secret: string) =>
			asSession(jar, `/api/v2.0/users/${user_id}/cli_secret`, {
				method: "PUT",
				json: { secret },
			});
		expect((await setSecret(alice, "short")).status).toBe(400);
		const carolJar = (await signIn("carol")).jar;
		expect((await setSecret(carolJar, "Carol-Sets-It-1")).status).toBe(403);
		expect((await setSecret(alice, "New-Cli-Secret-1")).status).toBe(200);
		const v2 = client(s);
		expect((await v2.call("/v2/", { auth: basic("alice", old) })).status).toBe(
			401,
		);
		expect(
			(await v2.call("/v2/", { auth: basic("alice", "New-Cli-Secret-1") }))
				.status,
		).toBe(200);
		// Her password is the provider's: no one sets one here.
		const reset = await call(`/users/${user_id}/password`, {
			method: "PUT",
			json: { new_password: "Local-Pass-12" },
		});
		expect(reset.status).toBe(403);
		expect(await reset.text()).toMatch(/signs in through OIDC/);
		// Another user reading alice sees that she is an OIDC user, not her secret.
		const read = (await (await call(`/users/${user_id}`)).json()) as Me;
		expect(read.oidc_user_meta?.subiss).toBe(`alice${idp.issuer}`);
		expect(read.oidc_user_meta).not.toHaveProperty("secret");
		// Admin's own password still works (admin signs in locally, as in Harbor).
		expect((await call("/users/current")).status).toBe(200);
	});

	it("throttles and audits wrong CLI secrets as every credential: the 10th is still checked, the 11th refused", async () => {
		const carol = (await me((await signIn("carol")).jar)).body;
		const secret = carol.oidc_user_meta!.secret!;
		const token = (password: string) =>
			fetch(`${s.url}/service/token?service=harbor-registry`, {
				headers: { Authorization: basic("carol", password) },
			});
		for (let i = 1; i <= 10; i++)
			expect((await token(`Wrong-${i}-Secret`)).status, `attempt ${i}`).toBe(
				401,
			);
		expect((await token(secret)).status).toBe(429);
		await expect
			.poll(
				async () =>
					(
						await s.db
							.selectFrom("audit_logs")
							.select("operation")
							.where("username", "=", "carol")
							.where("operation", "like", "login_%")
							.execute()
					)
						.map((r) => r.operation)
						.sort(),
				{ timeout: 10_000 },
			)
			.toEqual([...Array(10).fill("login_failed"), "login_locked"]);
	});

	it("refuses to switch auth_mode while users other than admin exist", async () => {
		const r = await call("/configurations", {
			method: "PUT",
			json: { auth_mode: "db_auth" },
		});
		expect(r.status).toBe(400);
		expect(await r.text()).toMatch(
			/auth mode cannot be modified as new users have been inserted into database/,
		);
	});

	it("signs out: the Wharf session ends and the browser is sent to the provider's end-session, which comes back to the sign-in page", async () => {
		const bob = sessions.get("bob")!;
		const sid = bob.get(s.url, "sid");
		const out = await asSession(bob, "/c/logout", { method: "POST" });
		expect(out.status).toBe(200);
		const { redirect_url } = (await out.json()) as { redirect_url: string };
		const end = new URL(redirect_url);
		expect(end.origin).toBe(idp.issuer);
		expect(end.searchParams.get("id_token_hint")).toMatch(/^ey/);
		expect(end.searchParams.get("post_logout_redirect_uri")).toBe(
			`${s.url}/sign-in`,
		);
		bob.store(s.url, out);
		expect(bob.get(s.url, "sid")).toBeUndefined();
		// The old cookie no longer opens anything.
		const stale = await fetch(`${s.url}/api/v2.0/users/current`, {
			headers: { cookie: `sid=${sid}` },
		});
		expect(stale.status).toBe(401);
		const back = await browse(cookieJar(), redirect_url, {
			provider: idp.issuer,
			stopAt: s.url,
		});
		expect(back.url).toBe(`${s.url}/sign-in`);
		// Without oidc_logout the session still ends, and the provider is left alone.
		expect(
			(
				await call("/configurations", {
					method: "PUT",
					json: { oidc_logout: false },
				})
			).status,
		).toBe(200);
		const alice = sessions.get("alice")!;
		const plain = await asSession(alice, "/c/logout", { method: "POST" });
		expect(await plain.json()).toEqual({});
		// The jar still sends the old cookie: the session behind it is gone.
		expect((await me(alice)).status).toBe(401);
	});

	it("asks a username when oidc_auto_onboard is off: a taken name is refused, a free one onboards and signs in", async () => {
		expect(
			(
				await call("/configurations", {
					method: "PUT",
					json: { oidc_auto_onboard: false },
				})
			).status,
		).toBe(200);
		const { jar, url } = await signIn("dave");
		expect(url).toBe(`${s.url}/oidc-onboard?username=dave`);
		expect(jar.get(s.url, "sid")).toBeUndefined();
		expect(
			await s.db
				.selectFrom("users")
				.select("id")
				.where("username", "=", "dave")
				.executeTakeFirst(),
		).toBeUndefined();
		const onboard = (username: string) =>
			fetch(`${s.url}/c/oidc/onboard`, {
				method: "POST",
				headers: {
					"content-type": "application/json",
					cookie: jar.header(s.url),
				},
				body: JSON.stringify({ username }),
			});
		expect((await onboard("alice")).status).toBe(409);
		expect((await onboard("bad name")).status).toBe(400);
		const ok = await onboard("dave-the-dev");
		expect(ok.status, await ok.clone().text()).toBe(200);
		jar.store(s.url, ok);
		expect((await me(jar)).body).toMatchObject({
			username: "dave-the-dev",
			email: "dave@idp.test",
		});
		// The person is known by their subject now: the next sign-in goes straight in under the chosen name.
		const again = await signIn("dave");
		expect(again.url).toBe(`${s.url}/`);
		expect((await me(again.jar)).body.username).toBe("dave-the-dev");
	});

	it("reaches a provider with a self-signed certificate only when oidc_verify_cert is off", async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), "wharf-oidc-tls-"));
		let tls: OidcServer | undefined;
		try {
			await selfSignedCertificate(dir);
			tls = await startOidcServer({
				people,
				redirectUri: `${s.url}/c/oidc/callback`,
				postLogoutRedirectUri: `${s.url}/sign-in`,
				tls: {
					key: await readFile(path.join(dir, "key.pem")),
					cert: await readFile(path.join(dir, "cert.pem")),
				},
			});
			const use = async (verify: boolean) =>
				expect(
					(
						await call("/configurations", {
							method: "PUT",
							json: settings({
								oidc_endpoint: tls!.issuer,
								oidc_verify_cert: verify,
								oidc_auto_onboard: true,
							}),
						})
					).status,
				).toBe(200);
			await use(true);
			const refused = await fetch(`${s.url}/c/oidc/login`, {
				redirect: "manual",
			});
			expect(refused.headers.get("location")).toMatch(
				/^\/sign-in\?oidc_error=the%20identity%20provider%20did%20not%20answer/,
			);
			await use(false);
			// The whole flow: discovery, the code exchange and userinfo all go to the provider over TLS unchecked.
			const walk = await browse(cookieJar(), `${s.url}/c/oidc/login`, {
				login: "erin-tls",
				provider: tls.issuer,
				trustProvider: true,
			});
			expect(walk.url, walk.trail.join("\n")).toBe(`${s.url}/`);
		} finally {
			await tls?.close();
			await rm(dir, { recursive: true, force: true });
		}
	});
});
