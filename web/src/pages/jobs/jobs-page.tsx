import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type JobQueue,
	type JobWorker,
	schedulerQueue,
	useJobLog,
	useJobQueues,
	useQueueAction,
	useRunningJobs,
	useSchedulerPaused,
	useStopJob,
} from "../../api/jobservice.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { Dialog } from "../../components/dialog.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatTime } from "../../components/format.ts";

/** /admin/jobs: each job type's queue (pending, waiting time, paused), the jobs running now with their progress, the scheduler. */
export default function JobsPage() {
	const { t } = useTranslation();
	const queues = useJobQueues();
	const running = useRunningJobs();
	const [stopping, setStopping] = useState<JobQueue | null>(null);
	const [logOf, setLogOf] = useState<JobWorker | null>(null);
	const act = useQueueAction();
	const stop = useStopJob();

	const queueColumns: Column<JobQueue>[] = [
		{
			id: "type",
			header: t("jobs.type"),
			cell: ({ row }) => (
				<span className="font-mono text-sm">{row.original.job_type}</span>
			),
		},
		{
			id: "pending",
			header: t("jobs.pending"),
			cell: ({ row }) => row.original.count,
		},
		{
			id: "latency",
			header: t("jobs.latency"),
			cell: ({ row }) => t("jobs.seconds", { count: row.original.latency }),
		},
		{
			id: "state",
			header: t("jobs.state"),
			cell: ({ row }) =>
				row.original.paused ? (
					<span className="rounded bg-amber-100 px-2 py-0.5 text-sm text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">
						{t("jobs.paused")}
					</span>
				) : (
					<span className="text-sm">{t("jobs.active")}</span>
				),
		},
		{
			id: "actions",
			header: t("common.actions"),
			meta: { className: "whitespace-nowrap text-right" },
			cell: ({ row }) => {
				const q = row.original;
				return (
					<div className="flex justify-end gap-1">
						<Button
							variant="ghost"
							className="-my-1.5"
							disabled={act.isPending}
							onClick={() =>
								act.mutate({
									type: q.job_type,
									action: q.paused ? "resume" : "pause",
								})
							}
							aria-label={t(q.paused ? "jobs.resumeNamed" : "jobs.pauseNamed", {
								type: q.job_type,
							})}
						>
							{t(q.paused ? "jobs.resume" : "jobs.pause")}
						</Button>
						<Button
							variant="ghost"
							className="-my-1.5"
							onClick={() => setStopping(q)}
							aria-label={t("jobs.stopQueueNamed", { type: q.job_type })}
						>
							{t("jobs.stop")}
						</Button>
					</div>
				);
			},
		},
	];

	const runningColumns: Column<JobWorker>[] = [
		{
			id: "id",
			header: t("jobs.jobId"),
			cell: ({ row }) => (
				<span className="font-mono text-sm">{row.original.job_id}</span>
			),
		},
		{
			id: "type",
			header: t("jobs.type"),
			cell: ({ row }) => (
				<span className="font-mono text-sm">{row.original.job_name}</span>
			),
		},
		{
			id: "started",
			header: t("jobs.started"),
			cell: ({ row }) => <StartedAt worker={row.original} />,
		},
		{
			id: "progress",
			header: t("jobs.progress"),
			meta: { className: "w-56" },
			cell: ({ row }) => {
				const percent = Number.parseInt(row.original.check_in, 10) || 0;
				return (
					<div className="flex items-center gap-2">
						<progress
							className="h-2 w-36"
							max={100}
							value={percent}
							aria-label={t("jobs.progressOf", { id: row.original.job_id })}
						/>
						<span className="text-sm tabular-nums">{percent}%</span>
					</div>
				);
			},
		},
		{
			id: "actions",
			header: t("common.actions"),
			meta: { className: "whitespace-nowrap text-right" },
			cell: ({ row }) => (
				<div className="flex justify-end gap-1">
					<Button
						variant="ghost"
						className="-my-1.5"
						onClick={() => setLogOf(row.original)}
						aria-label={t("jobs.logNamed", { id: row.original.job_id })}
					>
						{t("jobs.log")}
					</Button>
					<Button
						variant="ghost"
						className="-my-1.5"
						disabled={stop.isPending}
						onClick={() => stop.mutate(row.original.job_id)}
						aria-label={t("jobs.stopJobNamed", { id: row.original.job_id })}
					>
						{t("jobs.stop")}
					</Button>
				</div>
			),
		},
	];

	return (
		<section>
			<h1 className="mb-1 text-2xl font-semibold">{t("nav.admin.jobs")}</h1>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("jobs.intro")}
			</p>
			<SchedulerSwitch />
			{(act.error || stop.error) && (
				<div className="mb-3">
					<ErrorMessage error={act.error ?? stop.error} />
				</div>
			)}
			<h2 className="mb-2 mt-6 text-lg font-semibold">{t("jobs.queues")}</h2>
			<DataTable
				label={t("jobs.queues")}
				columns={queueColumns}
				rows={queues.data}
				rowKey={(q) => q.job_type}
				isPending={queues.isPending}
				error={queues.error}
				rowTestId="job-queue-row"
				empty={
					<EmptyState title={t("jobs.noQueues")}>
						{t("jobs.noQueuesHint")}
					</EmptyState>
				}
			/>
			<h2 className="mb-2 mt-6 text-lg font-semibold">{t("jobs.running")}</h2>
			<DataTable
				label={t("jobs.running")}
				columns={runningColumns}
				rows={running.data}
				rowKey={(w) => w.id}
				isPending={running.isPending}
				error={running.error}
				rowTestId="running-job-row"
				empty={<EmptyState title={t("jobs.noneRunning")} />}
			/>
			<ConfirmDialog
				open={stopping !== null}
				title={t("jobs.stopQueueTitle", { type: stopping?.job_type ?? "" })}
				confirmLabel={t("jobs.stop")}
				pending={act.isPending}
				error={act.error}
				onConfirm={() =>
					stopping &&
					act.mutate(
						{ type: stopping.job_type, action: "stop" },
						{ onSuccess: () => setStopping(null) },
					)
				}
				onClose={() => {
					setStopping(null);
					act.reset();
				}}
			>
				{t("jobs.stopQueueText")}
			</ConfirmDialog>
			{logOf && <JobLogDialog worker={logOf} onClose={() => setLogOf(null)} />}
		</section>
	);
}

