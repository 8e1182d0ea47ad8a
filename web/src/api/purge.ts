import {
	parametersOf as parametersOfRun,
	type SystemRun,
	systemRunClient,
} from "./system-runs.ts";

/** Harbor's ExecHistory of an audit-log purge, with what Wharf adds: the rows it deleted (a dry run: would delete), per event type. */
export type PurgeRun = SystemRun & {
	deleted_rows: number;
	deleted_by_event_type: Record<string, number>;
};

/** Harbor's purge parameters: rows older than the hours given, of the event types listed (comma-separated; `other` for the rest). */
export type PurgeParameters = {
	audit_retention_hour: number;
	include_event_types: string;
	dry_run: boolean;
};

/** Harbor's console groups every event type it does not list under this name. */
export const otherEventTypes = "other";

export const purgeParametersOf = (run: { job_parameters?: string }) =>
	parametersOfRun<PurgeParameters>(run);

const purge = systemRunClient<PurgeRun, PurgeParameters>(
	"purge",
	"/system/purgeaudit",
);

export const purgeKeys = purge.keys;
export const getPurgeHistory = purge.getHistory;
export const usePurgeHistory = purge.useHistory;
export const getPurgeSchedule = purge.getSchedule;
export const usePurgeSchedule = purge.useSchedule;
export const getPurgeLog = purge.getLog;
export const usePurgeLog = purge.useLog;
export const runPurge = purge.run;
export const useRunPurge = purge.useRun;
export const savePurgeSchedule = purge.saveSchedule;
export const useSavePurgeSchedule = purge.useSaveSchedule;
export const stopPurge = purge.stop;
export const useStopPurge = purge.useStop;
