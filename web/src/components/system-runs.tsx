import type { UseMutationResult, UseQueryResult } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Paged } from "../api/client.ts";
import {
	isLive,
	parametersOf,
	type ScheduleType,
	type SystemRun,
	type SystemSchedule,
} from "../api/system-runs.ts";
import { Button } from "./button.tsx";
import { type Column, DataTable } from "./data-table.tsx";
import { Dialog } from "./dialog.tsx";
import { ErrorMessage } from "./error-message.tsx";
import { formatTime } from "./format.ts";
import { ScheduleFields } from "./schedule-fields.tsx";
import { StatusBadge } from "./status-badge.tsx";

/** Harbor's run words as the shared badge colours them. */
const badgeOf: Record<SystemRun["job_status"], string> = {
	Success: "Succeed",
	Error: "Failed",
	Stopped: "Stopped",
	Pending: "Pending",
	Running: "Running",
};

/** A system run's status (garbage collection, audit-log purge) in words and colour, with its progress while it runs. */
export function RunStatus({ run }: { run: SystemRun }) {
	const { t } = useTranslation();
	return (
		<div className="flex items-center gap-2">
			<StatusBadge
				status={badgeOf[run.job_status]}
				text={t(`runs.status.${run.job_status}`)}
			/>
			{run.job_status === "Running" && (
				<>
					<progress
						className="h-2 w-24"
						max={100}
						value={run.progress ?? 0}
						aria-label={t("runs.progressOf", { id: run.id })}
					/>
					<span className="text-sm tabular-nums">{run.progress ?? 0}%</span>
				</>
			)}
		</div>
	);
}

/** A plain-text log in a dialog: a system run's, a scan's (refreshed by its query while the work is live). */
export function RunLogDialog({
	title,
	log,
	testId,
	onClose,
}: {
	title: string;
	log: UseQueryResult<string>;
	testId: string;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	return (
		<Dialog open wide title={title} onClose={onClose}>
			{log.error ? (
				<ErrorMessage error={log.error} />
			) : (
				<pre
					className="max-h-96 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-3 font-mono text-xs dark:bg-slate-950"
					data-testid={testId}
				>
					{log.data === undefined
						? t("runs.loading")
						: log.data || t("runs.emptyLog")}
				</pre>
			)}
		</Dialog>
	);
}

/**
 * A system run's history columns: the run, its kind (a dry run marked, and what `badges` adds), its status, what it did
 * (`result`, the kind's own column), when it started and last changed, and its log and stop buttons.
 */
function useRunColumns<R extends SystemRun>(p: {
	result: Column<R>;
	badges?: (run: R) => ReactNode;
	onLog: (run: R) => void;
	stop: UseMutationResult<unknown, Error, number>;
}): Column<R>[] {
	const { t, i18n } = useTranslation();
	return [
		{
			id: "id",
			header: t("runs.id"),
			cell: ({ row }) => (
				<span className="tabular-nums">#{row.original.id}</span>
			),
		},
		{
			id: "kind",
			header: t("runs.kind"),
			cell: ({ row }) => (
				<span className="text-sm">
					{t(`runs.kind.${row.original.job_kind}`)}
					{parametersOf<{ dry_run: boolean }>(row.original).dry_run && (
						<span className="ml-2 rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-900 dark:bg-violet-900/40 dark:text-violet-200">
							{t("runs.dryRunBadge")}
						</span>
					)}
					{p.badges?.(row.original)}
				</span>
			),
		},
		{
			id: "status",
			header: t("runs.statusHeader"),
			cell: ({ row }) => <RunStatus run={row.original} />,
		},
		p.result,
		{
			id: "created",
			header: t("runs.created"),
			cell: ({ row }) =>
				formatTime(row.original.creation_time, i18n.language, {
					seconds: true,
				}),
		},
		{
			id: "updated",
			header: t("runs.updated"),
			cell: ({ row }) =>
				formatTime(row.original.update_time, i18n.language, { seconds: true }),
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
						onClick={() => p.onLog(row.original)}
						aria-label={t("runs.logNamed", { id: row.original.id })}
					>
						{t("runs.log")}
					</Button>
					{isLive(row.original) && (
						<Button
							variant="ghost"
							className="-my-1.5"
							disabled={p.stop.isPending}
							onClick={() => p.stop.mutate(row.original.id)}
							aria-label={t("runs.stopNamed", { id: row.original.id })}
						>
							{t("runs.stop")}
						</Button>
					)}
				</div>
			),
		},
	];
}

