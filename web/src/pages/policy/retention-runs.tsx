import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	isRunning,
	type RetentionExecution,
	type RetentionRow,
	type RetentionTask,
	useRetentionExecutions,
	useRetentionRows,
	useRetentionTasks,
	useStopRetention,
} from "../../api/retention.ts";
import { Button } from "../../components/button.tsx";
import { CopyButton } from "../../components/copy-button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { Dialog } from "../../components/dialog.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatTime, shortDigest } from "../../components/format.ts";
import { StatusBadge } from "../../components/status-badge.tsx";
import { whyWords } from "./retention-words.ts";

const pageSize = 10;

function RunStatus({ status, testId }: { status: string; testId: string }) {
	const { t } = useTranslation();
	return (
		<StatusBadge
			status={status}
			text={t(`retention.state.${status}`, { defaultValue: status })}
			testId={testId}
		/>
	);
}

/**
 * A policy's runs, newest first (refreshed while one is running): status, who started it, dry run or not, when; one
 * running can be stopped (`canStop`); each opens its repositories and, for each, what was kept and deleted and why.
 */
export function RetentionRuns({
	policyId,
	canStop,
}: {
	policyId: number;
	canStop: boolean;
}) {
	const { t, i18n } = useTranslation();
	const [page, setPage] = useState(1);
	const executions = useRetentionExecutions(policyId, { page, pageSize });
	const stop = useStopRetention();
	const [open, setOpen] = useState<number | null>(null);
	const opened = executions.data?.items.find((e) => e.id === open);
	const time = (v: string) => formatTime(v, i18n.language, { seconds: true });
	const columns: Column<RetentionExecution>[] = [
		{
			id: "id",
			header: t("retention.execution.id"),
			cell: ({ row }) => (
				<span className="tabular-nums">#{row.original.id}</span>
			),
		},
		{
			id: "status",
			header: t("retention.execution.status"),
			cell: ({ row }) => (
				<RunStatus
					status={row.original.status}
					testId="retention-execution-status"
				/>
			),
		},
		{
			id: "trigger",
			header: t("retention.execution.trigger"),
			cell: ({ row }) =>
				t(`retention.trigger.${row.original.trigger}`, {
					defaultValue: row.original.trigger,
				}),
		},
		{
			id: "dry",
			header: t("retention.execution.dryRun"),
			cell: ({ row }) => (
				<span data-testid="retention-execution-dry">
					{row.original.dry_run ? t("common.yes") : t("common.no")}
				</span>
			),
		},
		{
			id: "start",
			header: t("retention.execution.start"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => time(row.original.start_time),
		},
		{
			id: "end",
			header: t("retention.execution.end"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => time(row.original.end_time),
		},
		{
			id: "actions",
			header: t("common.actions"),
			meta: { className: "whitespace-nowrap text-right" },
			cell: ({ row }) => {
				const e = row.original;
				return (
					<div className="flex justify-end gap-1">
						<Button
							variant="ghost"
							className="-my-1.5"
							onClick={() => setOpen(e.id)}
							aria-label={t("retention.execution.tasksOf", { id: e.id })}
						>
							{t("retention.execution.tasks")}
						</Button>
						{canStop && isRunning(e) && (
							<Button
								variant="ghost"
								className="-my-1.5"
								disabled={stop.isPending}
								onClick={() => stop.mutate({ policyId, executionId: e.id })}
								aria-label={t("retention.execution.stopOf", { id: e.id })}
							>
								{t("retention.execution.stop")}
							</Button>
						)}
					</div>
				);
			},
		},
	];
	return (
		<section aria-labelledby="retention-runs-heading" className="mt-6">
			<h3 id="retention-runs-heading" className="mb-2 text-lg font-semibold">
				{t("retention.executions")}
			</h3>
			<ErrorMessage error={stop.error} />
			<DataTable
				label={t("retention.executionsLabel")}
				columns={columns}
				rows={executions.data?.items}
				rowKey={(e) => e.id}
				isPending={executions.isPending}
				isPlaceholderData={executions.isPlaceholderData}
				error={executions.error}
				rowTestId="retention-execution-row"
				total={executions.data?.total}
				page={page}
				pageSize={pageSize}
				onPage={setPage}
				empty={
					<EmptyState title={t("retention.noExecutions")}>
						{t("retention.noExecutionsHint")}
					</EmptyState>
				}
			/>
			{opened && (
				<TasksDialog
					policyId={policyId}
					execution={opened}
					onClose={() => setOpen(null)}
				/>
			)}
		</section>
	);
}

/** A run's repositories (one task each): how many artifacts, how many kept and deleted; the one chosen shows its table below. */
function TasksDialog({
	policyId,
	execution,
	onClose,
}: {
	policyId: number;
	execution: RetentionExecution;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const tasks = useRetentionTasks(policyId, execution.id, isRunning(execution));
	const items = tasks.data?.items;
	const [chosen, setChosen] = useState<number | null>(null);
	// A run of one repository shows its table at once.
	const shown = chosen ?? (items?.length === 1 ? items[0].id : null);
	const shownTask = items?.find((x) => x.id === shown);
	// No repository: none in the rules' scope, or none judged yet, or the run ended (stopped, failed) before any.
	const emptyTitle =
		execution.status === "Succeed"
			? "retention.task.empty"
			: isRunning(execution)
				? "retention.task.emptyRunning"
				: "retention.task.emptyEnded";
	const columns: Column<RetentionTask>[] = [
		{
			id: "repository",
			header: t("retention.task.repository"),
			cell: ({ row }) => (
				<span className="break-all font-medium">{row.original.repository}</span>
			),
		},
		{
			id: "status",
			header: t("retention.task.status"),
			cell: ({ row }) => (
				<RunStatus
					status={row.original.status}
					testId="retention-task-status"
				/>
			),
		},
		{
			id: "total",
			header: t("retention.task.total"),
			meta: { className: "tabular-nums" },
			cell: ({ row }) => row.original.total,
		},
		{
			id: "retained",
			header: t("retention.task.retained"),
			meta: { className: "tabular-nums" },
			cell: ({ row }) => row.original.retained,
		},
		{
			id: "deleted",
			header: execution.dry_run
				? t("retention.task.wouldDelete")
				: t("retention.task.deleted"),
			meta: { className: "tabular-nums" },
			cell: ({ row }) => (
				<span data-testid="retention-task-deleted">
					{row.original.total - row.original.retained}
				</span>
			),
		},
		{
			id: "actions",
			header: t("common.actions"),
			meta: { className: "whitespace-nowrap text-right" },
			cell: ({ row }) => {
				const task = row.original;
				const isShown = shown === task.id;
				return (
					<Button
						variant="ghost"
						className="-my-1.5"
						aria-expanded={isShown}
						onClick={() => setChosen(isShown ? -1 : task.id)}
						aria-label={t(
							isShown ? "retention.task.hideOf" : "retention.task.showOf",
							{ repository: task.repository },
						)}
					>
						{isShown ? t("retention.task.hide") : t("retention.task.show")}
					</Button>
				);
			},
		},
	];
	return (
		<Dialog
			open
			wide
			title={t(
				execution.dry_run ? "retention.task.titleDry" : "retention.task.title",
				{ id: execution.id },
			)}
			onClose={onClose}
		>
			<DataTable
				label={t("retention.task.label", { id: execution.id })}
				columns={columns}
				rows={items}
				rowKey={(x) => x.id}
				isPending={tasks.isPending}
				error={tasks.error}
				rowTestId="retention-task-row"
				empty={
					<EmptyState title={t(emptyTitle)}>
						{execution.status === "Succeed"
							? t("retention.task.emptyHint")
							: null}
					</EmptyState>
				}
			/>
			{shownTask && !isRunning(shownTask) && (
				<section
					aria-labelledby={`retention-rows-${shownTask.id}`}
					className="mt-5"
				>
					<h3
						id={`retention-rows-${shownTask.id}`}
						className="mb-1 break-all text-base font-semibold"
					>
						{shownTask.repository}
					</h3>
					<TaskRows
						policyId={policyId}
						task={shownTask}
						dryRun={execution.dry_run}
					/>
				</section>
			)}
		</Dialog>
	);
}

/** A repository's table: each artifact, its tags and times, kept or deleted (marked), and why. */
function TaskRows({
	policyId,
	task,
	dryRun,
}: {
	policyId: number;
	task: RetentionTask;
	dryRun: boolean;
}) {
	const { t, i18n } = useTranslation();
	const rows = useRetentionRows(policyId, task.execution_id, task.id);
	const time = (v: string | null) =>
		v ? formatTime(v, i18n.language) : t("retention.row.never");
	const columns: Column<RetentionRow>[] = [
		{
			id: "digest",
			header: t("retention.row.digest"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => (
				<span className="inline-flex items-center gap-1">
					<span className="font-mono text-xs" title={row.original.digest}>
						{shortDigest(row.original.digest)}
					</span>
					<CopyButton text={row.original.digest} />
				</span>
			),
		},
		{
			id: "tags",
			header: t("retention.row.tags"),
			cell: ({ row }) =>
				row.original.tags.length ? (
					<span className="break-all font-mono text-xs">
						{row.original.tags.join(", ")}
					</span>
				) : (
					<span className="text-xs italic text-slate-600 dark:text-slate-300">
						{t("retention.row.untagged")}
					</span>
				),
		},
		{
			id: "kind",
			header: t("retention.row.kind"),
			cell: ({ row }) => <span className="text-xs">{row.original.kind}</span>,
		},
		{
			id: "pushed",
			header: t("retention.row.pushed"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => time(row.original.pushed),
		},
		{
			id: "pulled",
			header: t("retention.row.pulled"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => time(row.original.pulled),
		},
		{
			id: "action",
			header: t("retention.row.action"),
			meta: { className: "min-w-[11rem]" },
			cell: ({ row }) => {
				const del = row.original.action === "DEL";
				return (
					<>
						<span
							data-testid="retention-row-action"
							data-action={row.original.action}
							className={`whitespace-nowrap rounded px-2 py-0.5 text-xs font-semibold ${del ? "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100" : "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100"}`}
						>
							<span aria-hidden="true">{del ? "✕ " : "✓ "}</span>
							{del
								? t(dryRun ? "retention.row.DELdry" : "retention.row.DEL")
								: t("retention.row.RETAIN")}
						</span>
						<span
							className="mt-1 block text-xs"
							data-testid="retention-row-why"
						>
							{whyWords(t, row.original.why)}
						</span>
					</>
				);
			},
		},
	];
	return (
		<DataTable
			label={t("retention.row.label", { repository: task.repository })}
			columns={columns}
			rows={rows.data}
			rowKey={(r) => r.digest}
			isPending={rows.isPending}
			error={rows.error}
			rowTestId="retention-row"
			rowClassName={(r) =>
				r.action === "DEL" ? "bg-red-50 dark:bg-red-950/60" : undefined
			}
			empty={<EmptyState title={t("retention.row.empty")} />}
		/>
	);
}
