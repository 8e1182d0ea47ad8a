import type { Logger } from "pino";
import type { Db } from "../db/database.ts";
import { createBullmqBackend } from "./bullmq-backend.ts";
import { createDbBackend } from "./db-backend.ts";
import { createPoolRegistry, type PoolInfo } from "./pools.ts";
import type { JobBackend } from "./queue.ts";
import {
	createScheduler,
	type Scheduler,
	schedulerQueue,
} from "./scheduler.ts";

export type Jobs = JobBackend & {
	schedules: Scheduler;
	/** Which backend runs the jobs, and this process's pool (Harbor's worker pool). */
	backend: "database" | "redis";
	pool: {
		id: string;
		pid: number;
		host: string;
		startAt: string;
		concurrency(): number;
	};
	/** Every live process's pool on this metadata database (all replicas), this one's included. */
	pools(): Promise<PoolInfo[]>;
	/** Whether this process's workers run: its pool is live and the queue's store answers. Throws why not. */
	check(): Promise<void>;
	/** Harbor's queue actions; `all` acts on every type, the scheduler's pause included. */
	act(type: string, action: "stop" | "pause" | "resume"): Promise<void>;
};

export type JobsOptions = {
	db: Db;
	logger: Logger;
	/** BullMQ on this Redis; unset, the metadata database holds the queue. */
	redisUrl?: string;
	/** Redis key prefix (tests give each its own). */
	redisPrefix?: string;
	/** How long start() waits for Redis before failing (default 10 s). */
	redisConnectMs?: number;
	pollMs?: number;
	leaseMs?: number;
	tickMs?: number;
	/** How often this process's pool row is renewed (default 10 s). */
	poolHeartbeatMs?: number;
	/** How long finished jobs and their logs are kept (default 7 days). */
	keepFinishedMs?: number;
};

/** The job system: one backend (database or BullMQ) and the schedules that enqueue into it. */
export function createJobs(opts: JobsOptions): Jobs {
	const backend = opts.redisUrl
		? createBullmqBackend({
				redisUrl: opts.redisUrl,
				prefix: opts.redisPrefix ?? "wharf",
				logger: opts.logger,
				keepFinishedMs: opts.keepFinishedMs,
				connectMs: opts.redisConnectMs,
			})
		: createDbBackend({
				db: opts.db,
				logger: opts.logger,
				pollMs: opts.pollMs,
				leaseMs: opts.leaseMs,
				keepFinishedMs: opts.keepFinishedMs,
			});
	const schedules = createScheduler({
		db: opts.db,
		logger: opts.logger,
		enqueue: (type, payload) => backend.enqueue(type, payload),
		tickMs: opts.tickMs,
	});
	const concurrency = new Map<string, number>();
	const startAt = new Date().toISOString();
	const host = backend.workerId.split(":")[0];
	const totalConcurrency = () =>
		[...concurrency.values()].reduce((a, b) => a + b, 0);
	const pools = createPoolRegistry({
		db: opts.db,
		logger: opts.logger,
		heartbeatMs: opts.poolHeartbeatMs,
		self: () => ({
			id: backend.workerId,
			host,
			pid: process.pid,
			startAt,
			concurrency: totalConcurrency(),
		}),
	});

	return {
		...backend,
		backend: opts.redisUrl ? "redis" : "database",
		schedules,
		pool: {
			id: backend.workerId,
			pid: process.pid,
			host,
			startAt,
			concurrency: totalConcurrency,
		},
		pools: () => pools.list(),
		async check() {
			await backend.queues();
			if (!(await pools.list()).some((p) => p.id === backend.workerId))
				throw new Error("this process's worker pool is not running");
		},
		register(type, def) {
			if (!Number.isInteger(def.concurrency) || def.concurrency < 1)
				throw new Error(
					`job type ${type}: concurrency must be a positive integer`,
				);
			if (type === schedulerQueue || type === "all")
				throw new Error(`job type ${type} is reserved`);
			backend.register(type, def);
			concurrency.set(type, def.concurrency);
		},
		async act(type, action) {
			// SCHEDULER is the scheduler's switch alone, not a queue of the backend.
			const types =
				type === "all"
					? [...concurrency.keys()]
					: type === schedulerQueue
						? []
						: [type];
			for (const t of types) {
				if (action === "stop") await backend.clear(t);
				else await backend.setPaused(t, action === "pause");
			}
			if (action !== "stop" && (type === "all" || type === schedulerQueue))
				await schedules.setPaused(action === "pause");
		},
		async start() {
			await backend.start();
			await pools.start();
			schedules.start();
		},
		async close() {
			await schedules.close();
			await pools.close();
			await backend.close();
		},
	};
}
