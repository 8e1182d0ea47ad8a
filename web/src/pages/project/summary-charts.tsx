import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import {
	Bar,
	BarChart,
	CartesianGrid,
	Cell,
	Legend,
	Pie,
	PieChart,
	ResponsiveContainer,
	Tooltip,
	XAxis,
	YAxis,
} from "recharts";
import type { ProjectActivity } from "../../api/project-summary.ts";
import { repoInProject } from "../../app/paths.ts";
import { formatBytes } from "../../components/format.ts";

/** Colours that read on light and dark backgrounds alike. */
const colors = {
	pushes: "#2563eb",
	pulls: "#059669",
	used: "#d97706",
	free: "#94a3b8",
};
const axis = { fill: "currentColor", fontSize: 12 };
/** Legend labels in the text colour (the series colour is in the swatch), so they read in both themes. */
const legendText = (value: string) => (
	<span className="text-slate-700 dark:text-slate-300">{value}</span>
);

/**
 * A chart with its caption; the drawing is hidden from assistive technology, which reads the same numbers from a
 * table instead (recharts' own keyboard layer is turned off so nothing hidden can take focus).
 */
function ChartFigure({
	title,
	summary,
	note,
	table,
	children,
	testId,
	className = "",
}: {
	title: string;
	summary: string;
	note?: string;
	table: ReactNode;
	children: ReactNode;
	testId: string;
	className?: string;
}) {
	return (
		<figure
			data-testid={testId}
			className={`${className} rounded border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900`}
		>
			<figcaption>
				<h3 className="font-medium">{title}</h3>
				<p className="text-sm text-slate-600 dark:text-slate-300">{summary}</p>
				{note && (
					<p className="text-xs text-slate-600 dark:text-slate-300">{note}</p>
				)}
			</figcaption>
			<div
				aria-hidden="true"
				className="mt-3 h-56 text-slate-700 dark:text-slate-300"
			>
				{children}
			</div>
			<div className="sr-only">{table}</div>
		</figure>
	);
}

/** UTC day `YYYY-MM-DD` as a short date in the user's language. */
const shortDay = (date: string, lang: string) =>
	new Date(`${date}T00:00:00Z`).toLocaleDateString(lang, {
		month: "short",
		day: "numeric",
		timeZone: "UTC",
	});

export function ActivityChart({ activity }: { activity: ProjectActivity }) {
	const { t, i18n } = useTranslation();
	const data = activity.days.map((d) => ({
		...d,
		label: shortDay(d.date, i18n.language),
	}));
	const pushes = activity.days.reduce((n, d) => n + d.pushes, 0);
	const pulls = activity.days.reduce((n, d) => n + d.pulls, 0);
	const busy = activity.days.filter((d) => d.pushes || d.pulls);
	return (
		<ChartFigure
			testId="activity-chart"
			className="lg:col-span-2"
			title={t("project.summary.activityTitle", { days: activity.days.length })}
			summary={t("project.summary.activityTotals", { pushes, pulls })}
			note={t("project.summary.pushesNote")}
			table={
				<table>
					<caption>
						{t("project.summary.activityTitle", { days: activity.days.length })}
					</caption>
					<thead>
						<tr>
							<th scope="col">{t("project.summary.day")}</th>
							<th scope="col">{t("project.summary.pushes")}</th>
							<th scope="col">{t("project.summary.pulls")}</th>
						</tr>
					</thead>
					<tbody>
						{busy.map((d) => (
							<tr key={d.date}>
								<th scope="row">{d.date}</th>
								<td>{d.pushes}</td>
								<td>{d.pulls}</td>
							</tr>
						))}
					</tbody>
				</table>
			}
		>
			<ResponsiveContainer width="100%" height="100%">
				<BarChart
					data={data}
					accessibilityLayer={false}
					margin={{ top: 5, right: 5, bottom: 5, left: -20 }}
				>
					<CartesianGrid
						strokeDasharray="3 3"
						vertical={false}
						strokeOpacity={0.4}
					/>
					<XAxis
						dataKey="label"
						tick={axis}
						interval="preserveStartEnd"
						minTickGap={16}
					/>
					<YAxis allowDecimals={false} tick={axis} />
					<Tooltip contentStyle={{ color: "#0f172a" }} />
					<Legend itemSorter={null} formatter={legendText} />
					<Bar
						dataKey="pushes"
						name={t("project.summary.pushes")}
						fill={colors.pushes}
						isAnimationActive={false}
					/>
					<Bar
						dataKey="pulls"
						name={t("project.summary.pulls")}
						fill={colors.pulls}
						isAnimationActive={false}
					/>
				</BarChart>
			</ResponsiveContainer>
		</ChartFigure>
	);
}

