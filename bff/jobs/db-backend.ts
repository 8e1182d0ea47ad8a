import { PostgresAdapter, type Selectable, sql } from "kysely";
import type { Logger } from "pino";
import type { Db } from "../db/database.ts";
import {
	abortRun,
	backoffFor,
	clampPercent,
	defaultAttempts,
	defaultBackoffMs,
	type EnqueueOptions,
	type JobBackend,
	type JobDefinition,
	type JobInfo,
	newWorkerId,
	PermanentJobError,
	payloadFor,
	type RunningHere,
	type StopResult,
} from "./queue.ts";
import { type JobsTable, setQueuePaused } from "./tables.ts";

export type DbBackendOptions = {
	db: Db;
	logger: Logger;
	/** How often idle pools look for work another process queued (local enqueues wake them at once). */
	pollMs?: number;
	/** How long a claimed job stays ours without a heartbeat; a dead process's jobs go back to pending after it. */
	leaseMs?: number;
	/** Finished jobs (and their logs) are kept this long, then swept (default 7 days). */
	keepFinishedMs?: number;
};

type Row = {
	id: number;
	type: string;
	payload: string;
	attempts: number;
	max_attempts: number;
	backoff_ms: number;
};
type Running = RunningHere & { done: Promise<void> };
type Pool = {
	def: JobDefinition<unknown>;
	running: Map<number, Running>;
	pumping?: Promise<void>;
	again: boolean;
};

const iso = (ms: number) => new Date(ms).toISOString();
const idOf = (id: string) => (/^\d{1,15}$/.test(id) ? Number(id) : undefined);

/**
 * Jobs as rows of the metadata database. A pool per job type claims pending rows with one atomic UPDATE (on Postgres
 * its row is picked FOR UPDATE SKIP LOCKED), so two processes never run a job twice; a claimed row carries this
 * process's id and a lease renewed by a heartbeat, and a row whose lease ran out goes back to pending.
 */
