import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { type Artifact, scanLive, scanOf } from "../../api/artifacts.ts";
import {
	severities,
	useScanLog,
	useVulnerabilities,
	type Vulnerability,
} from "../../api/scans.ts";
import { Button } from "../../components/button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { inputClass } from "../../components/field.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { formatTime } from "../../components/format.ts";
import { SeverityBar, SeverityChip } from "../../components/severity-bar.tsx";
import { RunLogDialog } from "../../components/system-runs.tsx";
import { useListParams } from "../../components/use-list-params.ts";
import { ScanControls, scannable } from "./scan-controls.tsx";
import { viewVulnerabilities } from "./vulnerability-filter.ts";

/** The report's findings as a table: filtered by text, severity and "fixable only", sorted and paged in the URL. */
function VulnerabilityTable({ rows }: { rows: Vulnerability[] | undefined }) {
	const { t } = useTranslation();
	const id = useId();
	const list = useListParams({ sort: "-severity", pageSize: 25 });
	const text = list.filter("vq");
	const severity = list.filter("severity");
	const fixable = list.filter("fixable") === "1";

	const shown = useMemo(
		() =>
			viewVulnerabilities(rows ?? [], {
				text,
				severity,
				fixable,
				sort: list.sort,
			}),
		[rows, text, severity, fixable, list.sort],
	);
	const page = shown.slice(
		(list.page - 1) * list.pageSize,
		list.page * list.pageSize,
	);
	const filtered = !!(text || severity || fixable);

	const columns = useMemo(
		(): Column<Vulnerability>[] => [
			{
				id: "id",
				header: t("scanning.col.id"),
				meta: { sortKey: "id" },
				cell: ({ row: { original: v } }) => (
					<div className="min-w-40">
						{v.links?.[0] ? (
							<a
								href={v.links[0]}
								target="_blank"
								rel="noreferrer noopener"
								className="font-medium text-[#0f4c81] underline dark:text-sky-300"
							>
								{v.id}
							</a>
						) : (
							<span className="font-medium">{v.id}</span>
						)}
						{v.description && (
							<p
								className="mt-0.5 line-clamp-2 max-w-md text-xs text-slate-600 dark:text-slate-300"
								title={v.description}
							>
								{v.description}
							</p>
						)}
					</div>
				),
			},
			{
				id: "severity",
				header: t("scanning.col.severity"),
				meta: { sortKey: "severity" },
				cell: ({ row }) => <SeverityChip severity={row.original.severity} />,
			},
			{
				id: "package",
				header: t("scanning.col.package"),
				meta: { sortKey: "package" },
				cell: ({ row }) => (
					<span className="break-all">{row.original.package}</span>
				),
			},
			{
				id: "version",
				header: t("scanning.col.version"),
				meta: { sortKey: "version" },
				cell: ({ row }) => (
					<span className="break-all font-mono text-xs">
						{row.original.version}
					</span>
				),
			},
			{
				id: "fix_version",
				header: t("scanning.col.fixVersion"),
				meta: { sortKey: "fix_version" },
				cell: ({ row }) =>
					row.original.fix_version ? (
						<span className="break-all font-mono text-xs">
							{row.original.fix_version}
						</span>
					) : (
						<span className="text-xs text-slate-600 dark:text-slate-300">
							{t("scanning.noFix")}
						</span>
					),
			},
		],
		[t],
	);

	return (
		<div>
			<div className="mb-3 flex flex-wrap items-end gap-3">
				<FilterInput
					label={t("scanning.filter")}
					placeholder={t("scanning.filterPlaceholder")}
					value={text}
					onCommit={(v) => list.update({ vq: v })}
				/>
				<div>
					<label
						htmlFor={`${id}-severity`}
						className="block text-sm font-medium"
					>
						{t("scanning.col.severity")}
					</label>
					<select
						id={`${id}-severity`}
						className={`${inputClass} mt-1`}
						value={severity}
						onChange={(e) => list.update({ severity: e.target.value })}
					>
						<option value="">{t("scanning.allSeverities")}</option>
						{severities.map((s) => (
							<option key={s} value={s}>
								{t(`scanning.severity.${s}`)}
							</option>
						))}
					</select>
				</div>
				<div className="flex items-center gap-2 pb-1.5">
					<input
						id={`${id}-fixable`}
						type="checkbox"
						checked={fixable}
						onChange={(e) =>
							list.update({ fixable: e.target.checked ? "1" : undefined })
						}
					/>
					<label htmlFor={`${id}-fixable`} className="text-sm">
						{t("scanning.fixableOnly")}
					</label>
				</div>
			</div>
			<DataTable
				label={t("scanning.tableLabel")}
				columns={columns}
				rows={rows && page}
				rowKey={(v) => `${v.id} ${v.package} ${v.version}`}
				isPending={!rows}
				total={rows ? shown.length : undefined}
				{...list.tableProps}
				rowTestId="vulnerability-row"
				empty={
					<EmptyState
						title={
							filtered ? t("scanning.noMatch") : t("scanning.noVulnerabilities")
						}
					>
						{filtered ? t("scanning.noMatchHint") : null}
					</EmptyState>
				}
			/>
		</div>
	);
}

