import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

describe.each(engines)("a fresh server on %s", (engine) => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer(engine);
	});
	afterAll(() => stopTestServer(s));

	it("answers /v2/ with a bearer challenge and the API version header", async () => {
		const r = await fetch(`${s.url}/v2/`);
		expect(r.status).toBe(401);
		expect(r.headers.get("docker-distribution-api-version")).toBe(
			"registry/2.0",
		);
		expect(r.headers.get("www-authenticate")).toMatch(
			/^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/service\/token",service="harbor-registry"$/,
		);
		expect(r.headers.get("x-request-id")).toBeTruthy();
	});

	it("lets admin in with basic auth", async () => {
		const r = await fetch(`${s.url}/v2/`, {
			headers: { Authorization: adminAuth },
		});
		expect(r.status).toBe(200);
	});
});
