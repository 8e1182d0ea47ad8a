import {
	parametersOf as parametersOfRun,
	type ScheduleType,
	type SystemRun,
	type SystemSchedule,
	systemRunClient,
} from "./system-runs.ts";

/** Harbor's GCHistory, with what Wharf adds: what the run freed (a dry run: would free) and, running, its progress. */
export type GcRun = SystemRun & {
	blobs_deleted: number;
	freed_bytes: number;
	artifacts_deleted: number;
};

export type GcParameters = {
	delete_untagged: boolean;
	dry_run: boolean;
	workers: number;
};

export type GcScheduleType = ScheduleType;
export type GcSchedule = SystemSchedule;

export const parametersOf = (run: { job_parameters?: string }) =>
	parametersOfRun<GcParameters>(run);

const gc = systemRunClient<GcRun, GcParameters>("gc", "/system/gc");

export const gcKeys = gc.keys;
export const getGcHistory = gc.getHistory;
export const useGcHistory = gc.useHistory;
export const getGcSchedule = gc.getSchedule;
export const useGcSchedule = gc.useSchedule;
export const getGcLog = gc.getLog;
export const useGcLog = gc.useLog;
export const runGc = gc.run;
export const useRunGc = gc.useRun;
export const saveGcSchedule = gc.saveSchedule;
export const useSaveGcSchedule = gc.useSaveSchedule;
export const stopGc = gc.stop;
export const useStopGc = gc.useStop;