export function createDbBackend(
	opts: DbBackendOptions,
): JobBackend & { workerId: string } {
	const { db, logger } = opts;
	const pollMs = opts.pollMs ?? 1000;
	const leaseMs = opts.leaseMs ?? 30_000;
	const keepFinishedMs = opts.keepFinishedMs ?? 7 * 24 * 3600_000;
	let lastSweep = 0;
	const pg = db.getExecutor().adapter instanceof PostgresAdapter;
	const workerId = newWorkerId();
	const pools = new Map<string, Pool>();
	let started = false;
	let closing = false;
	let pollTimer: NodeJS.Timeout | undefined;
	let beatTimer: NodeJS.Timeout | undefined;

	/** An update of a job only while this process still holds it (a lost lease means another process may have it). */
	const held = (id: number) =>
		db
			.updateTable("jobs")
			.where("id", "=", id)
			.where("worker_id", "=", workerId)
			.where("status", "=", "running");

	async function claim(type: string): Promise<Row | undefined> {
		const t = Date.now();
		let pick = db
			.selectFrom("jobs")
			.select("id")
			.where("type", "=", type)
			.where("status", "=", "pending")
			.where("run_after", "<=", iso(t))
			.where(({ not, exists, selectFrom }) =>
				not(
					exists(
						selectFrom("job_queues")
							.select("type")
							.where("job_queues.type", "=", type)
							.where("job_queues.paused", "=", 1),
					),
				),
			)
			.orderBy("id")
			.limit(1);
		if (pg) pick = pick.forUpdate().skipLocked();
		return db
			.updateTable("jobs")
			.set({
				status: "running",
				worker_id: workerId,
				lease_until: iso(t + leaseMs),
				attempts: sql`attempts + 1`,
				start_time: iso(t),
				stop_requested: 0,
			})
			.where("id", "=", pick)
			.where("status", "=", "pending")
			.returning([
				"id",
				"type",
				"payload",
				"attempts",
				"max_attempts",
				"backoff_ms",
			])
			.executeTakeFirst();
	}

	/** Claims work until the type's pool is full or nothing is pending; a wake during a pass makes another pass. */
	function pump(type: string): Promise<void> {
		const pool = pools.get(type);
		if (!pool || !started || closing) return Promise.resolve();
		if (pool.pumping) {
			pool.again = true;
			return pool.pumping;
		}
		const pass = async () => {
			do {
				pool.again = false;
				while (pool.running.size < pool.def.concurrency && !closing) {
					const row = await claim(type);
					if (!row) break;
					// Claimed while close() began: given back at once, as close() gives back what runs.
					if (closing) {
						await held(row.id)
							.set({
								status: "pending",
								worker_id: null,
								lease_until: null,
								attempts: sql`attempts - 1`,
							})
							.execute();
						break;
					}
					run(pool, row);
				}
			} while (pool.again && !closing);
		};
		// .finally runs after this assignment even when the pass ends at once.
		pool.pumping = pass()
			.catch((err) => logger.warn({ err, type }, "job claim failed"))
			.finally(() => {
				pool.pumping = undefined;
			});
		return pool.pumping;
	}

	function run(pool: Pool, row: Row) {
		const controller = new AbortController();
		const entry: Running = { controller, done: Promise.resolve() };
		pool.running.set(row.id, entry);
		const mine = () => held(row.id);
		entry.done = (async () => {
			let failure: unknown;
			let succeeded = false;
			try {
				await pool.def.handler({
					id: String(row.id),
					type: row.type,
					payload: payloadFor(pool.def, JSON.parse(row.payload)),
					attempt: row.attempts,
					signal: controller.signal,
					progress: async (percent) => {
						await mine()
							.set({ progress: clampPercent(percent) })
							.execute();
					},
					log: async (line) => {
						await db
							.insertInto("job_logs")
							.values({ job_id: row.id, line })
							.execute();
					},
				});
				succeeded = true;
			} catch (e) {
				failure = e;
			}
			await finish(row, entry, succeeded, failure).catch((err) =>
				logger.error({ err, job: row.id }, "job state update failed"),
			);
			pool.running.delete(row.id);
			void pump(row.type);
		})();
	}

	async function finish(
		row: Row,
		entry: Running,
		succeeded: boolean,
		failure: unknown,
	) {
		const mine = () => held(row.id);
		const t = iso(Date.now());
		if (succeeded) {
			await mine()
				.set({
					status: "success",
					progress: 100,
					end_time: t,
					worker_id: null,
					lease_until: null,
				})
				.execute();
		} else if (entry.reason === "shutdown") {
			// Not the job's fault: back to the queue, this run not counted, so the next start resumes it.
			await mine()
				.set({
					status: "pending",
					worker_id: null,
					lease_until: null,
					attempts: sql`attempts - 1`,
				})
				.execute();
		} else if (entry.reason === "stop") {
			await db
				.insertInto("job_logs")
				.values({ job_id: row.id, line: "stopped" })
				.execute();
			await mine()
				.set({
					status: "stopped",
					end_time: t,
					worker_id: null,
					lease_until: null,
				})
				.execute();
		} else {
			const message =
				failure instanceof Error ? failure.message : String(failure);
			const retry =
				row.attempts < row.max_attempts &&
				!(failure instanceof PermanentJobError);
			const wait = backoffFor(row.backoff_ms, row.attempts);
			await db
				.insertInto("job_logs")
				.values({
					job_id: row.id,
					line: `attempt ${row.attempts} failed: ${message}${retry ? `; retrying in ${wait} ms` : ""}`,
				})
				.execute();
			await mine()
				.set(
					retry
						? {
								status: "pending",
								error: message,
								run_after: iso(Date.now() + wait),
								worker_id: null,
								lease_until: null,
							}
						: {
								status: "error",
								error: message,
								end_time: t,
								worker_id: null,
								lease_until: null,
							},
				)
				.execute();
		}
	}

	/** Renews our leases, aborts what another process asked to stop, and re-queues work whose worker died. */
	async function heartbeat() {
		const ours = [...pools.values()].flatMap((p) => [...p.running.entries()]);
		const t = Date.now();
		if (ours.length > 0) {
			const ids = ours.map(([id]) => id);
			await db
				.updateTable("jobs")
				.set({ lease_until: iso(t + leaseMs) })
				.where("id", "in", ids)
				.where("worker_id", "=", workerId)
				.execute();
			const stopped = await db
				.selectFrom("jobs")
				.select("id")
				.where("id", "in", ids)
				.where("stop_requested", "=", 1)
				.execute();
			for (const { id } of stopped) abort(id, "stop");
		}
		const lost = await db
			.updateTable("jobs")
			.set({
				status: "pending",
				worker_id: null,
				lease_until: null,
				attempts: sql`attempts - 1`,
			})
			.where("status", "=", "running")
			.where("lease_until", "<", iso(t))
			.returning(["id", "type"])
			.execute();
		for (const job of lost)
			logger.warn(
				{ job: job.id, type: job.type },
				"job re-queued: its worker stopped renewing its lease",
			);
		// Hourly at most: finished jobs past their keeping time go, their logs with them (on delete cascade).
		if (t - lastSweep >= Math.min(3600_000, keepFinishedMs)) {
			lastSweep = t;
			await db
				.deleteFrom("jobs")
				.where("status", "in", ["success", "error", "stopped"])
				.where("end_time", "<", iso(t - keepFinishedMs))
				.execute();
		}
	}

	function abort(id: number, reason: "stop" | "shutdown") {
		for (const pool of pools.values()) {
			abortRun(pool.running.get(id), reason);
		}
	}

	const pumpAll = () => {
		for (const type of pools.keys()) void pump(type);
	};

	return {
		workerId,

		register(type, def) {
			if (pools.has(type))
				throw new Error(`job type ${type} is registered twice`);
			pools.set(type, {
				def: def as JobDefinition<unknown>,
				running: new Map(),
				again: false,
			});
			void pump(type);
		},

		async enqueue(type, payload, o: EnqueueOptions = {}) {
			const t = iso(Date.now());
			const row = await db
				.insertInto("jobs")
				.values({
					type,
					payload: JSON.stringify(payload ?? null),
					status: "pending",
					max_attempts: o.attempts ?? defaultAttempts,
					backoff_ms: o.backoffMs ?? defaultBackoffMs,
					run_after: t,
					creation_time: t,
				})
				.returning("id")
				.executeTakeFirstOrThrow();
			void pump(type);
			return String(row.id);
		},

		async get(id) {
			const n = idOf(id);
			const row =
				n === undefined
					? undefined
					: await db
							.selectFrom("jobs")
							.selectAll()
							.where("id", "=", n)
							.executeTakeFirst();
			return row ? toInfo(row) : undefined;
		},

		async log(id) {
			const n = idOf(id);
			if (
				n === undefined ||
				!(await db
					.selectFrom("jobs")
					.select("id")
					.where("id", "=", n)
					.executeTakeFirst())
			)
				return undefined;
			const lines = await db
				.selectFrom("job_logs")
				.select("line")
				.where("job_id", "=", n)
				.orderBy("id")
				.execute();
			return lines.map((l) => l.line);
		},

		async stop(id): Promise<StopResult> {
			const n = idOf(id);
			if (n === undefined) return "not-found";
			const t = iso(Date.now());
			const pending = await db
				.updateTable("jobs")
				.set({ status: "stopped", end_time: t })
				.where("id", "=", n)
				.where("status", "=", "pending")
				.executeTakeFirst();
			if (pending.numUpdatedRows > 0n) return "stopped";
			// A running job stops where it runs: here at once, elsewhere at that process's next heartbeat.
			const running = await db
				.updateTable("jobs")
				.set({ stop_requested: 1 })
				.where("id", "=", n)
				.where("status", "=", "running")
				.executeTakeFirst();
			if (running.numUpdatedRows > 0n) {
				abort(n, "stop");
				return "stopped";
			}
			return (await db
				.selectFrom("jobs")
				.select("id")
				.where("id", "=", n)
				.executeTakeFirst())
				? "finished"
				: "not-found";
		},

		async queues() {
			// The types registered here, and those with work another replica (or a later version) runs.
			const waiting = await db
				.selectFrom("jobs")
				.select("type")
				.distinct()
				.where("status", "in", ["pending", "running"])
				.execute();
			const types = [
				...new Set([...pools.keys(), ...waiting.map((w) => w.type)]),
			].sort();
			if (types.length === 0) return [];
			const counts = await db
				.selectFrom("jobs")
				.select((eb) => [
					"type",
					eb.fn.countAll<number>().as("count"),
					eb.fn.min("creation_time").as("oldest"),
				])
				.where("status", "=", "pending")
				.where("type", "in", types)
				.groupBy("type")
				.execute();
			const paused = await db
				.selectFrom("job_queues")
				.select("type")
				.where("paused", "=", 1)
				.where("type", "in", types)
				.execute();
			const t = Date.now();
			return types.map((type) => {
				const c = counts.find((r) => r.type === type);
				return {
					type,
					pending: Number(c?.count ?? 0),
					latencySeconds: c?.oldest
						? Math.max(0, Math.floor((t - Date.parse(String(c.oldest))) / 1000))
						: 0,
					paused: paused.some((p) => p.type === type),
				};
			});
		},

		async setPaused(type, paused) {
			await setQueuePaused(db, type, paused);
			if (!paused) void pump(type);
		},

		async clear(type) {
			const t = iso(Date.now());
			await db
				.updateTable("jobs")
				.set({ status: "stopped", end_time: t })
				.where("type", "=", type)
				.where("status", "=", "pending")
				.execute();
			const running = await db
				.updateTable("jobs")
				.set({ stop_requested: 1 })
				.where("type", "=", type)
				.where("status", "=", "running")
				.returning("id")
				.execute();
			for (const { id } of running) abort(id, "stop");
		},

		async running() {
			const rows = await db
				.selectFrom("jobs")
				.select(["id", "type", "start_time", "progress", "worker_id"])
				.where("status", "=", "running")
				.orderBy("id")
				.execute();
			return rows.map((r) => ({
				id: String(r.id),
				type: r.type,
				startTime: r.start_time ?? "",
				progress: r.progress,
				workerId: r.worker_id ?? undefined,
			}));
		},

		async start() {
			started = true;
			await heartbeat().catch((err) =>
				logger.warn({ err }, "job heartbeat failed"),
			);
			pumpAll();
			pollTimer = setInterval(pumpAll, pollMs);
			beatTimer = setInterval(
				() =>
					void heartbeat().catch((err) =>
						logger.warn({ err }, "job heartbeat failed"),
					),
				Math.max(50, Math.floor(leaseMs / 3)),
			);
		},

		async close() {
			closing = true;
			clearInterval(pollTimer);
			clearInterval(beatTimer);
			await Promise.all([...pools.values()].map((p) => p.pumping));
			const all = [...pools.values()].flatMap((p) => [...p.running.entries()]);
			for (const [id] of all) abort(id, "shutdown");
			await Promise.all(all.map(([, e]) => e.done));
		},
	};
}

function toInfo(r: Selectable<JobsTable>): JobInfo {
	return {
		id: String(r.id),
		type: r.type,
		status: r.status,
		progress: r.progress,
		attempts: r.attempts,
		...(r.error ? { error: r.error } : {}),
		creationTime: r.creation_time,
		...(r.start_time ? { startTime: r.start_time } : {}),
		...(r.end_time ? { endTime: r.end_time } : {}),
	};
}
