import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "./api-fixtures.ts";
import {
	adminAuth,
	basic,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

/** The server's log level, changed while it runs (the metadata engine plays no part: SQLite). */
describe("log level", () => {
	let s: TestServer;
	const lines: {
		msg?: string;
		level: number;
		req?: { url?: string };
		from?: string;
		to?: string;
		by?: string;
	}[] = [];
	const sink = new Writable({
		write(chunk, _enc, done) {
			for (const l of String(chunk).split("\n").filter(Boolean))
				lines.push(JSON.parse(l));
			done();
		},
	});
	const call = (method: string, auth: string | null, json?: unknown) =>
		fetch(`${s.url}/api/console/log-level`, {
			method,
			headers: {
				...(auth ? { Authorization: auth } : {}),
				...(json ? { "Content-Type": "application/json" } : {}),
			},
			body: json ? JSON.stringify(json) : undefined,
		});
	const logged = (marker: string) =>
		lines.some((l) => l.req?.url?.includes(marker));
	/** Sends a request marked `marker`; true once its log line is seen (polled: logging may trail the answer). */
	const requestLogged = async (marker: string) => {
		await fetch(`${s.url}/api/v2.0/ping?${marker}`);
		for (let i = 0; i < 100 && !logged(marker); i++)
			await new Promise((r) => setTimeout(r, 20));
		return logged(marker);
	};

	beforeAll(async () => {
		s = await startTestServer(
			"sqlite",
			{},
			undefined,
			pino({ level: "info" }, sink),
		);
		await addUser(s, "dev", "Developer1");
	});
	afterAll(() => stopTestServer(s));

	it("is read and changed by system admins only, to a level pino knows", async () => {
		expect(await (await call("GET", adminAuth)).json()).toEqual({
			level: "info",
		});
		expect((await call("GET", null)).status).toBe(401);
		expect((await call("GET", basic("dev", "Developer1"))).status).toBe(403);
		expect(
			(await call("PUT", basic("dev", "Developer1"), { level: "warn" })).status,
		).toBe(403);
		expect((await call("PUT", null, { level: "warn" })).status).toBe(401);
		expect((await call("PUT", adminAuth, { level: "loud" })).status).toBe(400);
		expect(await (await call("GET", adminAuth)).json()).toEqual({
			level: "info",
		});
	});

	it("takes effect at once: requests are logged at info, not at warn, and again at info", async () => {
		expect(await requestLogged("before")).toBe(true);
		const r = await call("PUT", adminAuth, { level: "warn" });
		expect(await r.json()).toEqual({ level: "warn" });
		expect(lines).toContainEqual(
			expect.objectContaining({
				msg: "log level changed",
				from: "info",
				to: "warn",
				by: "admin",
			}),
		);
		await fetch(`${s.url}/api/v2.0/ping?quiet`);
		expect(
			await (await call("PUT", adminAuth, { level: "info" })).json(),
		).toEqual({ level: "info" });
		expect(await requestLogged("after")).toBe(true);
		// Lines come in order: the request made at warn, answered before 'after', was never logged.
		expect(logged("quiet")).toBe(false);
	});
});
