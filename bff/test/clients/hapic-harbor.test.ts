import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject } from "../api-fixtures.ts";
import { client } from "../distribution-helpers.ts";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * `@hapic/harbor` (tada5hi/hapic, packages/harbor) as it puts its calls on the wire: paths relative to
 * `<host>/api/v2.0/`, basic auth, and a `q` object turned into a query string by URLSearchParams twice over (each
 * value through encodeURIComponent, the pairs through URLSearchParams, that string through URLSearchParams again).
 */
const hapicQuery = (
	query: Record<string, string | number | Record<string, string>>,
) => {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		if (typeof value !== "object") {
			params.append(key, String(value));
			continue;
		}
		const inner = new URLSearchParams();
		for (const [k, v] of Object.entries(value))
			inner.append(k, encodeURIComponent(v));
		params.append(key, inner.toString());
	}
	return `?${params}`;
};

describe.each(engines)("@hapic/harbor against %s", (engine) => {
	let s: TestServer;
	const hapic = (path: string) =>
		fetch(`${s.url}/api/v2.0/${path}`, {
			headers: { Authorization: adminAuth },
		});

	beforeAll(async () => {
		s = await startTestServer(engine);
		await addProject(s, "hapic");
		for (const repo of ["hapic/web-app", "hapic/worker"])
			await client(s).pushImage(repo, "v1");
		for (let i = 0; i < 3; i++) await addProject(s, `hapic-extra-${i}`);
	});
	afterAll(() => stopTestServer(s));

	it("writes q the way the replays below send it", () => {
		expect(hapicQuery({ q: { name: "~worker" }, page_size: 1 })).toBe(
			"?q=name%3D%257Eworker&page_size=1",
		);
	});

	it('projectRepository.findOne("hapic/worker"): a fuzzy name, unescaped twice, finds the repository', async () => {
		const r = await hapic(
			`projects/hapic/repositories${hapicQuery({ q: { name: "~worker" }, page_size: 1 })}`,
		);
		expect(r.status).toBe(200);
		expect(((await r.json()) as { name: string }[]).map((x) => x.name)).toEqual(
			["hapic/worker"],
		);
		expect(r.headers.get("x-total-count")).toBe("1");
	});

	it("projectRepository.findOne of a repository that does not exist finds nothing", async () => {
		const r = await hapic(
			`projects/hapic/repositories${hapicQuery({ q: { name: "~nothing-here" }, page_size: 1 })}`,
		);
		expect(r.status).toBe(200);
		expect(await r.json()).toEqual([]);
	});

	it("project.getAll: pages of page_size until a short page, the total in X-Total-Count", async () => {
		const seen: string[] = [];
		for (let page = 1; ; page++) {
			const r = await hapic(
				`projects${hapicQuery({ page_size: 2, page, q: { name: "~hapic" } })}`,
			);
			expect(r.status).toBe(200);
			expect(r.headers.get("x-total-count")).toBe("4");
			const items = (await r.json()) as { name: string }[];
			seen.push(...items.map((p) => p.name));
			if (items.length < 2) break;
		}
		expect(seen.sort()).toEqual([
			"hapic",
			"hapic-extra-0",
			"hapic-extra-1",
			"hapic-extra-2",
		]);
	});
});
