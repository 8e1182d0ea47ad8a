import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

type Item = { value: unknown; editable: boolean };

/**
 * What a shell script does with the configuration: `curl -u admin:… $HARBOR/api/v2.0/configurations | jq 'map_values(.value)'`
 * to read, `curl -X PUT -H 'Content-Type: application/json' -d '{"session_timeout":30}'` to change one setting, and
 * the whole map read, edited and sent back.
 */
describe.each(engines)(
	"API scripts (curl) on the configuration against %s",
	(engine) => {
		let s: TestServer;
		const curl = (method: "GET" | "PUT", data?: string) =>
			fetch(`${s.url}/api/v2.0/configurations`, {
				method,
				headers: {
					Authorization: adminAuth,
					...(data === undefined ? {} : { "Content-Type": "application/json" }),
				},
				body: data,
			});
		/** jq: the `{value, editable}` entries as a flat map (`scan_all_policy` is an object of its own, not an item). */
		const flat = async () =>
			Object.fromEntries(
				Object.entries(
					(await (await curl("GET")).json()) as Record<string, Item>,
				)
					.filter(([, v]) => "value" in v)
					.map(([k, v]) => [k, v.value]),
			);

		beforeAll(async () => {
			s = await startTestServer(engine);
		});
		afterAll(() => stopTestServer(s));

		it("changes one setting with a one-line PUT and reads it back", async () => {
			const r = await curl("PUT", '{"session_timeout":30}');
			expect(r.status).toBe(200);
			expect(await r.text()).toBe("");
			expect((await flat()).session_timeout).toBe(30);
		});

		it("takes back the whole map it answered, edited in one place", async () => {
			const all = await flat();
			const r = await curl(
				"PUT",
				JSON.stringify({ ...all, token_expiration: 45 }),
			);
			expect(r.status, await r.clone().text()).toBe(200);
			expect(await flat()).toEqual({ ...all, token_expiration: 45 });
		});

		it("answers a typo in a key with a 400 that names it, in Harbor's error shape", async () => {
			const r = await curl("PUT", '{"session_timout":30}');
			expect(r.status).toBe(400);
			expect(await r.json()).toEqual({
				errors: [
					{
						code: "BAD_REQUEST",
						message: "session_timout: not a Harbor setting",
					},
				],
			});
		});
	},
);
