import type { Db } from "../../db/database.ts";
import type { Scheduler } from "../scheduler.ts";

export type ScheduleType = "Hourly" | "Daily" | "Weekly" | "Custom";

/** Harbor's presets (six fields, seconds first, UTC). */
export const presetCron: Record<Exclude<ScheduleType, "Custom">, string> = {
	Hourly: "0 0 * * * *",
	Daily: "0 0 0 * * *",
	Weekly: "0 0 0 * * 0",
};

export type SystemScheduleRow<P> = {
	type: ScheduleType;
	cron: string;
	parameters: P;
	nextRun: string;
	creationTime: string;
	updateTime: string;
};

/**
 * A system job's one schedule (GC's, the audit-log purge's): a row of the job system's schedules (vendor id 0) whose
 * payload carries the run's parameters and the schedule's type.
 */
export function createSystemSchedule<P>(
	db: Db,
	schedules: Scheduler,
	jobType: string,
) {
	return {
		async get(): Promise<SystemScheduleRow<P> | undefined> {
			const r = await db
				.selectFrom("schedules")
				.select(["cron", "payload", "next_run", "creation_time", "update_time"])
				.where("vendor_type", "=", jobType)
				.where("vendor_id", "=", 0)
				.executeTakeFirst();
			if (!r) return undefined;
			const p = JSON.parse(r.payload) as {
				parameters: P;
				scheduleType?: ScheduleType;
			};
			return {
				type: p.scheduleType ?? "Custom",
				cron: r.cron,
				parameters: p.parameters,
				nextRun: r.next_run,
				creationTime: r.creation_time,
				updateTime: r.update_time,
			};
		},

		/** Sets the schedule; a cron Harbor would refuse throws CronError (400). */
		set: (type: ScheduleType, cron: string, parameters: P) =>
			schedules.set(jobType, 0, type === "Custom" ? cron : presetCron[type], {
				parameters,
				scheduleType: type,
			}),

		remove: () => schedules.remove(jobType, 0),
	};
}

export type SystemSchedule<P> = ReturnType<typeof createSystemSchedule<P>>;
