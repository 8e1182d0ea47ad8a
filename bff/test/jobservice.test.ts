import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiErrorHandler } from "../api/errors.ts";
import { CronError, nextFire } from "../jobs/cron.ts";
import {
	dropRedisPrefixes,
	testRedisUrl as redisUrl,
	untilAborted,
	waitFor,
} from "../jobs/job-test-fixtures.ts";
import { addUser, api as apiOf } from "./api-fixtures.ts";
import {
	basic,
	type Engine,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const setups: { name: string; engine: Engine; redis: boolean }[] = [
	{ name: "database on sqlite", engine: "sqlite", redis: false },
	{ name: "database on postgres", engine: "postgres", redis: false },
	{ name: "bullmq on redis", engine: "sqlite", redis: true },
];

describe.each(setups)(
	"the job service API with jobs in the $name",
	({ engine, redis }) => {
		const prefix = `wharf-api-test-${randomBytes(4).toString("hex")}`;
		const env: Record<string, string> = redis
			? { REDIS_URL: redisUrl, WHARF_REDIS_PREFIX: prefix }
			: {};
		let s: TestServer;
		let api: ReturnType<typeof apiOf>;
		let user: string;
		const release = new Set<() => void>();

		beforeAll(async () => {
			s = await startTestServer(engine, env);
			api = apiOf(s);
			user = (await addUser(s, "watcher")).auth;
			s.jobs.register("DEMO", {
				concurrency: 1,
				handler: async (ctx) => {
					await ctx.log("copying");
					await ctx.progress(40);
					await new Promise<void>((resolve, reject) => {
						release.add(resolve);
						ctx.signal.addEventListener("abort", () =>
							reject(ctx.signal.reason),
						);
					});
				},
			});
		});
		afterEach(() => {
			for (const r of release) r();
			release.clear();
		});
		afterAll(async () => {
			await stopTestServer(s);
			if (redis) await dropRedisPrefixes([prefix]);
		});

		it("shows pools, queues, running workers with progress, and a job's log; stops the job", async () => {
			const pools = await (await api("/jobservice/pools")).json();
			// The pool's concurrency sums every registered type's (DEMO's 1 and Wharf's own job types).
			expect(pools).toEqual([
				expect.objectContaining({
					pid: process.pid,
					worker_pool_id: s.jobs.pool.id,
					concurrency: s.jobs.pool.concurrency(),
				}),
			]);

			const id = await s.jobs.enqueue("DEMO", { n: 1 });
			const second = await s.jobs.enqueue("DEMO", { n: 2 });
			await waitFor(
				"the job to report progress",
				async () => (await s.jobs.get(id))?.progress === 40,
			);
			const queues = await (await api("/jobservice/queues")).json();
			// Wharf's own job types (replication…) are listed too, with nothing waiting.
			expect(queues).toContainEqual({
				job_type: "DEMO",
				count: 1,
				latency: expect.any(Number),
				paused: false,
			});
			expect(
				(queues as { job_type: string; count: number }[]).filter(
					(q) => q.job_type !== "DEMO" && q.count > 0,
				),
			).toEqual([]);
			const workers = await (await api("/jobservice/pools/all/workers")).json();
			expect(workers).toEqual([
				expect.objectContaining({
					job_name: "DEMO",
					job_id: id,
					check_in: "40%",
				}),
			]);
			expect(
				await (
					await api(
						`/jobservice/pools/${encodeURIComponent(s.jobs.pool.id)}/workers`,
					)
				).json(),
			).toHaveLength(1);
			expect((await api("/jobservice/pools/no-such-pool/workers")).status).toBe(
				404,
			);

			const log = await api(`/jobservice/jobs/${id}/log`);
			expect(log.status).toBe(200);
			expect(log.headers.get("content-type")).toMatch(/^text\/plain/);
			expect(await log.text()).toBe("copying\n");

			expect(
				(await api(`/jobservice/jobs/${id}`, { method: "PUT" })).status,
			).toBe(200);
			await waitFor(
				"the job to stop",
				async () => (await s.jobs.get(id))?.status === "stopped",
			);
			expect(await (await api(`/jobservice/jobs/${id}/log`)).text()).toBe(
				"copying\nstopped\n",
			);
			// The queue's next job then runs; stopping the whole queue stops it too.
			await waitFor(
				"the next job to run",
				async () => (await s.jobs.get(second))?.status === "running",
			);
			expect(
				(
					await api("/jobservice/queues/DEMO", {
						method: "PUT",
						json: { action: "stop" },
					})
				).status,
			).toBe(200);
			await waitFor(
				"the queue to be stopped",
				async () => (await s.jobs.get(second))?.status === "stopped",
			);

			expect(
				(await api("/jobservice/jobs/424242", { method: "PUT" })).status,
			).toBe(404);
			expect((await api("/jobservice/jobs/424242/log")).status).toBe(404);
		});

		it("pauses and resumes a queue and the scheduler, refusing unknown actions and queues", async () => {
			const put = (type: string, json: unknown) =>
				api(`/jobservice/queues/${type}`, { method: "PUT", json });
			expect((await put("DEMO", { action: "pause" })).status).toBe(200);
			expect((await (await api("/jobservice/queues")).json())[0]).toMatchObject(
				{ job_type: "DEMO", paused: true },
			);
			expect(await (await api("/schedules/all/paused")).json()).toEqual({
				paused: false,
			});
			expect((await put("all", { action: "pause" })).status).toBe(200);
			expect(await (await api("/schedules/all/paused")).json()).toEqual({
				paused: true,
			});
			expect((await put("all", { action: "resume" })).status).toBe(200);
			expect((await (await api("/jobservice/queues")).json())[0]).toMatchObject(
				{ paused: false },
			);
			expect(await (await api("/schedules/all/paused")).json()).toEqual({
				paused: false,
			});

			expect((await put("SCHEDULER", { action: "pause" })).status).toBe(200);
			expect(await (await api("/schedules/all/paused")).json()).toEqual({
				paused: true,
			});
			expect((await (await api("/jobservice/queues")).json())[0]).toMatchObject(
				{ job_type: "DEMO", paused: false },
			);
			expect((await put("SCHEDULER", { action: "resume" })).status).toBe(200);
			expect(await (await api("/schedules/all/paused")).json()).toEqual({
				paused: false,
			});
			expect((await put("SCHEDULER", { action: "stop" })).status).toBe(422);

			expect((await put("DEMO", { action: "explode" })).status).toBe(422);
			expect((await put("NO_SUCH_TYPE", { action: "pause" })).status).toBe(404);
			expect((await api("/schedules/DEMO/paused")).status).toBe(400);
		});

		it("lists schedules as Harbor's ScheduleTask, with pages", async () => {
			await s.jobs.schedules.set("DEMO", 3, "0 0 2 * * *", { policy: 3 });
			await s.jobs.schedules.set("DEMO", 4, "0 30 * * * *");
			const r = await api("/schedules?page=1&page_size=1");
			expect(r.headers.get("x-total-count")).toBe("2");
			expect(r.headers.get("link")).toContain('rel="next"');
			expect(await r.json()).toEqual([
				{
					id: expect.any(Number),
					vendor_type: "DEMO",
					vendor_id: 3,
					cron: "0 0 2 * * *",
					update_time: expect.any(String),
				},
			]);
			await s.jobs.schedules.remove("DEMO", 3);
			await s.jobs.schedules.remove("DEMO", 4);
		});

		it("is for system admins and robots granted jobservice-monitor", async () => {
			expect((await api("/jobservice/queues", { auth: null })).status).toBe(
				401,
			);
			expect((await api("/jobservice/queues", { auth: user })).status).toBe(
				403,
			);
			expect((await api("/schedules", { auth: user })).status).toBe(403);
			const created = await api("/robots", {
				method: "POST",
				json: {
					name: "job-watcher",
					level: "system",
					duration: -1,
					permissions: [
						{
							kind: "system",
							namespace: "/",
							access: [{ resource: "jobservice-monitor", action: "list" }],
						},
					],
				},
			});
			const { name, secret } = (await created.json()) as {
				name: string;
				secret: string;
			};
			const robot = basic(name, secret);
			expect((await api("/jobservice/queues", { auth: robot })).status).toBe(
				200,
			);
			expect((await api("/schedules", { auth: robot })).status).toBe(200);
			expect(
				(
					await api("/jobservice/queues/DEMO", {
						method: "PUT",
						json: { action: "pause" },
						auth: robot,
					})
				).status,
			).toBe(403);
			const stopper = await api("/robots", {
				method: "POST",
				json: {
					name: "job-stopper",
					level: "system",
					duration: -1,
					permissions: [
						{
							kind: "system",
							namespace: "/",
							access: [{ resource: "jobservice-monitor", action: "stop" }],
						},
					],
				},
			});
			const granted = (await stopper.json()) as {
				name: string;
				secret: string;
			};
			const stopAuth = basic(granted.name, granted.secret);
			expect(
				(
					await api("/jobservice/queues/DEMO", {
						method: "PUT",
						json: { action: "pause" },
						auth: stopAuth,
					})
				).status,
			).toBe(200);
			expect(
				(
					await api("/jobservice/queues/DEMO", {
						method: "PUT",
						json: { action: "resume" },
						auth: stopAuth,
					})
				).status,
			).toBe(200);
			expect(
				(
					await api("/jobservice/jobs/424242", {
						method: "PUT",
						auth: stopAuth,
					})
				).status,
			).toBe(404);
			expect((await api("/jobservice/queues", { auth: stopAuth })).status).toBe(
				403,
			);
		});
	},
);

describe.each(setups)(
	"a restart with jobs in the $name",
	({ engine, redis }) => {
		const prefix = `wharf-restart-test-${randomBytes(4).toString("hex")}`;
		const env: Record<string, string> = redis
			? { REDIS_URL: redisUrl, WHARF_REDIS_PREFIX: prefix }
			: {};
		let s: TestServer | undefined;
		afterAll(async () => {
			await stopTestServer(s);
			if (redis) await dropRedisPrefixes([prefix]);
		});

		it("resumes the queued and the running job", async () => {
			const first = await startTestServer(engine, env);
			s = first;
			let started = false;
			first.jobs.register("RESUMABLE", {
				concurrency: 1,
				handler: async (ctx) => {
					started = true;
					await untilAborted(ctx);
				},
			});
			const running = await first.jobs.enqueue("RESUMABLE", { n: 1 });
			const queued = await first.jobs.enqueue("RESUMABLE", { n: 2 });
			await waitFor("the first job to run", () => started);
			await stopTestServer(first, { keepData: true });

			s = await startTestServer(engine, env, {
				dataDir: first.dataDir,
				schema: first.schema,
			});
			const done: unknown[] = [];
			s.jobs.register("RESUMABLE", {
				concurrency: 1,
				handler: async (ctx) => {
					done.push(ctx.payload);
				},
			});
			await waitFor(
				"both jobs to finish",
				async () =>
					(await s!.jobs.get(running))?.status === "success" &&
					(await s!.jobs.get(queued))?.status === "success",
			);
			// BullMQ puts the interrupted job back behind the waiting one; the database keeps the order.
			expect(done).toHaveLength(2);
			expect(done).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
		});
	},
);

describe("a cron that does not parse", () => {
	it("is a 400 that says what Harbor's cron looks like", async () => {
		const app = express();
		app.get("/api/schedule", () => {
			nextFire("0 0 * * *", new Date());
		});
		app.use(apiErrorHandler);
		const server = http.createServer(app);
		await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
		try {
			const r = await fetch(
				`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/schedule`,
			);
			expect(r.status).toBe(400);
			const { errors } = (await r.json()) as {
				errors: { code: string; message: string }[];
			};
			expect(errors[0].code).toBe("BAD_REQUEST");
			expect(errors[0].message).toMatch(
				/^invalid cron "0 0 \* \* \*": .*six fields, seconds first/,
			);
		} finally {
			server.closeAllConnections();
			await new Promise((r) => server.close(r));
		}
		expect(() => nextFire("0 0 * * *", new Date())).toThrow(CronError);
	});
});

describe("worker pools across replicas on one database", () => {
	let a: TestServer;
	let b: TestServer | undefined;

	beforeAll(async () => {
		a = await startTestServer("postgres");
		b = await startTestServer(
			"postgres",
			{},
			{ dataDir: a.dataDir, schema: a.schema },
		);
	});
	afterAll(async () => {
		await stopTestServer(b, { keepData: true });
		await stopTestServer(a);
	});

	const poolIds = async (s: TestServer) =>
		(
			(await (await apiOf(s)("/jobservice/pools")).json()) as {
				worker_pool_id: string;
			}[]
		)
			.map((p) => p.worker_pool_id)
			.sort();

	it("lists every live replica's pool from any of them, and forgets one that stopped or whose heartbeat ran out", async () => {
		const both = [a.jobs.pool.id, b!.jobs.pool.id].sort();
		expect(await poolIds(a)).toEqual(both);
		expect(await poolIds(b!)).toEqual(both);
		// Another replica's pool is a pool: its workers are asked for by its id.
		expect(
			(
				await apiOf(a)(
					`/jobservice/pools/${encodeURIComponent(b!.jobs.pool.id)}/workers`,
				)
			).status,
		).toBe(200);

		// A process killed without closing leaves its row; once three beats are missed it is no longer listed.
		const beatMs = 10_000;
		const t = (ago: number) => new Date(Date.now() - ago).toISOString();
		await a.db
			.insertInto("job_pools")
			.values({
				id: "dead:1:x",
				host: "dead",
				pid: 1,
				concurrency: 4,
				start_at: t(3_600_000),
				heartbeat_at: t(3 * beatMs - 1000),
			})
			.execute();
		expect(await poolIds(a)).toEqual([...both, "dead:1:x"].sort());
		await a.db
			.updateTable("job_pools")
			.set({ heartbeat_at: t(3 * beatMs + 1000) })
			.where("id", "=", "dead:1:x")
			.execute();
		expect(await poolIds(a)).toEqual(both);
		expect((await apiOf(a)("/jobservice/pools/dead:1:x/workers")).status).toBe(
			404,
		);

		await stopTestServer(b, { keepData: true });
		b = undefined;
		expect(await poolIds(a)).toEqual([a.jobs.pool.id]);
	});
});
