import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Db, openDatabase } from "../db/database.ts";
import { postgresUrl, withDatabase } from "../test/harness.ts";
import { CronError, nextFire } from "./cron.ts";
import {
	dropRedisPrefixes,
	testRedisUrl as redisUrl,
	untilAborted,
	waitFor,
} from "./job-test-fixtures.ts";
import { createJobs, type Jobs } from "./jobs.ts";
import { PermanentJobError } from "./queue.ts";
import { createScheduler } from "./scheduler.ts";

const logger = pino({ level: "silent" });
const backends = [
	{ name: "database on sqlite", engine: "sqlite", redis: false },
	{ name: "database on postgres", engine: "postgres", redis: false },
	{ name: "bullmq on redis", engine: "sqlite", redis: true },
] as const;

/** A promise released from outside (a job that runs until the test lets it finish). */
function gate() {
	let open!: () => void;
	const opened = new Promise<void>((r) => {
		open = r;
	});
	return { opened, open };
}

const prefixes: string[] = [];
const opened: Jobs[] = [];

/** A migrated database for the test; the job systems it opened are closed before the database goes. */
const withJobs = (
	engine: "sqlite" | "postgres",
	work: (db: Db) => Promise<void>,
): Promise<void> =>
	withDatabase(engine, async (db) => {
		try {
			await work(db);
		} finally {
			await Promise.all(opened.splice(0).map((j) => j.close()));
		}
	});

afterEach(() => dropRedisPrefixes(prefixes.splice(0)));

