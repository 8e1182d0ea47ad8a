import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * Issue 9, finding 14: a path that is not valid percent-encoding (`%ff`) or a number the database cannot take
 * (`page=1e20`) answered 500 and logged a stack trace. It is the client's mistake: 400 in the surface's own error body,
 * and nothing logged at error level.
 */
describe.each(engines)("bad input answers 400 (%s)", (engine) => {
	let s: TestServer;
	let log = "";
	const sink = new Writable({
		write(chunk, _enc, done) {
			log += String(chunk);
			done();
		},
	});
	const errorLines = () =>
		log
			.split("\n")
			.filter(Boolean)
			.filter((l) => (JSON.parse(l) as { level: number }).level >= 50);

	beforeAll(async () => {
		s = await startTestServer(
			engine,
			{ WHARF_LOG_LEVEL: "info" },
			undefined,
			pino({ level: "info" }, sink),
		);
	});
	afterAll(() => stopTestServer(s));
	beforeEach(() => {
		log = "";
	});

	const get = (path: string) =>
		fetch(`${s.url}${path}`, { headers: { Authorization: adminAuth } });

	// Harbor's BAD_REQUEST on /api/v2.0; the OCI error on /v2 (the registry's own code for a bad parameter).
	it.each([
		["/api/v2.0/projects/%ff", "BAD_REQUEST"],
		["/api/v2.0/projects/library/repositories/%ff/artifacts", "BAD_REQUEST"],
		[
			"/api/v2.0/projects/library/repositories/app/artifacts/%ff",
			"BAD_REQUEST",
		],
		["/api/v2.0/users/current/permissions?scope=/project/%25ff", "BAD_REQUEST"],
		["/api/v2.0/projects?page=1e20", "BAD_REQUEST"],
		["/api/v2.0/projects?page=9007199254740993", "BAD_REQUEST"],
		["/api/v2.0/audit-logs?page=1e20", "BAD_REQUEST"],
		["/api/v2.0/projects?page_size=0x10", "BAD_REQUEST"],
		["/api/v2.0/projects?page=%201", "BAD_REQUEST"],
		["/api/v2.0/users/3000000000", "BAD_REQUEST"],
		["/api/v2.0/labels/3000000000", "BAD_REQUEST"],
		["/api/v2.0/repositories?q=project_id%3D1e20", "BAD_REQUEST"],
		["/v2/_catalog?n=1e20", "UNSUPPORTED"],
		["/v2/_catalog?n=0x10", "UNSUPPORTED"],
		["/v2/_catalog?n=%201", "UNSUPPORTED"],
	])("%s is a 400 %s, logged as no error", async (path, code) => {
		const r = await get(path);
		expect(r.status, path).toBe(400);
		const body = (await r.json()) as {
			errors: { code: string; message: string }[];
		};
		expect(body.errors[0].code).toBe(code);
		expect(errorLines()).toEqual([]);
	});

	it("still takes the largest page and id it allows", async () => {
		expect(
			(await get("/api/v2.0/projects?page=2147483647&page_size=100")).status,
		).toBe(200);
		expect((await get("/api/v2.0/projects/2147483647")).status).toBe(404);
		expect((await get("/api/v2.0/projects/99999999999999999999")).status).toBe(
			404,
		);
		expect((await get("/v2/_catalog?n=1000")).status).toBe(200);
		expect(errorLines()).toEqual([]);
	});
});
