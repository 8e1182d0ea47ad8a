import { useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";

/** Harbor's ExecHistory (GCHistory has the same fields): one run of a system job, and how far it is while it runs. */
export type SystemRun = {
	id: number;
	job_name: string;
	job_kind: "Manual" | "Schedule";
	/** JSON of the run's parameters. */
	job_parameters: string;
	job_status: "Pending" | "Running" | "Success" | "Error" | "Stopped";
	creation_time: string;
	update_time: string;
	progress?: number;
};

export type ScheduleType = "None" | "Hourly" | "Daily" | "Weekly" | "Custom";

/** GET …/schedule: `{}` when there is none. */
export type SystemSchedule = {
	schedule?: { type: ScheduleType; cron: string; next_scheduled_time?: string };
	job_parameters?: string;
};

export const parametersOf = <P>(run: {
	job_parameters?: string;
}): Partial<P> => {
	try {
		return JSON.parse(run.job_parameters ?? "{}") as Partial<P>;
	} catch {
		return {};
	}
};

export const isLive = (r: SystemRun) =>
	r.job_status === "Pending" || r.job_status === "Running";

/**
 * The client of a system job's API (`/system/gc`, `/system/purgeaudit`: the same shape in Harbor): its keys, the
 * history (refreshed every second while a run is pending or running), the schedule, a run's log, and the mutations.
 */
export function systemRunClient<R extends SystemRun, P>(
	root: string,
	base: string,
) {
	const keys = {
		all: [root] as const,
		history: (p: { page: number; pageSize: number }) =>
			[root, "history", p] as const,
		schedule: [root, "schedule"] as const,
		log: (id: number) => [root, "log", id] as const,
	};
	const getHistory = (p: { page: number; pageSize: number }) =>
		api.page<R>(
			`/api/v2.0${base}${query({ page: p.page, page_size: p.pageSize })}`,
		);
	const getSchedule = () =>
		api.get<SystemSchedule>(`/api/v2.0${base}/schedule`);
	const getLog = (id: number) => api.text(`/api/v2.0${base}/${id}/log`);
	/** Runs now (Harbor's Manual schedule type). */
	const run = (parameters: P) =>
		api.send("POST", `/api/v2.0${base}/schedule`, {
			schedule: { type: "Manual" },
			parameters,
		});
	const saveSchedule = (v: {
		type: ScheduleType;
		cron: string;
		parameters: P;
	}) =>
		api.send("PUT", `/api/v2.0${base}/schedule`, {
			schedule: {
				type: v.type,
				cron: v.type === "Custom" ? v.cron : undefined,
			},
			parameters: v.parameters,
		});
	const stop = (id: number) => api.send("PUT", `/api/v2.0${base}/${id}`);
	return {
		keys,
		getHistory,
		getSchedule,
		getLog,
		run,
		saveSchedule,
		stop,
		useHistory: (p: { page: number; pageSize: number }) =>
			useQuery({
				queryKey: keys.history(p),
				queryFn: () => getHistory(p),
				refetchInterval: (q) =>
					q.state.data?.items.some(isLive) ? 1000 : false,
			}),
		useSchedule: () =>
			useQuery({ queryKey: keys.schedule, queryFn: getSchedule }),
		useLog: (id: number, live: boolean) =>
			useQuery({
				queryKey: keys.log(id),
				queryFn: () => getLog(id),
				refetchInterval: live ? 1000 : false,
			}),
		useRun: () => useInvalidatingMutation(run, [keys.all]),
		useSaveSchedule: () =>
			useInvalidatingMutation(saveSchedule, [keys.schedule]),
		useStop: () => useInvalidatingMutation(stop, [keys.all]),
	};
}
