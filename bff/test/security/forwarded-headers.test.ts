import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { bearerChallenge } from "../../core/challenge.ts";
import { startTestServer, stopTestServer } from "../harness.ts";

/**
 * Issue 9, finding 15: `X-Forwarded-Host` was believed from anyone and written unescaped into `WWW-Authenticate`, so a
 * client chose the token realm that docker then sends credentials to. Forwarded headers count only from the proxies
 * WHARF_TRUST_PROXY names (none by default), and every challenge value is a quoted-string.
 */
const challengeOf = async (url: string, headers: Record<string, string>) =>
	(await fetch(`${url}/v2/`, { headers })).headers.get("www-authenticate");

describe.each(["embedded", "proxy"])(
	"forwarded headers (%s core)",
	(transport) => {
		const forged = {
			"X-Forwarded-Host": "evil.example",
			"X-Forwarded-Proto": "https",
		};

		it("are ignored by default: the realm is the host the client reached", async () => {
			const s = await startTestServer("sqlite", {
				WHARF_CORE_TRANSPORT: transport,
			});
			try {
				const own = `Bearer realm="http://${new URL(s.url).host}/service/token",service="harbor-registry"`;
				expect(await challengeOf(s.url, forged)).toBe(own);
				expect(await challengeOf(s.url, {})).toBe(own);
			} finally {
				await stopTestServer(s);
			}
		});

		it("count from a trusted proxy, and are escaped in the challenge", async () => {
			const s = await startTestServer("sqlite", {
				WHARF_CORE_TRANSPORT: transport,
				WHARF_TRUST_PROXY: "loopback",
			});
			try {
				expect(
					await challengeOf(s.url, {
						"X-Forwarded-Host": "registry.example.com",
						"X-Forwarded-Proto": "https",
					}),
				).toBe(
					'Bearer realm="https://registry.example.com/service/token",service="harbor-registry"',
				);
				// A quote would otherwise close the realm and add a parameter of the sender's choosing (Express keeps what comes
				// before a comma, so the parameter is written with a space).
				expect(
					await challengeOf(s.url, { "X-Forwarded-Host": 'a" error="x\\' }),
				).toBe(
					'Bearer realm="http://a\\" error=\\"x\\\\/service/token",service="harbor-registry"',
				);
			} finally {
				await stopTestServer(s);
			}
		});
	},
);

describe("WWW-Authenticate values", () => {
	it("are quoted-strings: quotes and backslashes escaped, CR, LF and other controls dropped", () => {
		expect(
			bearerChallenge([
				["realm", 'http://h"\\\r\nSet-Cookie: x=1\x00/t'],
				["scope", "repository:a/b:pull,push"],
			]),
		).toBe(
			'Bearer realm="http://h\\"\\\\Set-Cookie: x=1/t",scope="repository:a/b:pull,push"',
		);
	});
});

describe("WHARF_TRUST_PROXY", () => {
	const trust = (v?: string) =>
		loadConfig({ ...(v === undefined ? {} : { WHARF_TRUST_PROXY: v }) })
			.trustProxy;
	it("is off unless set, and takes what Express takes", () => {
		expect(trust()).toBe(false);
		expect(trust("false")).toBe(false);
		expect(trust("true")).toBe(true);
		expect(trust("2")).toBe(2);
		expect(trust("loopback, 10.0.0.0/8,fd00::1")).toEqual([
			"loopback",
			"10.0.0.0/8",
			"fd00::1",
		]);
	});
	it("refuses what is not an address, a subnet, a hop count or a boolean", () => {
		for (const bad of [
			"proxy.example.com",
			"10.0.0.0/8/1",
			"yes",
			"10.0.0.0/abc",
		])
			expect(() => trust(bad), bad).toThrow(/WHARF_TRUST_PROXY/);
	});
});
