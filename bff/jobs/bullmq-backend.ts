import { randomUUID } from "node:crypto";
import { DelayedError, Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import {
	abortRun,
	clampPercent,
	defaultAttempts,
	defaultBackoffMs,
	type EnqueueOptions,
	type JobBackend,
	type JobDefinition,
	type JobInfo,
	type JobStatus,
	newWorkerId,
	PermanentJobError,
	payloadFor,
	type RunningHere,
	type RunningJob,
	type StopResult,
} from "./queue.ts";

export type BullmqBackendOptions = {
	redisUrl: string;
	/** Key prefix: replicas of one Wharf share it; tests give each their own. */
	prefix: string;
	logger: Logger;
	/** How often running jobs look for a stop another replica asked for. */
	stopCheckMs?: number;
	/** BullMQ's lock: a job whose worker stopped renewing it for this long goes back to waiting. */
	lockMs?: number;
	/** How long start() waits for Redis (default 10 s). */
	connectMs?: number;
	/** Finished jobs (and their logs) are kept this long (default 7 days). */
	keepFinishedMs?: number;
};

const statusOf = (
	state: string,
	failedReason: string | undefined,
): JobStatus =>
	state === "completed"
		? "success"
		: state === "failed"
			? failedReason === "stopped"
				? "stopped"
				: "error"
			: state === "active"
				? "running"
				: "pending";

const iso = (ms: number | undefined) =>
	ms ? new Date(ms).toISOString() : undefined;

/**
 * Jobs on BullMQ, one queue per job type with a worker whose concurrency is the type's, so replicas on one Redis share
 * the work. BullMQ cancels only its own process's jobs: a stop is also written to Redis, where the replica running the
 * job finds it. Job ids are UUIDs, unique over all types' queues.
 */
export function createBullmqBackend(
	opts: BullmqBackendOptions,
): JobBackend & { workerId: string } {
	const { logger, prefix } = opts;
	// Workers block on their connection: BullMQ requires maxRetriesPerRequest null there. Queues and the API's reads use
	// another that fails at once while Redis is away (a request answers 500 instead of hanging until it is back).
	const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
	const client = new Redis(opts.redisUrl, {
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
	});
	for (const c of [redis, client])
		c.on("error", (err) => logger.warn({ err }, "redis connection error"));
	const connectMs = opts.connectMs ?? 10_000;
	const keepFinishedSeconds = Math.ceil(
		(opts.keepFinishedMs ?? 7 * 24 * 3600_000) / 1000,
	);
	const workerId = newWorkerId();
	const defs = new Map<string, JobDefinition<unknown>>();
	const queues = new Map<string, Queue>();
	const workers = new Map<string, Worker>();
	const running = new Map<string, RunningHere>();
	const stopKey = (id: string) => `${prefix}:wharf-stop:${id}`;
	let started = false;
	let stopTimer: NodeJS.Timeout | undefined;

	const queueOf = (type: string) => {
		let q = queues.get(type);
		if (!q) {
			q = new Queue(type, { connection: client, prefix });
			q.on("error", (err) => logger.warn({ err, type }, "job queue error"));
			queues.set(type, q);
		}
		return q;
	};

	async function find(id: string): Promise<Job | undefined> {
		for (const type of defs.keys()) {
			const job = await Job.fromId(queueOf(type), id);
			if (job) return job;
		}
		return undefined;
	}

	const abort = (id: string, reason: "stop" | "shutdown") =>
		abortRun(running.get(id), reason);

	function startWorker(type: string, def: JobDefinition<unknown>) {
		const worker = new Worker(
			type,
			async (job, token, signal) => {
				const id = job.id!;
				const entry: RunningHere = { controller: new AbortController() };
				running.set(id, entry);
				signal?.addEventListener("abort", () => abort(id, "stop"));
				try {
					if (await client.exists(stopKey(id))) abort(id, "stop");
					await def.handler({
						id,
						type,
						payload: payloadFor(def, job.data),
						attempt: job.attemptsMade + 1,
						signal: entry.controller.signal,
						progress: async (percent) => {
							await job.updateProgress(clampPercent(percent));
						},
						log: async (line) => {
							await job.log(line);
						},
					});
					await job.updateProgress(100);
				} catch (e) {
					if (entry.reason === "shutdown") {
						// Back to the queue uncounted, so the next start (or another replica) resumes it.
						await job.moveToDelayed(Date.now(), token);
						throw new DelayedError();
					}
					if (entry.reason === "stop") {
						await job.log("stopped");
						throw new UnrecoverableError("stopped");
					}
					const message = e instanceof Error ? e.message : String(e);
					const retry =
						job.attemptsMade + 1 < (job.opts.attempts ?? 1) &&
						!(e instanceof PermanentJobError);
					await job.log(
						`attempt ${job.attemptsMade + 1} failed: ${message}${retry ? "; retrying" : ""}`,
					);
					throw e instanceof PermanentJobError
						? new UnrecoverableError(message)
						: e;
				} finally {
					running.delete(id);
				}
			},
			{
				connection: redis,
				prefix,
				concurrency: def.concurrency,
				autorun: true,
				// A worker that died stops renewing its locks; its jobs are then stalled and re-queued, not failed.
				lockDuration: opts.lockMs ?? 30_000,
				maxStalledCount: 100,
				drainDelay: 1,
			},
		);
		worker.on("error", (err) => logger.warn({ err, type }, "job worker error"));
		workers.set(type, worker);
	}

	async function checkStops() {
		const ids = [...running.keys()];
		if (ids.length === 0) return;
		const flags = await client.mget(ids.map(stopKey));
		ids.forEach((id, i) => {
			if (flags[i]) abort(id, "stop");
		});
	}

	return {
		workerId,

		register(type, def) {
			if (defs.has(type))
				throw new Error(`job type ${type} is registered twice`);
			defs.set(type, def as JobDefinition<unknown>);
			queueOf(type);
			if (started) startWorker(type, def as JobDefinition<unknown>);
		},

		async enqueue(type, payload, o: EnqueueOptions = {}) {
			const id = randomUUID();
			await queueOf(type).add(type, payload ?? null, {
				jobId: id,
				attempts: o.attempts ?? defaultAttempts,
				backoff: {
					type: "exponential",
					delay: o.backoffMs ?? defaultBackoffMs,
				},
				removeOnComplete: { age: keepFinishedSeconds },
				removeOnFail: { age: keepFinishedSeconds },
			});
			return id;
		},

		async get(id): Promise<JobInfo | undefined> {
			const job = await find(id);
			if (!job) return undefined;
			const state = await job.getState();
			const status = statusOf(state, job.failedReason);
			return {
				id,
				type: job.name,
				status,
				progress: typeof job.progress === "number" ? job.progress : 0,
				attempts: job.attemptsStarted ?? job.attemptsMade,
				...(status === "error" && job.failedReason
					? { error: job.failedReason }
					: {}),
				creationTime: iso(job.timestamp)!,
				...(job.processedOn ? { startTime: iso(job.processedOn) } : {}),
				...(job.finishedOn ? { endTime: iso(job.finishedOn) } : {}),
			};
		},

		async log(id) {
			const job = await find(id);
			if (!job) return undefined;
			const { logs } = await queueOf(job.name).getJobLogs(id, 0, -1, true);
			return logs;
		},

		async stop(id): Promise<StopResult> {
			const job = await find(id);
			if (!job) return "not-found";
			const state = await job.getState();
			if (state === "completed" || state === "failed") return "finished";
			if (state === "active") {
				await client.set(stopKey(id), "1", "PX", 3_600_000);
				abort(id, "stop");
				return "stopped";
			}
			// Not started: it leaves the queue (Harbor's stop cleans pending work away).
			await job.remove();
			return "stopped";
		},

		async queues() {
			const t = Date.now();
			return Promise.all(
				[...defs.keys()].sort().map(async (type) => {
					const q = queueOf(type);
					const counts = await q.getJobCounts("wait", "prioritized", "delayed");
					const [oldest] = await q.getJobs(
						["wait", "prioritized", "delayed"],
						0,
						0,
						true,
					);
					return {
						type,
						pending: Object.values(counts).reduce((a, b) => a + b, 0),
						latencySeconds: oldest
							? Math.max(0, Math.floor((t - oldest.timestamp) / 1000))
							: 0,
						paused: await q.isPaused(),
					};
				}),
			);
		},

		async setPaused(type, paused) {
			if (paused) await queueOf(type).pause();
			else await queueOf(type).resume();
		},

		async clear(type) {
			const q = queueOf(type);
			await q.drain(true);
			for (const job of await q.getActive()) await this.stop(job.id!);
		},

		async running(): Promise<RunningJob[]> {
			const all = await Promise.all(
				[...defs.keys()].map(async (type) =>
					(await queueOf(type).getActive()).map((job) => ({
						id: job.id!,
						type,
						startTime: iso(job.processedOn) ?? "",
						progress: typeof job.progress === "number" ? job.progress : 0,
					})),
				),
			);
			return all.flat();
		},

		async ping() {
			// The queues' connection fails at once while Redis is away (no offline queue).
			await client.ping();
		},

		async start() {
			// A Wharf told to use a Redis it cannot reach does not start: its jobs would go nowhere.
			if (client.status !== "ready") {
				await new Promise<void>((resolve, reject) => {
					const timer = setTimeout(
						() =>
							reject(
								new Error(
									`cannot reach Redis at REDIS_URL within ${connectMs} ms`,
								),
							),
						connectMs,
					);
					client.once("ready", () => {
						clearTimeout(timer);
						resolve();
					});
				});
			}
			started = true;
			for (const [type, def] of defs) startWorker(type, def);
			stopTimer = setInterval(
				() =>
					void checkStops().catch((err) =>
						logger.warn({ err }, "job stop check failed"),
					),
				opts.stopCheckMs ?? 500,
			);
		},

		async close() {
			clearInterval(stopTimer);
			for (const id of running.keys()) abort(id, "shutdown");
			await Promise.all([...workers.values()].map((w) => w.close()));
			await Promise.all([...queues.values()].map((q) => q.close()));
			await Promise.all(
				[redis, client].map((c) => c.quit().catch(() => c.disconnect())),
			);
		},
	};
}