/**
 * A system run's history (garbage collection, audit-log purge): a page of runs with the shared columns and the kind's
 * own `result`, the stop button's error, and the log of the run the user opens (live while the run is).
 */
export function RunHistory<R extends SystemRun>(p: {
	title: string;
	history: UseQueryResult<Paged<R>>;
	page: number;
	pageSize: number;
	onPage: (page: number) => void;
	stop: UseMutationResult<unknown, Error, number>;
	result: Column<R>;
	badges?: (run: R) => ReactNode;
	useLog: (id: number, live: boolean) => UseQueryResult<string>;
	logTitle: (id: number) => string;
	testIds: { row: string; log: string };
	empty: ReactNode;
	/** Shown above the table once the page has loaded (GC's chart of what it freed). */
	above?: (runs: R[]) => ReactNode;
}) {
	const [logOf, setLogOf] = useState<R | null>(null);
	const columns = useRunColumns<R>({
		result: p.result,
		badges: p.badges,
		stop: p.stop,
		onLog: setLogOf,
	});
	const shown =
		logOf && (p.history.data?.items.find((r) => r.id === logOf.id) ?? logOf);
	return (
		<>
			<h2 className="mb-2 mt-6 text-lg font-semibold">{p.title}</h2>
			{p.stop.error ? (
				<div className="mb-2">
					<ErrorMessage error={p.stop.error} />
				</div>
			) : null}
			{p.history.data && p.above?.(p.history.data.items)}
			<DataTable
				label={p.title}
				columns={columns}
				rows={p.history.data?.items}
				rowKey={(r) => r.id}
				isPending={p.history.isPending}
				error={p.history.error}
				rowTestId={p.testIds.row}
				total={p.history.data?.total}
				page={p.page}
				pageSize={p.pageSize}
				onPage={p.onPage}
				empty={p.empty}
			/>
			{shown && (
				<RunLog
					run={shown}
					useLog={p.useLog}
					title={p.logTitle(shown.id)}
					testId={p.testIds.log}
					onClose={() => setLogOf(null)}
				/>
			)}
		</>
	);
}

function RunLog<R extends SystemRun>(p: {
	run: R;
	useLog: (id: number, live: boolean) => UseQueryResult<string>;
	title: string;
	testId: string;
	onClose: () => void;
}) {
	return (
		<RunLogDialog
			title={p.title}
			log={p.useLog(p.run.id, isLive(p.run))}
			testId={p.testId}
			onClose={p.onClose}
		/>
	);
}

const scheduleTypes: ScheduleType[] = [
	"None",
	"Hourly",
	"Daily",
	"Weekly",
	"Custom",
];

/**
 * A system run's schedule as a form: when it runs (None, Hourly, Daily, Weekly, a Custom cron), the kind's own
 * parameter fields (`children`, shown unless None), the next run, save. The form starts from what is saved, and again
 * after each save: `onLoad` gives the kind the saved schedule to set its fields from.
 */
