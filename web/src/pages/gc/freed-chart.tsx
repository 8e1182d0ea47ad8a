import { useTranslation } from "react-i18next";
import { type GcRun, parametersOf } from "../../api/gc.ts";
import { formatBytes, formatTime } from "../../components/format.ts";

/** Space freed by each finished run on the page shown, oldest first: one bar per run, its height its share of the most. */
export function FreedChart({ runs }: { runs: GcRun[] }) {
	const { t, i18n } = useTranslation();
	const done = runs
		.filter((r) => r.job_status === "Success" && !parametersOf(r).dry_run)
		.reverse();
	if (done.length < 2) return null;
	const most = Math.max(...done.map((r) => r.freed_bytes), 1);
	const total = done.reduce((n, r) => n + r.freed_bytes, 0);
	return (
		<figure className="mb-4" data-testid="gc-freed-chart">
			<figcaption className="mb-1 text-sm text-slate-600 dark:text-slate-300">
				{t("gc.chartCaption", { count: done.length, size: formatBytes(total) })}
			</figcaption>
			<div
				className="flex h-24 items-end gap-1 border-b border-slate-300 dark:border-slate-600"
				role="img"
				aria-label={t("gc.chartCaption", {
					count: done.length,
					size: formatBytes(total),
				})}
			>
				{done.map((r) => (
					<div
						key={r.id}
						className="w-6 rounded-t bg-sky-600 dark:bg-sky-400"
						style={{ height: `${Math.max(2, (100 * r.freed_bytes) / most)}%` }}
						title={`#${r.id} · ${formatTime(r.creation_time, i18n.language)} · ${formatBytes(r.freed_bytes)}`}
					/>
				))}
			</div>
		</figure>
	);
}
