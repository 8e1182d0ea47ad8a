import type { Db } from '../db/database.ts';
import type { Scheduler } from '../jobs/scheduler.ts';
import type { GcParameters } from './collector.ts';

export type ScheduleType = 'Hourly' | 'Daily' | 'Weekly' | 'Custom';

/** Harbor's presets (six fields, seconds first, UTC). */
export const presetCron: Record<Exclude<ScheduleType, 'Custom'>, string> = {
  Hourly: '0 0 * * * *',
  Daily: '0 0 0 * * *',
  Weekly: '0 0 0 * * 0',
};

export type GcScheduleRow = {
  type: ScheduleType; cron: string; parameters: GcParameters; nextRun: string; creationTime: string; updateTime: string;
};

/** The system's one GC schedule: a row of the job system's schedules (vendor id 0) whose payload names its type. */
export function createGcSchedule(db: Db, schedules: Scheduler, jobType: string) {
  return {
    async get(): Promise<GcScheduleRow | undefined> {
      const r = await db.selectFrom('schedules').select(['cron', 'payload', 'next_run', 'creation_time', 'update_time'])
        .where('vendor_type', '=', jobType).where('vendor_id', '=', 0).executeTakeFirst();
      if (!r) return undefined;
      const p = JSON.parse(r.payload) as { parameters: GcParameters; scheduleType?: ScheduleType };
      return { type: p.scheduleType ?? 'Custom', cron: r.cron, parameters: p.parameters, nextRun: r.next_run, creationTime: r.creation_time, updateTime: r.update_time };
    },

    /** Sets the schedule; a cron Harbor would refuse throws CronError (400). */
    set: (type: ScheduleType, cron: string, parameters: GcParameters) =>
      schedules.set(jobType, 0, type === 'Custom' ? cron : presetCron[type], { parameters, scheduleType: type }),

    remove: () => schedules.remove(jobType, 0),
  };
}

export type GcSchedule = ReturnType<typeof createGcSchedule>;
