import type { Logger } from "pino";
import type { Db } from "../db/database.ts";
import { nextFire } from "./cron.ts";
import { setQueuePaused } from "./tables.ts";

export type ScheduleRow = {
	id: number;
	vendor_type: string;
	vendor_id: number;
	cron: string;
	update_time: string;
	next_run: string;
};

export type Scheduler = {
	/** Creates or replaces the schedule of (type, vendorId); throws CronError for a cron Harbor would refuse. */
	set(
		type: string,
		vendorId: number,
		cron: string,
		payload?: unknown,
	): Promise<void>;
	remove(type: string, vendorId: number): Promise<void>;
	list(page: {
		offset: number;
		limit: number;
	}): Promise<{ rows: ScheduleRow[]; total: number }>;
	paused(): Promise<boolean>;
	setPaused(paused: boolean): Promise<void>;
	/** Fires what is due: each due row is claimed by moving its next_run on, and only the claimer enqueues. */
	tick(): Promise<void>;
	start(): void;
	close(): Promise<void>;
};

/** The scheduler's own pause switch, kept with the queues' (Harbor's scheduler runs as a SCHEDULER job). */
export const schedulerQueue = "SCHEDULER";

/**
 * Cron schedules as rows of the metadata database, whatever the job backend: replicas tick on their own, and a fire
 * belongs to whoever moves `next_run` from the value it read (an UPDATE … WHERE next_run = that value), so a schedule
 * fires once however many replicas run. A fire missed while no replica ran happens once at the next start.
 */
export function createScheduler(opts: {
	db: Db;
	logger: Logger;
	enqueue: (type: string, payload: unknown) => Promise<unknown>;
	tickMs?: number;
}): Scheduler {
	const { db, logger } = opts;
	let timer: NodeJS.Timeout | undefined;
	let ticking: Promise<void> | undefined;

	async function tick() {
		if (await scheduler.paused()) return;
		const now = new Date();
		const due = await db
			.selectFrom("schedules")
			.select(["id", "vendor_type", "cron", "payload", "next_run"])
			.where("next_run", "<=", now.toISOString())
			.orderBy("next_run")
			.limit(100)
			.execute();
		for (const row of due) {
			let next: string;
			try {
				next = nextFire(row.cron, now).toISOString();
			} catch (err) {
				logger.error(
					{ err, schedule: row.id },
					"schedule with an invalid cron skipped",
				);
				continue;
			}
			const claimed = await db
				.updateTable("schedules")
				.set({ next_run: next })
				.where("id", "=", row.id)
				.where("next_run", "=", row.next_run)
				.executeTakeFirst();
			if (claimed.numUpdatedRows === 0n) continue; // another replica fired it
			await opts
				.enqueue(row.vendor_type, JSON.parse(row.payload))
				.catch((err) =>
					logger.error(
						{ err, schedule: row.id },
						"scheduled job could not be queued",
					),
				);
		}
	}

	const scheduler: Scheduler = {
		async set(type, vendorId, cron, payload = null) {
			const t = new Date();
			const next_run = nextFire(cron, t).toISOString();
			const values = {
				cron: cron.trim(),
				payload: JSON.stringify(payload),
				next_run,
				update_time: t.toISOString(),
			};
			await db
				.insertInto("schedules")
				.values({
					vendor_type: type,
					vendor_id: vendorId,
					...values,
					creation_time: t.toISOString(),
				})
				.onConflict((oc) =>
					oc.columns(["vendor_type", "vendor_id"]).doUpdateSet(values),
				)
				.execute();
		},

		async remove(type, vendorId) {
			await db
				.deleteFrom("schedules")
				.where("vendor_type", "=", type)
				.where("vendor_id", "=", vendorId)
				.execute();
		},

		async list({ offset, limit }) {
			const rows = await db
				.selectFrom("schedules")
				.select([
					"id",
					"vendor_type",
					"vendor_id",
					"cron",
					"update_time",
					"next_run",
				])
				.orderBy("id")
				.offset(offset)
				.limit(limit)
				.execute();
			const { total } = await db
				.selectFrom("schedules")
				.select((eb) => eb.fn.countAll<number>().as("total"))
				.executeTakeFirstOrThrow();
			return { rows, total: Number(total) };
		},

		async paused() {
			const row = await db
				.selectFrom("job_queues")
				.select("paused")
				.where("type", "=", schedulerQueue)
				.executeTakeFirst();
			return row?.paused === 1;
		},

		setPaused: (paused) => setQueuePaused(db, schedulerQueue, paused),

		tick,

		start() {
			const run = () => {
				if (ticking) return;
				ticking = tick()
					.catch((err) => logger.warn({ err }, "schedule tick failed"))
					.finally(() => {
						ticking = undefined;
					});
			};
			run();
			timer = setInterval(run, opts.tickMs ?? 1000);
		},

		async close() {
			clearInterval(timer);
			await ticking;
		},
	};
	return scheduler;
}