describe.each(backends)("jobs on the $name", ({ engine, redis }) => {
	const prefix = `wharf-test-${randomBytes(4).toString("hex")}`;
	const make = (db: Db, prefixOverride?: string, keepFinishedMs?: number) => {
		const p = prefixOverride ?? prefix;
		if (redis && !prefixes.includes(p)) prefixes.push(p);
		const jobs = createJobs({
			db,
			logger,
			pollMs: 50,
			leaseMs: 900,
			tickMs: 50,
			keepFinishedMs,
			...(redis ? { redisUrl, redisPrefix: p } : {}),
		});
		opened.push(jobs);
		return jobs;
	};
	const close = async (jobs: Jobs) => {
		opened.splice(opened.indexOf(jobs), 1);
		await jobs.close();
	};
	const unique = () => `${prefix}-${randomBytes(3).toString("hex")}`;

	it("runs an enqueued job with its payload and reports success", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			const seen: unknown[] = [];
			jobs.register("ECHO", {
				concurrency: 1,
				handler: async (ctx) => {
					seen.push(ctx.payload);
				},
			});
			await jobs.start();
			const id = await jobs.enqueue("ECHO", { hello: "world" });
			await waitFor(
				"the job to succeed",
				async () => (await jobs.get(id))?.status === "success",
			);
			expect(seen).toEqual([{ hello: "world" }]);
			expect(await jobs.get(id)).toMatchObject({
				id,
				type: "ECHO",
				status: "success",
				progress: 100,
				attempts: 1,
			});
		}));

	it("runs exactly as many jobs of a type at once as its concurrency", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			let active = 0;
			let most = 0;
			const gates = Array.from({ length: 6 }, gate);
			let next = 0;
			jobs.register("LIMITED", {
				concurrency: 2,
				handler: async () => {
					active++;
					most = Math.max(most, active);
					await gates[next++].opened;
					active--;
				},
			});
			await jobs.start();
			const ids = await Promise.all(
				gates.map((_, i) => jobs.enqueue("LIMITED", { i })),
			);
			await waitFor("two jobs running", () => active === 2);
			for (let i = 0; i < gates.length; i++) {
				await waitFor(`job ${i} to start`, () => next > i);
				expect(active).toBeLessThanOrEqual(2);
				gates[i].open();
			}
			await waitFor("all jobs done", async () =>
				(await Promise.all(ids.map((id) => jobs.get(id)))).every(
					(j) => j?.status === "success",
				),
			);
			expect(most).toBe(2);
		}));

	it("runs a type while another type floods its own pool", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			const flood = gate();
			let flooding = 0;
			jobs.register("FLOOD", {
				concurrency: 1,
				handler: async () => {
					flooding++;
					await flood.opened;
				},
			});
			jobs.register("QUICK", { concurrency: 1, handler: async () => {} });
			await jobs.start();
			for (let i = 0; i < 20; i++) await jobs.enqueue("FLOOD", { i });
			await waitFor("the flood to occupy its pool", () => flooding === 1);
			const quick = await jobs.enqueue("QUICK", {});
			await waitFor(
				"the other type to run",
				async () => (await jobs.get(quick))?.status === "success",
			);
			expect(flooding).toBe(1);
			expect(
				(await jobs.queues()).find((q) => q.type === "FLOOD"),
			).toMatchObject({ pending: 19, paused: false });
			await jobs.act("FLOOD", "stop");
			flood.open();
		}));

	it("retries a failing job with a growing backoff until it succeeds", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			const runs: number[] = [];
			jobs.register("FLAKY", {
				concurrency: 1,
				handler: async (ctx) => {
					runs.push(Date.now());
					if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
				},
			});
			await jobs.start();
			const id = await jobs.enqueue(
				"FLAKY",
				{},
				{ attempts: 3, backoffMs: 100 },
			);
			await waitFor(
				"the job to succeed",
				async () => (await jobs.get(id))?.status === "success",
			);
			expect(runs).toHaveLength(3);
			// The backoff is a floor: 100 ms, then 200 ms (minus a little clock slack).
			expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(90);
			expect(runs[2] - runs[1]).toBeGreaterThanOrEqual(190);
			const log = (await jobs.log(id))!.join("\n");
			expect(log).toContain("attempt 1 failed: boom 1");
			expect(log).toContain("attempt 2 failed: boom 2");
		}));

	it("fails a job for good once its attempts are spent", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			jobs.register("BROKEN", {
				concurrency: 1,
				handler: async () => {
					throw new Error("always");
				},
			});
			await jobs.start();
			const id = await jobs.enqueue(
				"BROKEN",
				{},
				{ attempts: 2, backoffMs: 10 },
			);
			await waitFor(
				"the job to fail",
				async () => (await jobs.get(id))?.status === "error",
			);
			expect(await jobs.get(id)).toMatchObject({
				status: "error",
				error: "always",
				attempts: 2,
			});
		}));

	it("fails at once, without retries, a payload that does not fit and a handler's permanent error", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			let runs = 0;
			jobs.register("TYPED", {
				concurrency: 1,
				payload: z.object({ repository: z.string() }),
				handler: async (ctx) => {
					runs++;
					if (ctx.payload.repository === "gone")
						throw new PermanentJobError("the endpoint was deleted");
				},
			});
			await jobs.start();
			const bad = await jobs.enqueue(
				"TYPED",
				{ repository: 42 },
				{ attempts: 3, backoffMs: 10 },
			);
			const gone = await jobs.enqueue(
				"TYPED",
				{ repository: "gone" },
				{ attempts: 3, backoffMs: 10 },
			);
			await waitFor(
				"both jobs to fail",
				async () =>
					(await jobs.get(bad))?.status === "error" &&
					(await jobs.get(gone))?.status === "error",
			);
			expect(await jobs.get(bad)).toMatchObject({
				attempts: 1,
				error: expect.stringMatching(/^invalid payload: repository: /),
			});
			expect(await jobs.get(gone)).toMatchObject({
				attempts: 1,
				error: "the endpoint was deleted",
			});
			expect(runs).toBe(1);
		}));

	it("sweeps finished jobs once they are older than their keeping time", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique(), 1000);
			jobs.register("SHORT_LIVED", { concurrency: 1, handler: async () => {} });
			await jobs.start();
			const old = await jobs.enqueue("SHORT_LIVED", {});
			await waitFor(
				"the job to succeed",
				async () => (await jobs.get(old))?.status === "success",
			);
			// BullMQ sweeps when later jobs finish, the database on its heartbeat: jobs keep coming until the old one is gone.
			await waitFor("the old job to be swept", async () => {
				const next = await jobs.enqueue("SHORT_LIVED", {});
				await waitFor(
					"the next job",
					async () => (await jobs.get(next))?.status === "success",
				);
				return (await jobs.get(old)) === undefined;
			});
			expect(await jobs.log(old)).toBeUndefined();
		}));

	it("stops a running job through its signal", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			let started = false;
			let aborted = false;
			jobs.register("LONG", {
				concurrency: 1,
				handler: async (ctx) => {
					started = true;
					ctx.signal.addEventListener("abort", () => {
						aborted = true;
					});
					await untilAborted(ctx);
				},
			});
			await jobs.start();
			const id = await jobs.enqueue("LONG", {});
			await waitFor("the job to start", () => started);
			expect(await jobs.stop(id)).toBe("stopped");
			await waitFor(
				"the job to be stopped",
				async () => (await jobs.get(id))?.status === "stopped",
			);
			expect(aborted).toBe(true);
			expect(await jobs.stop(id)).toBe("finished");
			expect(await jobs.stop(redis ? "no-such-job" : "999999")).toBe(
				"not-found",
			);
		}));

	it("shows a running job's progress and log", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			const halfway = gate();
			jobs.register("STEPS", {
				concurrency: 1,
				handler: async (ctx) => {
					await ctx.log("first half done");
					await ctx.progress(50);
					await halfway.opened;
					await ctx.log("second half done");
				},
			});
			await jobs.start();
			const id = await jobs.enqueue("STEPS", {});
			await waitFor(
				"progress 50",
				async () => (await jobs.get(id))?.progress === 50,
			);
			expect(await jobs.get(id)).toMatchObject({ status: "running" });
			expect(await jobs.log(id)).toEqual(["first half done"]);
			expect((await jobs.running()).map((r) => r.id)).toEqual([id]);
			halfway.open();
			await waitFor(
				"the job to succeed",
				async () => (await jobs.get(id))?.status === "success",
			);
			expect(await jobs.log(id)).toEqual([
				"first half done",
				"second half done",
			]);
			expect(await jobs.log(redis ? "no-such-job" : "999999")).toBeUndefined();
		}));

	it("pauses and resumes a type's queue", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			let ran = 0;
			jobs.register("PAUSABLE", {
				concurrency: 1,
				handler: async () => {
					ran++;
				},
			});
			await jobs.start();
			await jobs.act("PAUSABLE", "pause");
			const id = await jobs.enqueue("PAUSABLE", {});
			expect((await jobs.queues())[0]).toMatchObject({
				type: "PAUSABLE",
				pending: 1,
				paused: true,
			});
			// Nothing to wait for: a paused queue runs nothing, so a few poll periods pass with the job still pending.
			await new Promise((r) => setTimeout(r, 300));
			expect(ran).toBe(0);
			await jobs.act("all", "resume");
			await waitFor(
				"the job to run",
				async () => (await jobs.get(id))?.status === "success",
			);
			expect((await jobs.queues())[0]).toMatchObject({
				pending: 0,
				paused: false,
			});
		}));

	it("resumes queued and running jobs after a restart", () =>
		withJobs(engine, async (db) => {
			const p = unique();
			const first = make(db, p);
			let firstStarted = 0;
			first.register("RESUMABLE", {
				concurrency: 1,
				handler: async (ctx) => {
					firstStarted++;
					await untilAborted(ctx);
				},
			});
			await first.start();
			const a = await first.enqueue("RESUMABLE", { n: 1 });
			const b = await first.enqueue("RESUMABLE", { n: 2 });
			await waitFor("one job running", () => firstStarted === 1);
			await close(first);

			const second = make(db, p);
			const done: unknown[] = [];
			second.register("RESUMABLE", {
				concurrency: 1,
				handler: async (ctx) => {
					done.push(ctx.payload);
				},
			});
			await second.start();
			await waitFor(
				"both jobs done",
				async () =>
					(await second.get(a))?.status === "success" &&
					(await second.get(b))?.status === "success",
			);
			expect(done).toHaveLength(2);
			// The database gives the interrupted run back; BullMQ counts every run it started.
			if (!redis) expect((await second.get(a))!.attempts).toBe(1);
		}));

	it("answers cron errors clearly", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			await expect(jobs.schedules.set("GC", 0, "* * *")).rejects.toThrow(
				CronError,
			);
			await expect(jobs.schedules.set("GC", 0, "0 0 * * *")).rejects.toThrow(
				/six fields/,
			);
			await expect(jobs.schedules.set("GC", 0, "0 0 25 * * *")).rejects.toThrow(
				/invalid cron "0 0 25 \* \* \*"/,
			);
			expect((await jobs.schedules.list({ offset: 0, limit: 10 })).total).toBe(
				0,
			);
		}));

	it("fires a seconds-level schedule into the queue", () =>
		withJobs(engine, async (db) => {
			const jobs = make(db, unique());
			const fired: unknown[] = [];
			jobs.register("TICK", {
				concurrency: 1,
				handler: async (ctx) => {
					fired.push(ctx.payload);
				},
			});
			await jobs.start();
			await jobs.schedules.set("TICK", 7, "* * * * * *", { policy: 7 });
			await waitFor("two fires", () => fired.length >= 2);
			expect(fired[0]).toEqual({ policy: 7 });
			const { rows } = await jobs.schedules.list({ offset: 0, limit: 10 });
			expect(rows).toMatchObject([
				{ vendor_type: "TICK", vendor_id: 7, cron: "* * * * * *" },
			]);
			await jobs.schedules.remove("TICK", 7);
		}));
});