export function RunSchedule<P>(p: {
	testIds: { form: string; next: string };
	current: UseQueryResult<SystemSchedule>;
	save: UseMutationResult<
		unknown,
		Error,
		{ type: ScheduleType; cron: string; parameters: P }
	>;
	/** What the fields hold, or null while they hold no valid parameters. */
	parameters: P | null;
	onLoad: (saved: SystemSchedule) => void;
	children: ReactNode;
}) {
	const { t, i18n } = useTranslation();
	const [type, setType] = useState<ScheduleType>("None");
	const [cron, setCron] = useState("");
	const { data } = p.current;
	const onLoad = useRef(p.onLoad);
	onLoad.current = p.onLoad;
	useEffect(() => {
		if (!data) return;
		setType(data.schedule?.type ?? "None");
		setCron(data.schedule?.cron ?? "");
		onLoad.current(data);
	}, [data]);
	const next = data?.schedule?.next_scheduled_time;
	const parameters = p.parameters;
	return (
		<form
			className="rounded border border-slate-200 p-4 dark:border-slate-700"
			data-testid={p.testIds.form}
			onSubmit={(e) => {
				e.preventDefault();
				if (parameters !== null) p.save.mutate({ type, cron, parameters });
			}}
		>
			<h2 className="mb-3 text-lg font-semibold">{t("runs.schedule")}</h2>
			<ScheduleFields
				types={scheduleTypes}
				type={type}
				cron={cron}
				onType={setType}
				onCron={setCron}
				typeLabel={t("runs.scheduleType")}
				typeText={(s) => t(`runs.type.${s}`)}
				cronLabel={t("runs.cron")}
			/>
			{type !== "None" && <div className="mt-3">{p.children}</div>}
			<p
				className="mt-2 text-sm text-slate-600 dark:text-slate-300"
				data-testid={p.testIds.next}
			>
				{next && data?.schedule?.type !== "None"
					? t("runs.nextRun", { time: formatTime(next, i18n.language) })
					: t("runs.noSchedule")}
			</p>
			<div className="mt-3 flex items-center gap-2">
				<Button
					type="submit"
					disabled={
						p.save.isPending || (type !== "None" && parameters === null)
					}
				>
					{t("runs.saveSchedule")}
				</Button>
				{p.save.isSuccess && (
					<span className="text-sm text-emerald-700 dark:text-emerald-300">
						{t("runs.saved")}
					</span>
				)}
			</div>
			{p.save.error ? (
				<div className="mt-2">
					<ErrorMessage error={p.save.error} />
				</div>
			) : null}
		</form>
	);
}

/** A system run's page: its title and what it does, "run now" beside the schedule, then the history. */
export function SystemRunPage(p: {
	title: string;
	intro: string;
	runNow: ReactNode;
	schedule: ReactNode;
	history: ReactNode;
}) {
	return (
		<section>
			<h1 className="mb-1 text-2xl font-semibold">{p.title}</h1>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{p.intro}
			</p>
			<div className="grid gap-4 md:grid-cols-2">
				{p.runNow}
				{p.schedule}
			</div>
			{p.history}
		</section>
	);
}

/** Starts a run now, or a dry run, with the parameters the kind's fields (`children`) hold (null: not valid yet). */
export function RunNow<P>(p: {
	testId: string;
	title: string;
	runLabel: string;
	run: UseMutationResult<unknown, Error, P>;
	parameters: (dryRun: boolean) => P | null;
	children: ReactNode;
}) {
	const { t } = useTranslation();
	const start = (dry: boolean) => {
		const params = p.parameters(dry);
		if (params !== null) p.run.mutate(params);
	};
	const disabled = p.run.isPending || p.parameters(false) === null;
	return (
		<div
			className="rounded border border-slate-200 p-4 dark:border-slate-700"
			data-testid={p.testId}
		>
			<h2 className="mb-3 text-lg font-semibold">{p.title}</h2>
			{p.children}
			<div className="mt-3 flex gap-2">
				<Button disabled={disabled} onClick={() => start(false)}>
					{p.runLabel}
				</Button>
				<Button
					variant="secondary"
					disabled={disabled}
					onClick={() => start(true)}
				>
					{t("runs.dryRun")}
				</Button>
			</div>
			{p.run.error ? (
				<div className="mt-2">
					<ErrorMessage error={p.run.error} />
				</div>
			) : null}
		</div>
	);
}
