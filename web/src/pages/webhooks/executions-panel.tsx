import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	useExecutions,
	useTaskLog,
	useTasks,
	type WebhookExecution,
	type WebhookPolicy,
	type WebhookTask,
} from "../../api/webhooks.ts";
import { Button } from "../../components/button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { Dialog } from "../../components/dialog.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatTime } from "../../components/format.ts";
import { StatusBadge } from "../../components/status-badge.tsx";

const pageSize = 10;
/** A delivery's status in words and colour (the words carry it). */
function Status({ status, testId }: { status: string; testId: string }) {
	const { t } = useTranslation();
	return (
		<StatusBadge
			status={status}
			text={t(`webhooks.status.${status}`, { defaultValue: status })}
			testId={testId}
		/>
	);
}

/** A policy's executions (one per event), newest first; one opened shows its tasks (one per target) and their logs. */
export function ExecutionsPanel({
	projectId,
	policy,
	onClose,
}: {
	projectId: number;
	policy: WebhookPolicy;
	onClose: () => void;
}) {
	const { t, i18n } = useTranslation();
	const [page, setPage] = useState(1);
	const executions = useExecutions(projectId, policy.id, { page, pageSize });
	const [open, setOpen] = useState<WebhookExecution | null>(null);
	const time = (v: string | undefined) =>
		formatTime(v, i18n.language, { seconds: true });
	const columns: Column<WebhookExecution>[] = [
		{
			id: "id",
			header: t("webhooks.execution.id"),
			cell: ({ row }) => <span className="font-mono">{row.original.id}</span>,
		},
		{
			id: "event",
			header: t("webhooks.execution.event"),
			cell: ({ row }) => {
				const e = row.original.extra_attrs.event_type ?? "";
				return t(`webhooks.event.${e}`, { defaultValue: e });
			},
		},
		{
			id: "status",
			header: t("webhooks.execution.status"),
			cell: ({ row }) => (
				<Status status={row.original.status} testId="execution-status" />
			),
		},
		{
			id: "start",
			header: t("webhooks.execution.start"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => time(row.original.start_time),
		},
		{
			id: "end",
			header: t("webhooks.execution.end"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => time(row.original.end_time),
		},
		{
			id: "actions",
			header: t("common.actions"),
			meta: { className: "text-right" },
			cell: ({ row }) => (
				<Button
					variant="ghost"
					className="-my-1.5"
					onClick={() => setOpen(row.original)}
					aria-label={t("webhooks.execution.tasksOf", { id: row.original.id })}
				>
					{t("webhooks.execution.tasks")}
				</Button>
			),
		},
	];
	return (
		<section aria-labelledby="webhook-executions-heading" className="mt-8">
			<div className="mb-2 flex flex-wrap items-center justify-between gap-2">
				<h3 id="webhook-executions-heading" className="text-lg font-semibold">
					{t("webhooks.execution.title", { name: policy.name })}
				</h3>
				<Button variant="secondary" onClick={onClose}>
					{t("webhooks.execution.hide")}
				</Button>
			</div>
			<DataTable
				label={t("webhooks.execution.title", { name: policy.name })}
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
					<EmptyState title={t("webhooks.execution.empty")}>
						{t("webhooks.execution.emptyHint")}
					</EmptyState>
				}
			/>
			{open && (
				<TasksDialog
					projectId={projectId}
					policyId={policy.id}
					execution={open}
					onClose={() => setOpen(null)}
				/>
			)}
		</section>
	);
}

/** An execution's deliveries, one per target: where, how many tries, the outcome, and each one's log. */
function TasksDialog({
	projectId,
	policyId,
	execution,
	onClose,
}: {
	projectId: number;
	policyId: number;
	execution: WebhookExecution;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const tasks = useTasks(projectId, policyId, execution.id);
	const [logOf, setLogOf] = useState<WebhookTask | null>(null);
	return (
		<Dialog
			open
			wide
			title={t("webhooks.task.title", { id: execution.id })}
			onClose={onClose}
		>
			<ErrorMessage error={tasks.error} />
			<ul className="space-y-3">
				{(tasks.data?.items ?? []).map((task) => (
					<li
						key={task.id}
						data-testid="task-row"
						className="rounded border border-slate-200 p-3 text-sm dark:border-slate-700"
					>
						<div className="flex flex-wrap items-center justify-between gap-2">
							<span className="break-all font-mono text-xs">
								{task.extra_attrs.notify_type} ·{" "}
								{task.extra_attrs.payload_format} → {task.extra_attrs.address}
							</span>
							<Status status={task.status} testId="task-status" />
						</div>
						<p className="mt-1 text-xs text-slate-600 dark:text-slate-300">
							{t("webhooks.task.tries", { count: task.run_count })}
							{task.status_message ? ` · ${task.status_message}` : ""}
						</p>
						<Button
							variant="ghost"
							className="mt-1"
							onClick={() => setLogOf(logOf?.id === task.id ? null : task)}
						>
							{logOf?.id === task.id
								? t("webhooks.task.hideLog")
								: t("webhooks.task.log")}
						</Button>
						{logOf?.id === task.id && (
							<TaskLog projectId={projectId} policyId={policyId} task={task} />
						)}
					</li>
				))}
			</ul>
		</Dialog>
	);
}

function TaskLog({
	projectId,
	policyId,
	task,
}: {
	projectId: number;
	policyId: number;
	task: WebhookTask;
}) {
	const { t } = useTranslation();
	const log = useTaskLog(
		projectId,
		policyId,
		task.execution_id,
		task.id,
		task.status === "Pending" || task.status === "Running",
	);
	if (log.error) return <ErrorMessage error={log.error} />;
	return (
		// biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label names the box when it has the focus.
		<pre
			// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable box must take the focus (axe: scrollable-region-focusable).
			tabIndex={0}
			aria-label={t("webhooks.task.logOf", { id: task.id })}
			data-testid="task-log"
			className="mt-2 max-h-72 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-3 font-mono text-xs dark:bg-slate-950"
		>
			{log.data === undefined
				? t("webhooks.task.loading")
				: log.data || t("webhooks.task.emptyLog")}
		</pre>
	);
}
