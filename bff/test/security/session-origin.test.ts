import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login } from "../api-fixtures.ts";
import {
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * Issue 9, finding 12: a form on another site could POST to /c/login and sign the victim's browser in as the attacker
 * (login CSRF), and a link or image on another site could end the victim's session (GET /c/log_out). Session endpoints
 * now check where the browser says a request comes from; sign-out is a POST with the CSRF token, and Harbor's GET
 * answers only when the browser vouches for this site.
 */
describe("session endpoints and the requesting site", () => {
	let s: TestServer;
	let own: string;
	const evil = "https://evil.example";
	beforeAll(async () => {
		s = await startTestServer("sqlite", {
			WHARF_EXTERNAL_URL: "https://registry.example.com",
		});
		own = new URL(s.url).origin;
	});
	afterAll(() => stopTestServer(s));

	/** POST /c/login as a form, the way a cross-site <form> sends it. */
	const formLogin = (headers: Record<string, string>) =>
		fetch(`${s.url}/c/login`, {
			method: "POST",
			headers: {
				"Content-Type": "application/x-www-form-urlencoded",
				...headers,
			},
			body: new URLSearchParams({
				principal: "admin",
				password: adminPassword,
			}),
		});
	const signedIn = async () => {
		const r = await login(s);
		return {
			cookie: r.headers.get("set-cookie")!.split(";")[0],
			csrf: r.headers.get("x-harbor-csrf-token")!,
		};
	};
	/** Table rows write this site's origin as SELF: it is known once the server listens. */
	const withSelf = (headers: Record<string, string>) =>
		Object.fromEntries(
			Object.entries(headers).map(([k, v]) => [k, v.replace("SELF", own)]),
		);
	const alive = async (cookie: string) =>
		(
			await fetch(`${s.url}/api/v2.0/users/current`, {
				headers: { Cookie: cookie },
			})
		).status === 200;

	describe("POST /c/login", () => {
		it.each([
			["Origin of this site", { Origin: "SELF" }],
			[
				"Origin of the configured external URL",
				{ Origin: "https://registry.example.com" },
			],
			["Referer of this site, no Origin", { Referer: "SELF/account/sign-in" }],
			[
				"Sec-Fetch-Site same-origin, no Origin",
				{ "Sec-Fetch-Site": "same-origin" },
			],
			["nothing (a script)", {}],
		])("signs in with %s", async (_name, headers: Record<string, string>) => {
			const r = await formLogin(withSelf(headers));
			expect(r.status).toBe(200);
			expect(r.headers.get("set-cookie")).toMatch(/^sid=[^;]+/);
		});

		it.each([
			["Origin of another site", { Origin: evil }],
			["Origin of another port on this host", { Origin: "http://127.0.0.1:1" }],
			["Origin: null (a sandboxed frame)", { Origin: "null" }],
			[
				"Referer of another site, no Origin",
				{ Referer: `${evil}/attack.html` },
			],
			[
				"Sec-Fetch-Site cross-site, no Origin",
				{ "Sec-Fetch-Site": "cross-site" },
			],
			[
				"Sec-Fetch-Site same-site, no Origin",
				{ "Sec-Fetch-Site": "same-site" },
			],
			[
				"Origin of another site and a Referer of this one",
				{ Origin: evil, Referer: "SELF/" },
			],
		])(
			"refuses %s, and sets no session",
			async (_name, headers: Record<string, string>) => {
				const r = await formLogin(withSelf(headers));
				expect(r.status).toBe(403);
				expect(await r.json()).toEqual({
					errors: [
						{
							code: "FORBIDDEN",
							message: "refused: the request comes from another site",
						},
					],
				});
				expect(r.headers.get("set-cookie")).toBeNull();
			},
		);
	});

	describe("POST /c/logout", () => {
		it("signs out with the CSRF token, from this site or from a script", async () => {
			for (const headers of [{}, { Origin: own }] as Record<string, string>[]) {
				const { cookie, csrf } = await signedIn();
				const r = await fetch(`${s.url}/c/logout`, {
					method: "POST",
					headers: { Cookie: cookie, "X-Harbor-CSRF-Token": csrf, ...headers },
				});
				expect(r.status).toBe(200);
				expect(r.headers.get("set-cookie")).toMatch(/^sid=;/);
				expect(await alive(cookie)).toBe(false);
			}
		});

		it("refuses without the CSRF token, or from another site, and the session lives on", async () => {
			const { cookie, csrf } = await signedIn();
			const without = await fetch(`${s.url}/c/logout`, {
				method: "POST",
				headers: { Cookie: cookie, Origin: own },
			});
			expect(without.status).toBe(403);
			const cross = await fetch(`${s.url}/c/logout`, {
				method: "POST",
				headers: { Cookie: cookie, "X-Harbor-CSRF-Token": csrf, Origin: evil },
			});
			expect(cross.status).toBe(403);
			expect(await alive(cookie)).toBe(true);
		});
	});

	describe.each(["/c/log_out", "/c/logout"])(
		"GET %s (Harbor compatibility)",
		(path) => {
			it.each([
				["Sec-Fetch-Site same-origin", { "Sec-Fetch-Site": "same-origin" }],
				[
					"Sec-Fetch-Site none (the user opened the URL)",
					{ "Sec-Fetch-Site": "none" },
				],
				["a Referer of this site", { Referer: "SELF/projects" }],
				["an Origin of this site", { Origin: "SELF" }],
			])(
				"signs out when the browser vouches for this site: %s",
				async (_name, headers: Record<string, string>) => {
					const { cookie } = await signedIn();
					const r = await fetch(`${s.url}${path}`, {
						headers: { Cookie: cookie, ...withSelf(headers) },
					});
					expect(r.status).toBe(200);
					expect(await alive(cookie)).toBe(false);
				},
			);

			it.each([
				[
					"nothing (a cross-site link with rel=noreferrer over plain http looks like this)",
					{},
				],
				["Sec-Fetch-Site cross-site", { "Sec-Fetch-Site": "cross-site" }],
				["a Referer of another site", { Referer: `${evil}/page` }],
				["an Origin of another site", { Origin: evil }],
			])(
				"refuses %s, and the session lives on",
				async (_name, headers: Record<string, string>) => {
					const { cookie } = await signedIn();
					const r = await fetch(`${s.url}${path}`, {
						headers: { Cookie: cookie, ...headers },
					});
					expect(r.status).toBe(403);
					expect(r.headers.get("set-cookie")).toBeNull();
					expect(await alive(cookie)).toBe(true);
				},
			);
		},
	);
});
