import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { auditEventTypesQuery } from "../../api/audit-logs.ts";
import {
	otherEventTypes,
	type PurgeParameters,
	type PurgeRun,
	purgeParametersOf,
	usePurgeHistory,
	usePurgeLog,
	usePurgeSchedule,
	useRunPurge,
	useSavePurgeSchedule,
	useStopPurge,
} from "../../api/purge.ts";
import { isLive } from "../../api/system-runs.ts";
import { EmptyState } from "../../components/empty-state.tsx";
import { inputClass } from "../../components/field.tsx";
import {
	RunHistory,
	RunNow,
	RunSchedule,
	SystemRunPage,
} from "../../components/system-runs.tsx";

const pageSize = 10;

/** What the form holds: how long rows are kept (a number of hours or days) and the event types purged. */
type Draft = { amount: string; unit: "hours" | "days"; types: string[] };

const toDraft = (p: Partial<PurgeParameters>, all: string[]): Draft => {
	const hours = p.audit_retention_hour ?? 30 * 24;
	const types =
		p.include_event_types === undefined
			? all
			: p.include_event_types.split(",").filter(Boolean);
	return hours % 24 === 0
		? { amount: String(hours / 24), unit: "days", types }
		: { amount: String(hours), unit: "hours", types };
};
/** The parameters to send, or null while the number is not a whole number of at least 1. */
const toParameters = (d: Draft, dryRun: boolean): PurgeParameters | null => {
	const n = Number(d.amount);
	if (!Number.isInteger(n) || n < 1) return null;
	return {
		audit_retention_hour: d.unit === "days" ? n * 24 : n,
		include_event_types: d.types.join(","),
		dry_run: dryRun,
	};
};

/** The server's event types and Harbor's `other`, in the order the checkboxes show them. */
function useEventTypes(): string[] {
	const events = useQuery(auditEventTypesQuery);
	return [...(events.data ?? []).map((e) => e.event_type), otherEventTypes];
}

/** /admin/audit-purge: purge the audit log now (or a dry run), on a schedule, and the history of purges with their logs. */
export default function AuditPurgePage() {
	const { t } = useTranslation();
	return (
		<SystemRunPage
			title={t("nav.admin.audit-purge")}
			intro={t("purge.intro")}
			runNow={<Now />}
			schedule={<Schedule />}
			history={<History />}
		/>
	);
}

function PurgeFields({
	draft,
	onChange,
}: {
	draft: Draft;
	onChange: (d: Draft) => void;
}) {
	const { t } = useTranslation();
	const types = useEventTypes();
	const toggle = (type: string, on: boolean) =>
		onChange({
			...draft,
			types: on
				? types.filter((x) => x === type || draft.types.includes(x))
				: draft.types.filter((x) => x !== type),
		});
	return (
		<>
			<label className="flex flex-wrap items-center gap-2 text-sm">
				{t("purge.keep")}
				<input
					className={`${inputClass} w-24`}
					type="number"
					min={1}
					value={draft.amount}
					aria-label={t("purge.keepAmount")}
					onChange={(e) => onChange({ ...draft, amount: e.target.value })}
				/>
				<select
					className={inputClass}
					value={draft.unit}
					aria-label={t("purge.keepUnit")}
					onChange={(e) =>
						onChange({ ...draft, unit: e.target.value as Draft["unit"] })
					}
				>
					<option value="hours">{t("purge.unit.hours")}</option>
					<option value="days">{t("purge.unit.days")}</option>
				</select>
			</label>
			<fieldset className="mt-3">
				<legend className="text-sm">{t("purge.eventTypes")}</legend>
				<div className="mt-1 grid grid-cols-2 gap-x-3 gap-y-1">
					{types.map((type) => (
						<label key={type} className="flex items-center gap-2 text-sm">
							<input
								type="checkbox"
								checked={draft.types.includes(type)}
								onChange={(e) => toggle(type, e.target.checked)}
							/>
							<span className="font-mono text-xs">
								{type === otherEventTypes ? t("purge.other") : type}
							</span>
						</label>
					))}
				</div>
				<div className="mt-1 flex gap-2 text-xs">
					<button
						type="button"
						className="underline"
						onClick={() => onChange({ ...draft, types })}
					>
						{t("purge.selectAll")}
					</button>
					<button
						type="button"
						className="underline"
						onClick={() => onChange({ ...draft, types: [] })}
					>
						{t("purge.selectNone")}
					</button>
				</div>
			</fieldset>
		</>
	);
}

function Now() {
	const { t } = useTranslation();
	const types = useEventTypes();
	const [draft, setDraft] = useState<Draft | null>(null);
	const shown = draft ?? toDraft({}, types);
	return (
		<RunNow<PurgeParameters>
			testId="purge-run-now"
			title={t("purge.runNow")}
			runLabel={t("purge.run")}
			run={useRunPurge()}
			parameters={(dry) => toParameters(shown, dry)}
		>
			<PurgeFields draft={shown} onChange={setDraft} />
		</RunNow>
	);
}

function Schedule() {
	const types = useEventTypes();
	// What is saved decides the fields until the user changes them (the event types may arrive after it).
	const [saved, setSaved] = useState<Partial<PurgeParameters>>({});
	const [draft, setDraft] = useState<Draft | null>(null);
	const shown = draft ?? toDraft(saved, types);
	return (
		<RunSchedule<PurgeParameters>
			testIds={{ form: "purge-schedule", next: "purge-next-run" }}
			current={usePurgeSchedule()}
			save={useSavePurgeSchedule()}
			parameters={toParameters(shown, false)}
			onLoad={(s) => {
				setSaved(s.job_parameters ? purgeParametersOf(s) : {});
				setDraft(null);
			}}
		>
			<PurgeFields draft={shown} onChange={setDraft} />
		</RunSchedule>
	);
}

function History() {
	const { t } = useTranslation();
	const [page, setPage] = useState(1);
	return (
		<RunHistory<PurgeRun>
			title={t("purge.history")}
			history={usePurgeHistory({ page, pageSize })}
			page={page}
			pageSize={pageSize}
			onPage={setPage}
			stop={useStopPurge()}
			useLog={usePurgeLog}
			logTitle={(id) => t("purge.logTitle", { id })}
			testIds={{ row: "purge-run-row", log: "purge-log" }}
			empty={
				<EmptyState title={t("purge.noHistory")}>
					{t("purge.noHistoryHint")}
				</EmptyState>
			}
			result={{
				id: "rows",
				header: t("purge.rows"),
				cell: ({ row }) => {
					const r = row.original;
					if (isLive(r)) return "—";
					const byType = Object.entries(r.deleted_by_event_type ?? {})
						.map(([k, n]) => `${k}: ${n}`)
						.join(", ");
					return (
						<span className="text-sm" data-testid="purge-rows">
							{t(
								purgeParametersOf(r).dry_run
									? "purge.wouldDelete"
									: "purge.didDelete",
								{ count: r.deleted_rows },
							)}
							{byType && (
								<span className="block text-xs text-slate-500 dark:text-slate-400">
									{byType}
								</span>
							)}
						</span>
					);
				},
			}}
		/>
	);
}
