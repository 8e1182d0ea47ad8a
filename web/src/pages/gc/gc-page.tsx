import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type GcParameters,
	type GcRun,
	parametersOf,
	useGcHistory,
	useGcLog,
	useGcSchedule,
	useRunGc,
	useSaveGcSchedule,
	useStopGc,
} from "../../api/gc.ts";
import { isLive } from "../../api/system-runs.ts";
import { EmptyState } from "../../components/empty-state.tsx";
import { inputClass } from "../../components/field.tsx";
import { formatBytes } from "../../components/format.ts";
import {
	RunHistory,
	RunNow,
	RunSchedule,
	SystemRunPage,
} from "../../components/system-runs.tsx";
import { FreedChart } from "./freed-chart.tsx";

const pageSize = 10;

/** /admin/gc: run garbage collection now (or a dry run), its schedule, and its history with what each run freed and its log. */
export default function GcPage() {
	const { t } = useTranslation();
	return (
		<SystemRunPage
			title={t("nav.admin.gc")}
			intro={t("gc.intro")}
			runNow={<Now />}
			schedule={<Schedule />}
			history={<History />}
		/>
	);
}

function WorkersSelect({
	value,
	onChange,
}: {
	value: number;
	onChange: (n: number) => void;
}) {
	const { t } = useTranslation();
	return (
		<label className="flex items-center gap-2 text-sm">
			{t("gc.workers")}
			<select
				className={inputClass}
				value={value}
				onChange={(e) => onChange(Number(e.target.value))}
			>
				{[1, 2, 3, 4, 5].map((n) => (
					<option key={n} value={n}>
						{n}
					</option>
				))}
			</select>
		</label>
	);
}

function Now() {
	const { t } = useTranslation();
	const [deleteUntagged, setDeleteUntagged] = useState(false);
	const [workers, setWorkers] = useState(1);
	return (
		<RunNow<GcParameters>
			testId="gc-run-now"
			title={t("gc.runNow")}
			runLabel={t("gc.run")}
			run={useRunGc()}
			parameters={(dry) => ({
				delete_untagged: deleteUntagged,
				dry_run: dry,
				workers,
			})}
		>
			<label className="mb-2 flex items-center gap-2 text-sm">
				<input
					type="checkbox"
					checked={deleteUntagged}
					onChange={(e) => setDeleteUntagged(e.target.checked)}
				/>
				{t("gc.deleteUntagged")}
			</label>
			<WorkersSelect value={workers} onChange={setWorkers} />
		</RunNow>
	);
}

function Schedule() {
	const { t } = useTranslation();
	const [deleteUntagged, setDeleteUntagged] = useState(false);
	const [workers, setWorkers] = useState(1);
	return (
		<RunSchedule<GcParameters>
			testIds={{ form: "gc-schedule", next: "gc-next-run" }}
			current={useGcSchedule()}
			save={useSaveGcSchedule()}
			parameters={{ delete_untagged: deleteUntagged, dry_run: false, workers }}
			onLoad={(saved) => {
				const p = parametersOf(saved);
				setDeleteUntagged(p.delete_untagged ?? false);
				setWorkers(p.workers ?? 1);
			}}
		>
			<div className="flex flex-wrap items-center gap-3">
				<label className="flex items-center gap-2 text-sm">
					<input
						type="checkbox"
						checked={deleteUntagged}
						onChange={(e) => setDeleteUntagged(e.target.checked)}
					/>
					{t("gc.deleteUntagged")}
				</label>
				<WorkersSelect value={workers} onChange={setWorkers} />
			</div>
		</RunSchedule>
	);
}

function History() {
	const { t } = useTranslation();
	const [page, setPage] = useState(1);
	return (
		<RunHistory<GcRun>
			title={t("gc.history")}
			history={useGcHistory({ page, pageSize })}
			page={page}
			pageSize={pageSize}
			onPage={setPage}
			stop={useStopGc()}
			useLog={useGcLog}
			logTitle={(id) => t("gc.logTitle", { id })}
			testIds={{ row: "gc-run-row", log: "gc-log" }}
			empty={
				<EmptyState title={t("gc.noHistory")}>
					{t("gc.noHistoryHint")}
				</EmptyState>
			}
			above={(runs) => <FreedChart runs={runs} />}
			badges={(r) =>
				parametersOf(r).delete_untagged && (
					<span className="ml-2 text-xs text-slate-500">
						{t("gc.untaggedBadge")}
					</span>
				)
			}
			result={{
				id: "freed",
				header: t("gc.freed"),
				cell: ({ row }) => {
					const r = row.original;
					if (isLive(r)) return "—";
					return (
						<span className="text-sm" data-testid="gc-freed">
							{t(parametersOf(r).dry_run ? "gc.wouldFree" : "gc.didFree", {
								size: formatBytes(r.freed_bytes),
								count: r.blobs_deleted,
							})}
							{r.artifacts_deleted > 0 && (
								<> · {t("gc.artifacts", { count: r.artifacts_deleted })}</>
							)}
						</span>
					);
				},
			}}
		/>
	);
}