describe("the database backend", () => {
	it("re-queues a running job whose worker stopped renewing its lease", () =>
		withJobs("sqlite", async (db) => {
			const t = new Date().toISOString();
			const past = new Date(Date.now() - 60_000).toISOString();
			const { id } = await db
				.insertInto("jobs")
				.values({
					type: "ORPHAN",
					payload: "{}",
					status: "running",
					attempts: 1,
					max_attempts: 1,
					backoff_ms: 10,
					run_after: t,
					worker_id: "a-process-that-died",
					lease_until: past,
					creation_time: t,
					start_time: t,
				})
				.returning("id")
				.executeTakeFirstOrThrow();
			const jobs = createJobs({ db, logger, pollMs: 50, leaseMs: 900 });
			opened.push(jobs);
			jobs.register("ORPHAN", { concurrency: 1, handler: async () => {} });
			await jobs.start();
			await waitFor(
				"the orphan to run",
				async () => (await jobs.get(String(id)))?.status === "success",
			);
			expect((await jobs.get(String(id)))!.attempts).toBe(1);
		}));
});

describe("the database backend's queues", () => {
	it("include a type this process does not run while it has work queued", () =>
		withJobs("sqlite", async (db) => {
			const jobs = createJobs({ db, logger, pollMs: 50, leaseMs: 900 });
			opened.push(jobs);
			await jobs.start();
			expect(await jobs.queues()).toEqual([]);
			await jobs.enqueue("ELSEWHERE", {});
			expect(await jobs.queues()).toEqual([
				{
					type: "ELSEWHERE",
					pending: 1,
					latencySeconds: expect.any(Number),
					paused: false,
				},
			]);
			await jobs.act("ELSEWHERE", "stop");
			expect(await jobs.queues()).toEqual([]);
		}));
});

