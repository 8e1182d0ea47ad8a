import { useQuery } from "@tanstack/react-query";
import { api } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";

/** Harbor's JobQueue: pending jobs of one type, the oldest one's wait in seconds, and whether the type is paused. */
export type JobQueue = {
	job_type: string;
	count: number;
	latency: number;
	paused: boolean;
};

/** Harbor's Worker: one job running now; `check_in` is its progress ("40%"). */
export type JobWorker = {
	id: string;
	pool_id: string;
	job_name: string;
	job_id: string;
	start_at: string | null;
	check_in: string;
};

export type QueueAction = "stop" | "pause" | "resume";

/** The scheduler's pause is the queue action on SCHEDULER, as in Harbor. */
export const schedulerQueue = "SCHEDULER";

export const jobKeys = {
	all: ["jobservice"] as const,
	queues: () => ["jobservice", "queues"] as const,
	running: () => ["jobservice", "running"] as const,
	schedulerPaused: () => ["jobservice", "scheduler-paused"] as const,
	log: (id: string) => ["jobservice", "log", id] as const,
};

/** Jobs move on their own: lists refresh every few seconds while shown. */
const live = 3000;

export const getJobQueues = () =>
	api.get<JobQueue[]>("/api/v2.0/jobservice/queues");
export const useJobQueues = () =>
	useQuery({
		queryKey: jobKeys.queues(),
		queryFn: getJobQueues,
		refetchInterval: live,
	});

export const getRunningJobs = () =>
	api.get<JobWorker[]>("/api/v2.0/jobservice/pools/all/workers");
export const useRunningJobs = () =>
	useQuery({
		queryKey: jobKeys.running(),
		queryFn: getRunningJobs,
		refetchInterval: live,
	});

export const getSchedulerPaused = async () =>
	(await api.get<{ paused: boolean }>("/api/v2.0/schedules/all/paused")).paused;
export const useSchedulerPaused = () =>
	useQuery({
		queryKey: jobKeys.schedulerPaused(),
		queryFn: getSchedulerPaused,
		refetchInterval: live,
	});

export const getJobLog = (id: string) =>
	api.text(`/api/v2.0/jobservice/jobs/${encodeURIComponent(id)}/log`);
export const useJobLog = (id: string) =>
	useQuery({
		queryKey: jobKeys.log(id),
		queryFn: () => getJobLog(id),
		refetchInterval: live,
	});

export const actOnQueue = (type: string, action: QueueAction) =>
	api.send("PUT", `/api/v2.0/jobservice/queues/${encodeURIComponent(type)}`, {
		action,
	});
export const useQueueAction = () =>
	useInvalidatingMutation(
		(v: { type: string; action: QueueAction }) => actOnQueue(v.type, v.action),
		[jobKeys.all],
	);

export const stopJob = (id: string) =>
	api.send("PUT", `/api/v2.0/jobservice/jobs/${encodeURIComponent(id)}`);
export const useStopJob = () => useInvalidatingMutation(stopJob, [jobKeys.all]);
