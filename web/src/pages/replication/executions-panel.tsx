import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	isRunning,
	type ReplicationExecution,
	type ReplicationPolicy,
	startsByItself,
	useExecutions,
	useRetryFailedTasks,
	useStopExecution,
} from "../../api/replication.ts";
import { Button } from "../../components/button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatTime } from "../../components/format.ts";
import { duration, successRate } from "./execution-figures.ts";
import { Panel } from "./panel.tsx";
import { StatusBadge } from "./status-badge.tsx";
import { TasksPanel } from "./tasks-panel.tsx";
import { useSelectionParam } from "./use-selection-param.ts";

const pageSize = 10;

/**
 * A rule's executions, newest first, refreshed every few seconds while one runs: status, trigger, start, duration and
 * how its tasks went; stop one that runs, retry one's failed tasks, open one's tasks (`?execution=`).
 */
export function ExecutionsPanel({
	policy,
	onClose,
}: {
	policy: ReplicationPolicy;
	onClose: () => void;
}) {
	const { t, i18n } = useTranslation();
	const [page, setPage] = useState(1);
	const [executionId, show] = useSelectionParam("execution");
	const executions = useExecutions(
		{ policyId: policy.id, page, pageSize, sort: "-start_time" },
		startsByItself(policy),
	);
	const stop = useStopExecution();
	const retry = useRetryFailedTasks();
	const [retried, setRetried] = useState<number | null>(null);
	const open = executions.data?.items.find((e) => e.id === executionId) ?? null;

	const columns: Column<ReplicationExecution>[] = [
		{
			id: "id",
			header: t("replication.execution.id"),
			cell: ({ row }) => (
				<button
					type="button"
					className="font-mono text-[#0f4c81] underline dark:text-sky-300"
					aria-pressed={row.original.id === executionId}
					aria-label={t("replication.execution.tasksOf", {
						id: row.original.id,
					})}
					onClick={() => show(row.original.id)}
				>
					#{row.original.id}
				</button>
			),
		},
		{
			id: "status",
			header: t("replication.execution.status"),
			cell: ({ row }) => (
				<span className="flex flex-col items-start gap-0.5">
					<StatusBadge status={row.original.status} testId="execution-status" />
					{row.original.status_text && (
						<span className="text-xs text-slate-600 dark:text-slate-300">
							{row.original.status_text}
						</span>
					)}
				</span>
			),
		},
		{
			id: "trigger",
			header: t("replication.execution.trigger"),
			cell: ({ row }) =>
				t(`replication.trigger.${row.original.trigger}`, {
					defaultValue: row.original.trigger,
				}),
		},
		{
			id: "start",
			header: t("replication.execution.start"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) =>
				formatTime(row.original.start_time, i18n.language, { seconds: true }),
		},
		{
			id: "duration",
			header: t("replication.execution.duration"),
			meta: { className: "whitespace-nowrap tabular-nums" },
			cell: ({ row }) =>
				duration(row.original.start_time, row.original.end_time) ?? "—",
		},
		{
			id: "tasks",
			header: t("replication.execution.tasks"),
			cell: ({ row }) => <Counts execution={row.original} />,
		},
		{
			id: "actions",
			header: t("common.actions"),
			meta: { className: "whitespace-nowrap text-right" },
			cell: ({ row }) => {
				const e = row.original;
				return (
					<div className="flex justify-end gap-1">
						{isRunning(e.status) && (
							<Button
								variant="ghost"
								className="-my-1.5"
								disabled={stop.isPending}
								onClick={() => stop.mutate(e.id)}
								aria-label={t("replication.execution.stopNamed", { id: e.id })}
							>
								{t("replication.execution.stop")}
							</Button>
						)}
						{e.failed + e.stopped > 0 && !isRunning(e.status) && (
							<Button
								variant="ghost"
								className="-my-1.5"
								disabled={retry.isPending}
								onClick={() =>
									retry.mutate(e.id, {
										onSuccess: (r) => {
											setRetried(r?.retried ?? 0);
											show(e.id);
										},
									})
								}
								aria-label={t("replication.execution.retryNamed", { id: e.id })}
							>
								{t("replication.execution.retry")}
							</Button>
						)}
					</div>
				);
			},
		},
	];

	return (
		<Panel
			id="executions-heading"
			level={2}
			title={t("replication.execution.title", { name: policy.name })}
			hideLabel={t("replication.execution.hide")}
			onHide={onClose}
		>
			<div role="status" className="text-sm">
				{retried !== null && (
					<p className="mb-2" data-testid="retry-result">
						{t("replication.execution.retried", { count: retried })}
					</p>
				)}
			</div>
			{(stop.error || retry.error) && (
				<ErrorMessage error={stop.error ?? retry.error} />
			)}
			<DataTable
				label={t("replication.execution.tableLabel", { name: policy.name })}
				columns={columns}
				rows={executions.data?.items}
				rowKey={(e) => e.id}
				isPending={executions.isPending}
				isPlaceholderData={executions.isPlaceholderData}
				error={executions.error}
				rowTestId="execution-row"
				total={executions.data?.total}
				page={page}
				pageSize={pageSize}
				onPage={setPage}
				empty={
					<EmptyState title={t("replication.execution.empty")}>
						{t("replication.execution.emptyHint")}
					</EmptyState>
				}
			/>
			{open && <TasksPanel execution={open} onClose={() => show(null)} />}
		</Panel>
	);
}

/** How the tasks went: the success rate and each count that is not zero. */
function Counts({ execution: e }: { execution: ReplicationExecution }) {
	const { t } = useTranslation();
	const rate = successRate(e);
	const parts = (["succeed", "failed", "in_progress", "stopped"] as const)
		.filter((k) => e[k] > 0)
		.map((k) => t(`replication.count.${k}`, { count: e[k] }));
	return (
		<span className="flex flex-col" data-testid="execution-counts">
			<span className="tabular-nums">
				{rate === null
					? t("replication.execution.noTasks")
					: t("replication.execution.rate", { rate, total: e.total })}
			</span>
			{parts.length > 0 && (
				<span className="text-xs text-slate-600 dark:text-slate-300">
					{parts.join(" · ")}
				</span>
			)}
		</span>
	);
}