describe("two Wharf processes on one Postgres", () => {
	it("never run a job twice and never fire a schedule twice", () =>
		withJobs("postgres", async (db) => {
			const {
				rows: [{ schema }],
			} = await sql<{
				schema: string;
			}>`select current_schema() as schema`.execute(db);
			const other = await openDatabase({
				dataDir: "/nonexistent",
				databaseUrl: postgresUrl,
				schema,
			});
			try {
				const runs = new Map<string, number>();
				const instances = [
					createJobs({ db, logger, pollMs: 20, leaseMs: 900 }),
					createJobs({ db: other, logger, pollMs: 20, leaseMs: 900 }),
				];
				opened.push(...instances);
				const ran = new Set<number>();
				for (const [i, jobs] of instances.entries())
					jobs.register("SHARED", {
						concurrency: 4,
						handler: async (ctx) => {
							runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
							ran.add(i);
							await new Promise((r) => setTimeout(r, 5));
						},
					});
				await Promise.all(instances.map((j) => j.start()));
				const ids = await Promise.all(
					Array.from({ length: 60 }, (_, i) =>
						instances[i % 2].enqueue("SHARED", { i }),
					),
				);
				await waitFor(
					"all jobs done",
					() =>
						ids.every((id) => runs.has(id)) && [...runs.values()].length === 60,
				);
				await waitFor("all jobs recorded", async () =>
					(await Promise.all(ids.map((id) => instances[0].get(id)))).every(
						(j) => j?.status === "success",
					),
				);
				expect([...runs.values()].every((n) => n === 1)).toBe(true);
				expect(ran.size).toBe(2);

				// Two schedulers claim the same due fire, over and over at once: it is enqueued once.
				const fires: string[] = [];
				const schedulers = [db, other].map((d) =>
					createScheduler({
						db: d,
						logger,
						enqueue: async (type) => {
							fires.push(type);
						},
					}),
				);
				await schedulers[0].set("GC", 0, "0 0 0 1 1 *");
				await db
					.updateTable("schedules")
					.set({ next_run: new Date(Date.now() - 1000).toISOString() })
					.execute();
				for (let i = 0; i < 10; i++)
					await Promise.all(schedulers.flatMap((s) => [s.tick(), s.tick()]));
				expect(fires).toEqual(["GC"]);
			} finally {
				await other.destroy();
			}
		}));
});

