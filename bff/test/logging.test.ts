import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login } from "./api-fixtures.ts";
import { sleep } from "./distribution-helpers.ts";
import {
	adminAuth,
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

/** Request logs say who asked what and how it ended; never a password, cookie, session, CSRF or bearer token. */
describe("request logs", () => {
	let s: TestServer;
	let log = "";
	const sink = new Writable({
		write(chunk, _enc, done) {
			log += String(chunk);
			done();
		},
	});

	beforeAll(async () => {
		s = await startTestServer(
			"sqlite",
			{},
			undefined,
			pino({ level: "info" }, sink),
		);
	});
	afterAll(() => stopTestServer(s));

	it("keep credentials and session secrets out of every line", async () => {
		const signedIn = await login(s);
		expect(signedIn.status).toBe(200);
		const sid = signedIn.headers.get("set-cookie")!.split(";")[0];
		const csrf = signedIn.headers.get("x-harbor-csrf-token")!;
		const current = await fetch(`${s.url}/api/v2.0/users/current`, {
			headers: { Cookie: sid },
		});
		expect(current.status).toBe(200);
		const token = await fetch(
			`${s.url}/service/token?service=harbor-registry&scope=repository:library/app:pull`,
			{ headers: { Authorization: adminAuth } },
		);
		const bearer = ((await token.json()) as { token: string }).token;
		expect(
			(
				await fetch(`${s.url}/v2/`, {
					headers: { Authorization: `Bearer ${bearer}` },
				})
			).status,
		).toBe(200);
		await sleep(100);

		// The requests that carried each secret are in the log, so their absence below means something.
		expect(log).toContain("/api/v2.0/users/current");
		const logged = log
			.split("\n")
			.filter(Boolean)
			.map(
				(l) => (JSON.parse(l) as { req?: { method: string; url: string } }).req,
			)
			.flatMap((req) =>
				req ? [`${req.method} ${req.url.split("?")[0]}`] : [],
			);
		expect(logged).toEqual(
			expect.arrayContaining([
				"POST /c/login",
				"GET /api/v2.0/users/current",
				"GET /service/token",
				"GET /v2/",
			]),
		);
		for (const secret of [
			adminPassword,
			sid.split("=")[1],
			csrf,
			bearer,
			adminAuth.split(" ")[1],
		])
			expect(log).not.toContain(secret);
	});
});
