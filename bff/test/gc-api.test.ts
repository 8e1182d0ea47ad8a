import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, api as apiOf } from "./api-fixtures.ts";
import { client, sleep } from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { systemRuns } from "./system-run-fixtures.ts";

describe.each(engines)("the gc API on %s", (engine) => {
	let s: TestServer;
	let api: ReturnType<typeof apiOf>;
	let userAuth: string;

	beforeAll(async () => {
		s = await startTestServer(engine, { GC_TIME_WINDOW_HOURS: "0" });
		api = apiOf(s);
		userAuth = (await addUser(s, "dev")).auth;
	});
	afterAll(() => stopTestServer(s));

	const { run, finished } = systemRuns(() => api, "/system/gc");

	it("refuses everyone but system admins", async () => {
		for (const [method, path] of [
			["GET", "/system/gc"],
			["GET", "/system/gc/schedule"],
			["POST", "/system/gc/schedule"],
			["PUT", "/system/gc/1"],
			["GET", "/system/gc/1/log"],
		]) {
			const r = await api(path, {
				method,
				auth: userAuth,
				...(method === "POST"
					? { json: { schedule: { type: "Manual" } } }
					: {}),
			});
			expect(r.status, `${method} ${path}`).toBe(403);
		}
		expect((await api("/system/gc", { auth: null })).status).toBe(401);
	});

	it("sets, reads, changes and removes the schedule; a bad cron or bad parameters are 400", async () => {
		expect(await (await api("/system/gc/schedule")).json()).toEqual({});
		const daily = await api("/system/gc/schedule", {
			method: "POST",
			json: {
				schedule: { type: "Daily" },
				parameters: { delete_untagged: true, workers: 3 },
			},
		});
		expect(daily.status).toBe(201);
		const got = await (await api("/system/gc/schedule")).json();
		expect(got).toMatchObject({
			job_name: "GARBAGE_COLLECTION",
			schedule: { type: "Daily", cron: "0 0 0 * * *" },
		});
		expect(JSON.parse(got.job_parameters)).toEqual({
			delete_untagged: true,
			dry_run: false,
			workers: 3,
		});
		expect(Date.parse(got.schedule.next_scheduled_time)).toBeGreaterThan(
			Date.now(),
		);
		expect(
			(
				await api("/system/gc/schedule", {
					method: "PUT",
					json: { schedule: { type: "Custom", cron: "0 30 2 * * 1" } },
				})
			).status,
		).toBe(200);
		expect(
			(await (await api("/system/gc/schedule")).json()).schedule,
		).toMatchObject({ type: "Custom", cron: "0 30 2 * * 1" });
		// The job system's schedule list shows it too.
		expect(
			(await (await api("/schedules")).json()).map(
				(r: { vendor_type: string }) => r.vendor_type,
			),
		).toContain("GARBAGE_COLLECTION");
		for (const body of [
			{ schedule: { type: "Custom", cron: "every day" } },
			{ schedule: { type: "Custom" } },
			{ schedule: { type: "Sometimes" } },
			{ schedule: { type: "Daily" }, parameters: { workers: 9 } },
			{ schedule: { type: "Daily" }, parameters: { dry_run: "yes" } },
		]) {
			const r = await api("/system/gc/schedule", { method: "PUT", json: body });
			expect(r.status, JSON.stringify(body)).toBe(400);
			expect((await r.json()).errors[0].code).toBe("BAD_REQUEST");
		}
		expect(
			(await (await api("/system/gc/schedule")).json()).schedule.cron,
		).toBe("0 30 2 * * 1");
		expect(
			(
				await api("/system/gc/schedule", {
					method: "PUT",
					json: { schedule: { type: "None" } },
				})
			).status,
		).toBe(200);
		expect(await (await api("/system/gc/schedule")).json()).toEqual({});
	});

	it("runs a dry run and a real run that frees a deleted image, with history and log", async () => {
		const c = client(s);
		const image = await c.pushImage("library/gc-api", "v1");
		const del = await api(
			`/projects/library/repositories/gc-api/artifacts/${image.digest}`,
			{ method: "DELETE" },
		);
		expect(del.status).toBe(200);

		const dry = await finished(await run({ dry_run: true }));
		expect(dry).toMatchObject({
			job_kind: "Manual",
			job_status: "Success",
			blobs_deleted: 3,
			deleted: false,
		});
		expect(JSON.parse(dry.job_parameters)).toMatchObject({ dry_run: true });
		expect(
			(await c.call(`/v2/library/gc-api/blobs/${image.layer}`)).status,
		).toBe(200);

		const id = await run({ workers: 2 });
		const done = await finished(id);
		expect(done).toMatchObject({
			id,
			job_name: "GARBAGE_COLLECTION",
			job_status: "Success",
			blobs_deleted: 3,
			freed_bytes: dry.freed_bytes,
		});
		expect(done.freed_bytes).toBeGreaterThan(512);
		expect(
			(await c.call(`/v2/library/gc-api/blobs/${image.layer}`)).status,
		).toBe(404);
		const log = await api(`/system/gc/${id}/log`);
		expect(log.headers.get("content-type")).toMatch(/^text\/plain/);
		const text = await log.text();
		expect(text).toContain(`deleted blob ${image.layer}`);
		expect(text).toMatch(/deleted 3 blobs/);

		const list = await api("/system/gc?page=1&page_size=1");
		expect(list.headers.get("x-total-count")).toBe("2");
		expect((await list.json())[0].id).toBe(id);
		expect((await api("/system/gc/999999")).status).toBe(404);
		await expect
			.poll(() =>
				s.db
					.selectFrom("audit_logs")
					.select(["resource", "operation"])
					.where("resource_type", "=", "garbage_collection")
					.execute(),
			)
			.toEqual(
				expect.arrayContaining([
					{ resource: `gc #${id}`, operation: "create" },
					{ resource: "gc schedule None", operation: "update" },
				]),
			);
	});

	it("refuses a second run while one is pending or running, and stops it", async () => {
		await s.jobs.act("GARBAGE_COLLECTION", "pause");
		try {
			const id = await run();
			const again = await api("/system/gc/schedule", {
				method: "POST",
				json: { schedule: { type: "Manual" } },
			});
			expect(again.status).toBe(409);
			expect((await again.json()).errors[0].code).toBe("CONFLICT");
			expect((await api(`/system/gc/${id}`, { method: "PUT" })).status).toBe(
				200,
			);
			expect((await (await api(`/system/gc/${id}`)).json()).job_status).toBe(
				"Stopped",
			);
		} finally {
			await s.jobs.act("GARBAGE_COLLECTION", "resume");
		}
		// The lock went with it: the next run starts.
		expect((await finished(await run())).job_status).toBe("Success");
	});

	it("a schedule that fires runs a GC of kind Schedule with the schedule's parameters", async () => {
		expect(
			(
				await api("/system/gc/schedule", {
					method: "PUT",
					json: {
						schedule: { type: "Hourly" },
						parameters: { dry_run: true, workers: 2 },
					},
				})
			).status,
		).toBe(200);
		// Due now, as if the hour had come.
		await s.db
			.updateTable("schedules")
			.set({ next_run: new Date(Date.now() - 1000).toISOString() })
			.where("vendor_type", "=", "GARBAGE_COLLECTION")
			.execute();
		await s.jobs.schedules.tick();
		let run:
			| {
					id: number;
					job_kind: string;
					job_status: string;
					job_parameters: string;
			  }
			| undefined;
		for (let i = 0; i < 300 && !(run && run.job_status === "Success"); i++) {
			run = ((await (await api("/system/gc")).json()) as (typeof run)[]).find(
				(r) => r!.job_kind === "Schedule",
			);
			await sleep(50);
		}
		expect(run).toMatchObject({ job_kind: "Schedule", job_status: "Success" });
		expect(JSON.parse(run!.job_parameters)).toEqual({
			delete_untagged: false,
			dry_run: true,
			workers: 2,
		});
		await api("/system/gc/schedule", {
			method: "PUT",
			json: { schedule: { type: "None" } },
		});
	});

	it("a HEAD that finds a blob renews its stale link, so the manifest the client sends next finds it kept by the window", async () => {
		const c = client(s);
		const digest = await c.pushBlob(
			"library/gc-head",
			Buffer.from("layer bytes"),
		);
		const old = new Date(Date.now() - 3 * 3600_000).toISOString();
		await s.db
			.updateTable("repository_blobs")
			.set({ linked_at: old })
			.where("digest", "=", digest)
			.execute();
		expect(
			(await c.call(`/v2/library/gc-head/blobs/${digest}`, { method: "HEAD" }))
				.status,
		).toBe(200);
		const link = await s.db
			.selectFrom("repository_blobs")
			.select("linked_at")
			.where("digest", "=", digest)
			.executeTakeFirstOrThrow();
		expect(Date.now() - Date.parse(link.linked_at)).toBeLessThan(60_000);
	});

	it("stops a running GC: it ends Stopped with what it did, lets go of the lock, and the next run collects the rest", async () => {
		// 20,000 garbage blobs (rows and old links, no files: GC deletes by digest whether or not bytes are there).
		await client(s).pushBlob(
			"library/gc-stop",
			Buffer.from("makes the repository"),
		);
		const repo = await s.db
			.selectFrom("repositories")
			.select("id")
			.where("name", "=", "library/gc-stop")
			.executeTakeFirstOrThrow();
		const old = new Date(Date.now() - 3 * 3600_000).toISOString();
		const digests = Array.from(
			{ length: 20_000 },
			(_, i) => `sha256:e${i.toString(16).padStart(63, "0")}`,
		);
		for (let i = 0; i < digests.length; i += 500) {
			const slice = digests.slice(i, i + 500);
			await s.db
				.insertInto("blobs")
				.values(
					slice.map((digest) => ({
						digest,
						size: 10,
						media_type: "x",
						creation_time: old,
					})),
				)
				.execute();
			await s.db
				.insertInto("repository_blobs")
				.values(
					slice.map((digest) => ({
						repository_id: repo.id,
						digest,
						linked_at: old,
					})),
				)
				.execute();
		}
		const left = async () =>
			Number(
				(
					await s.db
						.selectFrom("blobs")
						.select((eb) => eb.fn.countAll<number>().as("n"))
						.where("media_type", "=", "x")
						.executeTakeFirstOrThrow()
				).n,
			);
		const id = await run({ workers: 1 });
		for (
			let i = 0;
			i < 400 &&
			(await (await api(`/system/gc/${id}`)).json()).job_status !== "Running";
			i++
		)
			await sleep(10);
		expect((await api(`/system/gc/${id}`, { method: "PUT" })).status).toBe(200);
		const stopped = await finished(id);
		expect(stopped.job_status).toBe("Stopped");
		expect(stopped.blobs_deleted).toBeLessThan(20_000);
		expect(await left()).toBeGreaterThan(0);
		expect(await (await api(`/system/gc/${id}/log`)).text()).toContain(
			"stopped",
		);
		expect(
			await s.db
				.selectFrom("blobs")
				.select("digest")
				.where("deleting", "=", 1)
				.execute(),
		).toEqual([]);
		const next = await finished(await run({ workers: 5 }));
		expect(next.job_status).toBe("Success");
		expect(await left()).toBe(0);
	});
});
