import { useTranslation } from "react-i18next";
import { formatBytes } from "./format.ts";

/** Storage used against the limit (-1: unlimited); amber from 70 %, red from 90 %. */
export function QuotaBar({ used, limit }: { used: number; limit: number }) {
	const { t } = useTranslation();
	if (limit < 0)
		return (
			<span className="text-sm">
				{formatBytes(used)} / {t("common.unlimited")}
			</span>
		);
	const pct = limit === 0 ? 100 : Math.min(100, (used / limit) * 100);
	const level = pct >= 90 ? "red" : pct >= 70 ? "amber" : "green";
	const color = {
		red: "bg-red-600",
		amber: "bg-amber-500",
		green: "bg-emerald-600",
	}[level];
	return (
		<div className="min-w-32" data-testid="quota-bar" data-level={level}>
			{/* biome-ignore lint/a11y/useSemanticElements: <meter> cannot be styled alike in every browser; role="meter" says the same. */}
			<div
				role="meter"
				aria-valuemin={0}
				aria-valuemax={100}
				aria-valuenow={Math.round(pct)}
				aria-label={t("common.storageUsed")}
				className="h-2 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-700"
			>
				<div className={`h-full ${color}`} style={{ width: `${pct}%` }} />
			</div>
			<span className="text-xs text-slate-600 dark:text-slate-300">
				{formatBytes(used)} / {formatBytes(limit)}
			</span>
		</div>
	);
}