function StartedAt({ worker }: { worker: JobWorker }) {
	const { i18n } = useTranslation();
	return (
		<>
			{worker.start_at
				? formatTime(worker.start_at, i18n.language, { seconds: true })
				: "—"}
		</>
	);
}

/** Whether cron schedules fire (GC, scan all, scheduled replication): a pause holds them all until resumed. */
function SchedulerSwitch() {
	const { t } = useTranslation();
	const paused = useSchedulerPaused();
	const act = useQueueAction();
	if (paused.data === undefined) return null;
	return (
		<div
			className="flex items-center gap-3 rounded border border-slate-200 px-3 py-2 text-sm dark:border-slate-700"
			data-testid="scheduler"
		>
			<span>
				{t(paused.data ? "jobs.schedulerPaused" : "jobs.schedulerRunning")}
			</span>
			<Button
				variant="secondary"
				disabled={act.isPending}
				onClick={() =>
					act.mutate({
						type: schedulerQueue,
						action: paused.data ? "resume" : "pause",
					})
				}
			>
				{t(paused.data ? "jobs.resumeSchedules" : "jobs.pauseSchedules")}
			</Button>
		</div>
	);
}

function JobLogDialog({
	worker,
	onClose,
}: {
	worker: JobWorker;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const log = useJobLog(worker.job_id);
	return (
		<Dialog
			open
			wide
			title={t("jobs.logTitle", { id: worker.job_id })}
			onClose={onClose}
		>
			{log.error ? (
				<ErrorMessage error={log.error} />
			) : (
				<pre
					className="max-h-96 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-3 font-mono text-xs dark:bg-slate-950"
					data-testid="job-log"
				>
					{log.data === undefined
						? t("jobs.loading")
						: log.data || t("jobs.emptyLog")}
				</pre>
			)}
		</Dialog>
	);
}
