import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	isRunning,
	type ReplicationExecution,
	type ReplicationTask,
	useTaskLog,
	useTasks,
} from "../../api/replication.ts";
import { Button } from "../../components/button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { Dialog } from "../../components/dialog.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatTime } from "../../components/format.ts";
import { Panel } from "./panel.tsx";
import { StatusBadge } from "./status-badge.tsx";

const pageSize = 15;

/** An execution's tasks, live while it runs: what each copied (or deleted) from where to where, and its log. */
export function TasksPanel({
	execution,
	onClose,
}: {
	execution: ReplicationExecution;
	onClose: () => void;
}) {
	const { t, i18n } = useTranslation();
	const [page, setPage] = useState(1);
	const tasks = useTasks(
		{ executionId: execution.id, page, pageSize },
		isRunning(execution.status),
	);
	const [logOf, setLogOf] = useState<ReplicationTask | null>(null);
	const time = (v: string | null | undefined) =>
		formatTime(v, i18n.language, { seconds: true });

	const columns: Column<ReplicationTask>[] = [
		{
			id: "id",
			header: t("replication.task.id"),
			cell: ({ row }) => <span className="font-mono">{row.original.id}</span>,
		},
		{
			id: "status",
			header: t("replication.task.status"),
			cell: ({ row }) => (
				<StatusBadge status={row.original.status} testId="task-status" />
			),
		},
		{
			id: "resource",
			header: t("replication.task.resourceType"),
			cell: ({ row }) =>
				t(`replication.resource.${row.original.resource_type}`, {
					defaultValue: row.original.resource_type,
				}),
		},
		{
			id: "operation",
			header: t("replication.task.operation"),
			cell: ({ row }) =>
				t(`replication.operation.${row.original.operation}`, {
					defaultValue: row.original.operation,
				}),
		},
		{
			id: "route",
			header: t("replication.task.route"),
			cell: ({ row }) => (
				<span className="break-all font-mono text-xs">
					{row.original.src_resource} → {row.original.dst_resource}
				</span>
			),
		},
		{
			id: "start",
			header: t("replication.task.start"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => time(row.original.start_time),
		},
		{
			id: "end",
			header: t("replication.task.end"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => time(row.original.end_time),
		},
		{
			id: "actions",
			header: t("common.actions"),
			meta: { className: "whitespace-nowrap text-right" },
			cell: ({ row }) => (
				<Button
					variant="ghost"
					className="-my-1.5"
					onClick={() => setLogOf(row.original)}
					aria-label={t("replication.task.logNamed", { id: row.original.id })}
				>
					{t("replication.task.log")}
				</Button>
			),
		},
	];

	return (
		<Panel
			id="tasks-heading"
			level={3}
			title={t("replication.task.title", { id: execution.id })}
			hideLabel={t("replication.task.hide")}
			onHide={onClose}
		>
			<DataTable
				label={t("replication.task.title", { id: execution.id })}
				columns={columns}
				rows={tasks.data?.items}
				rowKey={(task) => task.id}
				isPending={tasks.isPending}
				isPlaceholderData={tasks.isPlaceholderData}
				error={tasks.error}
				rowTestId="task-row"
				total={tasks.data?.total}
				page={page}
				pageSize={pageSize}
				onPage={setPage}
				empty={
					<EmptyState title={t("replication.task.empty")}>
						{t(
							isRunning(execution.status)
								? "replication.task.emptyRunning"
								: "replication.task.emptyHint",
						)}
					</EmptyState>
				}
			/>
			{logOf && (
				<TaskLogDialog
					executionId={execution.id}
					task={tasks.data?.items.find((x) => x.id === logOf.id) ?? logOf}
					onClose={() => setLogOf(null)}
				/>
			)}
		</Panel>
	);
}

/** A task's plain-text log, followed while the task runs. */
function TaskLogDialog({
	executionId,
	task,
	onClose,
}: {
	executionId: number;
	task: ReplicationTask;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const log = useTaskLog(executionId, task.id, isRunning(task.status));
	return (
		<Dialog
			open
			wide
			title={t("replication.task.logTitle", { id: task.id })}
			onClose={onClose}
		>
			<p className="mb-2 break-all font-mono text-xs">
				{task.src_resource} → {task.dst_resource}
			</p>
			{log.error ? (
				<ErrorMessage error={log.error} />
			) : (
				// Focusable, so a keyboard user can scroll a long log; its label names it when focused.
				// biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label names the box when it has the focus.
				<pre
					// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable box must take the focus (axe: scrollable-region-focusable).
					tabIndex={0}
					aria-label={t("replication.task.logTitle", { id: task.id })}
					data-testid="task-log"
					className="max-h-96 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-3 font-mono text-xs dark:bg-slate-950"
				>
					{log.data === undefined
						? t("replication.task.loading")
						: log.data || t("replication.task.emptyLog")}
				</pre>
			)}
		</Dialog>
	);
}
