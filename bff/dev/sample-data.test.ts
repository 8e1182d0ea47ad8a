import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	adminAuth,
	basic,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../test/harness.ts";
import { samplePassword, seedSampleData } from "./sample-data.ts";

describe("npm run seed's sample data", () => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer("sqlite");
	});
	afterAll(() => stopTestServer(s));
	const get = async <T>(path: string, auth = adminAuth) => {
		const r = await fetch(`${s.url}/api/v2.0${path}`, {
			headers: { Authorization: auth },
		});
		expect(r.status, path).toBe(200);
		return (await r.json()) as T;
	};

	it("fills a fresh Wharf with projects, members and artifacts of each kind, and seeding again changes nothing", async () => {
		const first = await seedSampleData(s.url, adminAuth);
		const seeded = [
			["demo/charts/hello", 1],
			["demo/web", 2],
			["library/base", 1],
			["library/hello", 1],
			["team-a/api", 1],
		];
		const repos = async () =>
			(
				await get<{ name: string; artifact_count: number }[]>(
					"/repositories?page_size=100",
				)
			)
				.map((r) => [r.name, r.artifact_count])
				.sort();
		expect(await repos()).toEqual(seeded);
		const web = await get<
			{
				type: string;
				tags: { name: string }[] | null;
				accessories: { type: string }[] | null;
			}[]
		>(
			"/projects/demo/repositories/web/artifacts?with_tag=true&with_accessory=true",
		);
		expect(
			web.map((a) => [
				a.type,
				(a.tags ?? []).map((t) => t.name).sort(),
				(a.accessories ?? []).map((x) => x.type).sort(),
			]),
		).toEqual(
			expect.arrayContaining([
				["IMAGE", ["latest", "v2"], ["sbom.harbor", "signature.cosign"]],
				["IMAGE", ["v1"], []],
			]),
		);
		const [chart] = await get<{ type: string }[]>(
			"/projects/demo/repositories/charts%252Fhello/artifacts",
		);
		expect(chart.type).toBe("CHART");
		const members = await get<{ entity_name: string; role_name: string }[]>(
			"/projects/team-a/members",
		);
		expect(members.map((m) => [m.entity_name, m.role_name]).sort()).toEqual([
			["admin", "projectAdmin"],
			["alice", "developer"],
			["bob", "guest"],
			["carol", "projectAdmin"],
		]);
		// The sample users sign in with the sample password; bob, a guest of the private team-a, sees it.
		expect(
			(
				await get<{ name: string }[]>(
					"/projects?name=team-a",
					basic("bob", samplePassword),
				)
			).map((p) => p.name),
		).toEqual(["team-a"]);

		expect(await seedSampleData(s.url, adminAuth)).toEqual(first);
		expect(await repos()).toEqual(seeded);
	});
});