export function TopRepositoriesChart({
	project,
	top,
}: {
	project: string;
	top: ProjectActivity["top_repositories"];
}) {
	const { t } = useTranslation();
	const data = top.map((r) => ({
		name: repoInProject(project, r.name),
		pulls: r.pull_count,
	}));
	if (data.length === 0) {
		// Nothing pulled yet: a line of text, not empty axes.
		return (
			<figure
				data-testid="top-repositories-chart"
				className="rounded border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
			>
				<figcaption>
					<h3 className="font-medium">{t("project.summary.topTitle")}</h3>
				</figcaption>
				<p className="mt-3 text-sm text-slate-600 dark:text-slate-300">
					{t("project.summary.topEmpty")}
				</p>
			</figure>
		);
	}
	return (
		<ChartFigure
			testId="top-repositories-chart"
			title={t("project.summary.topTitle")}
			summary={t("project.summary.topSummary", {
				name: data[0].name,
				count: data[0].pulls,
			})}
			table={
				<table>
					<caption>{t("project.summary.topTitle")}</caption>
					<thead>
						<tr>
							<th scope="col">{t("project.summary.repository")}</th>
							<th scope="col">{t("project.summary.pulls")}</th>
						</tr>
					</thead>
					<tbody>
						{data.map((r) => (
							<tr key={r.name}>
								<th scope="row">{r.name}</th>
								<td>{r.pulls}</td>
							</tr>
						))}
					</tbody>
				</table>
			}
		>
			<ResponsiveContainer width="100%" height="100%">
				<BarChart
					data={data}
					layout="vertical"
					accessibilityLayer={false}
					margin={{ top: 5, right: 10, bottom: 5, left: 10 }}
				>
					<CartesianGrid
						strokeDasharray="3 3"
						horizontal={false}
						strokeOpacity={0.4}
					/>
					<XAxis type="number" allowDecimals={false} tick={axis} />
					<YAxis type="category" dataKey="name" width={120} tick={axis} />
					<Tooltip contentStyle={{ color: "#0f172a" }} />
					<Bar
						dataKey="pulls"
						name={t("project.summary.pulls")}
						fill={colors.pulls}
						isAnimationActive={false}
						maxBarSize={28}
					/>
				</BarChart>
			</ResponsiveContainer>
		</ChartFigure>
	);
}

/** Storage used against the limit as a ring; without a limit there is nothing to measure against: the bytes as text. */
export function StorageChart({ used, limit }: { used: number; limit: number }) {
	const { t } = useTranslation();
	const limited = limit >= 0;
	if (!limited) {
		return (
			<figure
				data-testid="storage-chart"
				className="rounded border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
			>
				<figcaption>
					<h3 className="font-medium">{t("project.summary.storageTitle")}</h3>
				</figcaption>
				<p className="mt-3 text-3xl font-semibold">{formatBytes(used)}</p>
				<p className="text-sm text-slate-600 dark:text-slate-300">
					{t("project.summary.storageNoLimit")}
				</p>
			</figure>
		);
	}
	const free = Math.max(0, limit - used);
	const data = [
		{ name: t("project.summary.used"), value: used, color: colors.used },
		{ name: t("project.summary.free"), value: free, color: colors.free },
	];
	// A limit of 0 with nothing stored: a plain ring, so the picture is still there.
	const ring = data.some((d) => d.value > 0)
		? data
		: [{ name: t("project.summary.free"), value: 1, color: colors.free }];
	const summary = t("project.summary.storageOf", {
		used: formatBytes(used),
		limit: formatBytes(limit),
	});
	return (
		<ChartFigure
			testId="storage-chart"
			title={t("project.summary.storageTitle")}
			summary={summary}
			table={
				<table>
					<caption>{t("project.summary.storageTitle")}</caption>
					<tbody>
						<tr>
							<th scope="row">{t("project.summary.used")}</th>
							<td>{formatBytes(used)}</td>
						</tr>
						<tr>
							<th scope="row">{t("project.summary.limit")}</th>
							<td>{formatBytes(limit)}</td>
						</tr>
					</tbody>
				</table>
			}
		>
			<ResponsiveContainer width="100%" height="100%">
				<PieChart accessibilityLayer={false}>
					<Pie
						data={ring}
						dataKey="value"
						nameKey="name"
						innerRadius="60%"
						outerRadius="85%"
						isAnimationActive={false}
						stroke="none"
						rootTabIndex={-1}
						minAngle={used > 0 ? 3 : 0}
					>
						{ring.map((d) => (
							<Cell key={d.name} fill={d.color} />
						))}
					</Pie>
					{ring === data && (
						<Tooltip
							formatter={(v) => formatBytes(Number(v))}
							contentStyle={{ color: "#0f172a" }}
						/>
					)}
					<Legend itemSorter={null} formatter={legendText} />
				</PieChart>
			</ResponsiveContainer>
		</ChartFigure>
	);
}