/**
 * The artifact's vulnerabilities: its last scan at a glance (with scan and stop for those who may), the scan's log,
 * and the report's findings. A scan in progress shows live; the report is read once it has succeeded.
 */
export function Vulnerabilities({
	project,
	repo,
	projectId,
	artifact,
}: {
	project: string;
	repo: string;
	projectId: number | undefined;
	artifact: Artifact;
}) {
	const { t, i18n } = useTranslation();
	const scan = scanOf(artifact);
	const live = scanLive(scan);
	const [showLog, setShowLog] = useState(false);
	const vulns = useVulnerabilities(
		project,
		repo,
		artifact.digest,
		scan?.report_id ?? "",
		scan?.scan_status === "Success",
	);
	// The log is read when shown, or to say why a scan failed.
	const log = useScanLog(
		project,
		repo,
		artifact.digest,
		scan?.report_id ?? "",
		{ live, enabled: !!scan && (showLog || scan.scan_status === "Error") },
	);

	if (!scannable(artifact))
		return (
			<p className="text-sm text-slate-600 dark:text-slate-300">
				{t("scanning.notScannable")}
			</p>
		);
	return (
		<div>
			<div className="mb-3 flex flex-wrap items-start gap-x-4 gap-y-2">
				<div className="space-y-1">
					<SeverityBar scan={scan} />
					{scan?.scanner && (
						<p
							className="text-xs text-slate-600 dark:text-slate-300"
							data-testid="scan-by"
						>
							{t("scanning.scannedBy", {
								scanner: `${scan.scanner.name} ${scan.scanner.version}`,
								time: formatTime(
									scan.end_time || scan.start_time,
									i18n.language,
								),
							})}
						</p>
					)}
				</div>
				<div className="ml-auto flex flex-wrap items-start gap-2">
					{scan && (
						<Button variant="ghost" onClick={() => setShowLog(true)}>
							{t("scanning.log")}
						</Button>
					)}
					<ScanControls
						project={project}
						repo={repo}
						projectId={projectId}
						artifact={artifact}
					/>
				</div>
			</div>
			{!scan && (
				<EmptyState title={t("scanning.notScannedYet")}>
					{t("scanning.notScannedHint")}
				</EmptyState>
			)}
			{scan?.scan_status === "Error" && (
				<p className="text-sm" data-testid="scan-error">
					{t("scanning.failed")} {log.data}
				</p>
			)}
			{scan?.scan_status === "Success" && (
				<VulnerabilityTable rows={vulns.data} />
			)}
			<ErrorMessage error={vulns.error} />
			{showLog && scan && (
				<RunLogDialog
					title={t("scanning.logTitle")}
					log={log}
					testId="scan-log"
					onClose={() => setShowLog(false)}
				/>
			)}
		</div>
	);
}
