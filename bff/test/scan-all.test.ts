import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRefused } from "./api-assertions.ts";
import { addProject, addUser, api } from "./api-fixtures.ts";
import { client } from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { eventually } from "./replication-fixtures.ts";
import { type ScannerAdapter, startScannerAdapter } from "./scanner-adapter.ts";

type Stats = {
	total: number;
	completed: number;
	metrics: Record<string, number>;
	ongoing: boolean;
	trigger: string;
};

describe.each(engines)("scan all on %s", (engine) => {
	let s: TestServer;
	let call: ReturnType<typeof api>;
	let adapter: ScannerAdapter;
	let userAuth: string;

	beforeAll(async () => {
		[s, adapter] = await Promise.all([
			startTestServer(engine),
			startScannerAdapter({
				report: () => ({
					vulnerabilities: [
						{
							id: "CVE-2024-1",
							package: "p",
							version: "1",
							severity: "Medium",
						},
					],
				}),
			}),
		]);
		call = api(s);
		userAuth = (await addUser(s, "dev")).auth;
		await addProject(s, "one");
		await addProject(s, "two");
		const v2 = client(s);
		await v2.pushImage("one/a", "v1");
		await v2.pushImage("one/a", "v2");
		await v2.pushImage("two/b", "v1");
		expect(
			(
				await call("/scanners", {
					method: "POST",
					json: { name: "Test", url: adapter.url },
				})
			).status,
		).toBe(201);
	});
	afterAll(async () => {
		await stopTestServer(s);
		await adapter.close();
	});

	it("is for system admins only", async () => {
		for (const [method, path] of [
			["GET", "/system/scanAll/schedule"],
			["POST", "/system/scanAll/schedule"],
			["PUT", "/system/scanAll/schedule"],
			["POST", "/system/scanAll/stop"],
			["GET", "/scans/all/metrics"],
			["GET", "/scans/schedule/metrics"],
		]) {
			expect(
				(
					await call(path, {
						method,
						auth: userAuth,
						json:
							method === "GET" ? undefined : { schedule: { type: "Manual" } },
					})
				).status,
				`${method} ${path}`,
			).toBe(403);
		}
	});

	it("sets and removes the schedule; a bad one is 400", async () => {
		expect(await (await call("/system/scanAll/schedule")).json()).toEqual({});
		expect(
			(
				await call("/system/scanAll/schedule", {
					method: "PUT",
					json: { schedule: { type: "Daily" } },
				})
			).status,
		).toBe(200);
		expect(
			(
				(await (await call("/system/scanAll/schedule")).json()) as {
					schedule: Record<string, string>;
				}
			).schedule,
		).toMatchObject({ type: "Daily", cron: "0 0 0 * * *" });
		await expectRefused(
			await call("/system/scanAll/schedule", {
				method: "PUT",
				json: { schedule: { type: "Custom", cron: "often" } },
			}),
			400,
			/invalid cron/,
		);
		expect(
			(
				await call("/system/scanAll/schedule", {
					method: "PUT",
					json: { schedule: { type: "None" } },
				})
			).status,
		).toBe(200);
		expect(await (await call("/system/scanAll/schedule")).json()).toEqual({});
	});

	it("scans every image now and counts the outcomes in the latest run's metrics", async () => {
		expect(await (await call("/scans/all/metrics")).json()).toEqual({
			total: 0,
			completed: 0,
			metrics: {},
			ongoing: false,
			trigger: "Manual",
		});
		await expectRefused(
			await call("/system/scanAll/stop", { method: "POST" }),
			400,
			/no scan all is running/,
		);
		const started = await call("/system/scanAll/schedule", {
			method: "POST",
			json: { schedule: { type: "Manual" } },
		});
		expect(started.status).toBe(201);
		const done = await eventually(
			async () => {
				const m = (await (await call("/scans/all/metrics")).json()) as Stats;
				return m.ongoing ? undefined : m;
			},
			30_000,
			"the scan all to end",
		);
		expect(done).toEqual({
			total: 3,
			completed: 3,
			metrics: { Success: 3 },
			ongoing: false,
			trigger: "Manual",
		});
		expect(
			adapter.requests.map((r) => r.body.artifact.repository).sort(),
		).toEqual(["one/a", "one/a", "two/b"]);
		const list = (await (
			await call(
				"/projects/two/repositories/b/artifacts?with_scan_overview=true",
			)
		).json()) as { scan_overview: Record<string, { severity: string }> }[];
		expect(Object.values(list[0].scan_overview)[0].severity).toBe("Medium");
		expect(await (await call("/scans/schedule/metrics")).json()).toMatchObject({
			total: 0,
			trigger: "Schedule",
		});
	});
});
