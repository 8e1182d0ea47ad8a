import { useTranslation } from "react-i18next";
import type { ScanOverview } from "../api/artifacts.ts";
import { type Severity, severities, severityOf } from "../api/scans.ts";
import { StatusBadge } from "./status-badge.tsx";

/** Each severity's colours, dark or light theme alike (solid fills: the counts on them keep their contrast). */
const fill: Record<Severity, string> = {
	Critical: "bg-red-800 text-white",
	High: "bg-orange-700 text-white",
	Medium: "bg-amber-400 text-slate-900",
	Low: "bg-yellow-200 text-slate-900",
	Unknown: "bg-slate-300 text-slate-900",
};

/** A severity in words, in its colour. */
export function SeverityChip({ severity }: { severity: string }) {
	const { t } = useTranslation();
	const s = severityOf(severity);
	return (
		<span
			data-severity={s}
			className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${fill[s]}`}
		>
			{t(`scanning.severity.${s}`)}
		</span>
	);
}

/**
 * An artifact's last scan at a glance: not scanned, queued or scanning, failed or stopped (the shared status badge), or
 * its findings as a bar of counts by severity, worst first, the highest named before it, with the total and fixable.
 */
export function SeverityBar({ scan }: { scan: ScanOverview | undefined }) {
	const { t } = useTranslation();
	if (!scan)
		return (
			<span
				data-testid="scan-state"
				data-state="none"
				className="whitespace-nowrap text-xs text-slate-600 dark:text-slate-300"
			>
				{t("scanning.notScanned")}
			</span>
		);
	if (scan.scan_status !== "Success") {
		return (
			<StatusBadge
				status={scan.scan_status}
				testId="scan-state"
				text={t(`scanning.status.${scan.scan_status}`, {
					defaultValue: scan.scan_status,
				})}
			/>
		);
	}
	const counts = scan.summary?.summary ?? {};
	const total = scan.summary?.total ?? 0;
	if (total === 0) {
		return (
			<span
				data-testid="scan-state"
				data-state="clean"
				className="whitespace-nowrap text-xs text-green-800 dark:text-green-300"
			>
				✓ {t("scanning.noVulnerabilities")}
			</span>
		);
	}
	const present = severities.filter((s) => counts[s]);
	const highest = present[0] ?? severityOf(scan.severity);
	return (
		<div
			data-testid="severity-bar"
			data-highest={highest}
			className="flex flex-wrap items-center gap-x-2 gap-y-1"
		>
			<SeverityChip severity={highest} />
			<ul
				aria-label={t("scanning.bySeverity")}
				className="flex h-5 w-28 overflow-hidden rounded"
			>
				{present.map((s) => (
					<li
						key={s}
						data-severity={s}
						title={`${t(`scanning.severity.${s}`)}: ${counts[s]}`}
						style={{ flexGrow: counts[s] }}
						className={`min-w-5 px-1 text-center text-xs leading-5 font-medium tabular-nums ${fill[s]}`}
					>
						<span className="sr-only">{t(`scanning.severity.${s}`)}: </span>
						{counts[s]}
					</li>
				))}
			</ul>
			<span className="whitespace-nowrap text-xs text-slate-600 dark:text-slate-300">
				{t("scanning.totalFixable", {
					total,
					fixable: scan.summary?.fixable ?? 0,
				})}
			</span>
		</div>
	);
}