describe("two Wharf processes on one Redis", () => {
	it("share the work and never run a job twice", () =>
		withJobs("sqlite", async (db) => {
			const prefix = `wharf-test-${randomBytes(4).toString("hex")}`;
			prefixes.push(prefix);
			const runs = new Map<string, number>();
			const ran = new Set<number>();
			const instances = [0, 1].map(() =>
				createJobs({ db, logger, redisUrl, redisPrefix: prefix }),
			);
			opened.push(...instances);
			for (const [i, jobs] of instances.entries())
				jobs.register("SHARED", {
					concurrency: 4,
					handler: async (ctx) => {
						runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
						ran.add(i);
						await new Promise((r) => setTimeout(r, 5));
					},
				});
			await Promise.all(instances.map((j) => j.start()));
			const ids = await Promise.all(
				Array.from({ length: 60 }, (_, i) =>
					instances[i % 2].enqueue("SHARED", { i }),
				),
			);
			await waitFor("all jobs done", async () =>
				(await Promise.all(ids.map((id) => instances[1].get(id)))).every(
					(j) => j?.status === "success",
				),
			);
			expect(runs.size).toBe(60);
			expect([...runs.values()].every((n) => n === 1)).toBe(true);
			expect(ran.size).toBe(2);
		}));
});

describe("a Redis that cannot be reached", () => {
	it("fails the start with a clear error instead of queueing into nowhere", () =>
		withJobs("sqlite", async (db) => {
			const jobs = createJobs({
				db,
				logger,
				redisUrl: "redis://127.0.0.1:1",
				redisPrefix: "unreachable",
				redisConnectMs: 500,
			});
			opened.push(jobs);
			jobs.register("ANY", { concurrency: 1, handler: async () => {} });
			await expect(jobs.start()).rejects.toThrow(
				/cannot reach Redis at REDIS_URL/,
			);
		}));
});

describe("Harbor's cron", () => {
	it("has six fields, seconds first, in UTC", () => {
		expect(
			nextFire("0 30 2 * * *", new Date("2026-01-01T00:00:00Z")).toISOString(),
		).toBe("2026-01-01T02:30:00.000Z");
		expect(() => nextFire("0 2 * * *", new Date())).toThrow(CronError);
		expect(() => nextFire("nonsense", new Date())).toThrow(
			/invalid cron "nonsense"/,
		);
	});
});
