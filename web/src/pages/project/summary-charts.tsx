import { type ReactNode, useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
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

/**
 * The pictures are drawn here as plain SVG (a few bars and a ring need no chart library: recharts made the summary's
 * chunk 460 KB). Each is drawn in a fixed coordinate space and scaled to its box; text stays in the text colour.
 */
const axisText = "fill-current text-[11px]";
const gridLine = "stroke-current opacity-20";

/** The width of a box in pixels, followed as it changes, so a drawing's text keeps its size at any width. */
function useWidth(fallback: number) {
	const ref = useRef<HTMLDivElement>(null);
	const [width, setWidth] = useState(fallback);
	useLayoutEffect(() => {
		const el = ref.current;
		if (!el) return;
		setWidth(el.clientWidth || fallback);
		const observer = new ResizeObserver(([e]) =>
			setWidth(Math.round(e.contentRect.width) || fallback),
		);
		observer.observe(el);
		return () => observer.disconnect();
	}, [fallback]);
	return [ref, width] as const;
}

/** An SVG drawn in pixels, one unit a pixel (its text keeps the page's size). */
function Drawing({
	width,
	height,
	children,
}: {
	width: number;
	height: number;
	children: ReactNode;
}) {
	return (
		<svg
			width={width}
			height={height}
			viewBox={`0 0 ${width} ${height}`}
			className="block"
			role="presentation"
		>
			{children}
		</svg>
	);
}

/** A round step for an axis from 0 to at least `max`, in about `ticks` steps (1, 2 or 5 times a power of ten). */
export function niceTicks(max: number, ticks = 4): number[] {
	if (max <= 0) return [0, 1];
	const raw = max / ticks;
	const power = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
	// Whole numbers only: counts of pushes and pulls.
	const whole = Math.max(1, Math.ceil(step));
	const out: number[] = [];
	for (let v = 0; v < max + whole; v += whole) out.push(v);
	return out;
}

/** Swatches and names of the series, in the text colour (the series colour is in the swatch). */
function Legend({ items }: { items: { name: string; color: string }[] }) {
	return (
		<ul className="mt-1 flex flex-wrap justify-center gap-4 text-xs">
			{items.map((i) => (
				<li key={i.name} className="flex items-center gap-1.5">
					<span
						className="inline-block size-2.5 rounded-sm"
						style={{ backgroundColor: i.color }}
					/>
					{i.name}
				</li>
			))}
		</ul>
	);
}

/**
 * A chart with its caption; the drawing is hidden from assistive technology, which reads the same numbers from a
 * table instead (nothing in the drawing takes the focus).
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
				className="mt-3 text-slate-700 dark:text-slate-300"
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
			<ActivityBars
				data={data}
				series={[
					{
						key: "pushes",
						name: t("project.summary.pushes"),
						color: colors.pushes,
					},
					{
						key: "pulls",
						name: t("project.summary.pulls"),
						color: colors.pulls,
					},
				]}
			/>
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
			<TopBars data={data} label={t("project.summary.pulls")} />
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
			<Ring ring={ring} used={used} titled={ring === data} />
			<Legend items={data} />
		</ChartFigure>
	);
}

type Day = { label: string; date: string; pushes: number; pulls: number };

/** Pushes and pulls per day, side by side, with a count axis and a day now and then below. */
function ActivityBars({
	data,
	series,
}: {
	data: Day[];
	series: { key: "pushes" | "pulls"; name: string; color: string }[];
}) {
	const [box, w] = useWidth(640);
	const h = 224;
	const left = 32;
	const bottom = 20;
	const top = 6;
	const ticks = niceTicks(
		Math.max(1, ...data.flatMap((d) => series.map((s) => d[s.key]))),
	);
	const max = ticks[ticks.length - 1];
	const y = (v: number) => top + (h - top - bottom) * (1 - v / max);
	const slot = (w - left) / Math.max(1, data.length);
	const bar = Math.max(1, (slot * 0.8) / series.length);
	// A date every ~90 px along the axis, the last day always (and no date crowding it).
	const every = Math.max(1, Math.ceil(data.length / Math.max(2, w / 90)));
	const dated = (i: number) =>
		i === data.length - 1 || (i % every === 0 && data.length - 1 - i >= every);
	return (
		<div ref={box}>
			<Drawing width={w} height={h}>
				{ticks.map((v) => (
					<g key={v}>
						<line
							x1={left}
							x2={w}
							y1={y(v)}
							y2={y(v)}
							className={gridLine}
							strokeDasharray="3 3"
						/>
						<text
							x={left - 6}
							y={y(v)}
							textAnchor="end"
							dominantBaseline="middle"
							className={axisText}
						>
							{v}
						</text>
					</g>
				))}
				{data.map((d, i) => {
					const x0 = left + i * slot + slot * 0.1;
					return (
						<g key={d.date}>
							<title>
								{`${d.label}: ${series.map((s) => `${s.name} ${d[s.key]}`).join(", ")}`}
							</title>
							{/* The whole day's column answers the pointer, even where its bars are short. */}
							<rect
								x={left + i * slot}
								y={top}
								width={slot}
								height={h - top - bottom}
								fill="transparent"
							/>
							{series.map((s, k) =>
								d[s.key] > 0 ? (
									<rect
										key={s.key}
										data-part="bar"
										x={x0 + k * bar}
										y={y(d[s.key])}
										width={bar}
										height={y(0) - y(d[s.key])}
										fill={s.color}
									/>
								) : null,
							)}
							{dated(i) && (
								<text
									x={left + i * slot + slot / 2}
									y={h - 4}
									textAnchor="middle"
									className={axisText}
								>
									{d.label}
								</text>
							)}
						</g>
					);
				})}
				<line
					x1={left}
					x2={w}
					y1={y(0)}
					y2={y(0)}
					className="stroke-current opacity-50"
				/>
			</Drawing>
			<Legend items={series} />
		</div>
	);
}

/** The most-pulled repositories as horizontal bars, longest first, each with its name and count. */
function TopBars({
	data,
	label,
}: {
	data: { name: string; pulls: number }[];
	label: string;
}) {
	const [box, w] = useWidth(640);
	const row = 32;
	const left = Math.min(150, Math.round(w * 0.35));
	const right = 48;
	const h = Math.max(row * data.length, row);
	const max = Math.max(1, ...data.map((d) => d.pulls));
	// About 6.5 px a character at the axis' size.
	const fits = Math.max(4, Math.floor((left - 8) / 6.5));
	const short = (name: string) =>
		name.length > fits ? `${name.slice(0, fits - 1)}…` : name;
	return (
		<div ref={box}>
			<Drawing width={w} height={h}>
				{data.map((d, i) => {
					const width = ((w - left - right) * d.pulls) / max;
					return (
						<g key={d.name}>
							<title>{`${d.name}: ${label} ${d.pulls}`}</title>
							<text
								x={left - 8}
								y={i * row + row / 2}
								textAnchor="end"
								dominantBaseline="middle"
								className={axisText}
							>
								{short(d.name)}
							</text>
							<rect
								data-part="bar"
								x={left}
								y={i * row + 4}
								width={Math.max(1, width)}
								height={row - 8}
								fill={colors.pulls}
							/>
							<text
								x={left + width + 6}
								y={i * row + row / 2}
								dominantBaseline="middle"
								className={axisText}
							>
								{d.pulls}
							</text>
						</g>
					);
				})}
			</Drawing>
		</div>
	);
}

/**
 * Storage as a ring: each part an arc of a circle's stroke, the used part at least 3° when anything is stored so it
 * never vanishes beside a large limit.
 */
function Ring({
	ring,
	used,
	titled,
}: {
	ring: { name: string; value: number; color: string }[];
	used: number;
	/** Whether the parts are the real ones (a placeholder ring says nothing on hover). */
	titled: boolean;
}) {
	const r = 36;
	const c = 2 * Math.PI * r;
	const total = ring.reduce((n, p) => n + p.value, 0) || 1;
	const minimum = used > 0 ? c * (3 / 360) : 0;
	let offset = 0;
	const arcs = ring.map((p, i) => {
		const share = (c * p.value) / total;
		const length = i === 0 && p.value > 0 ? Math.max(minimum, share) : share;
		const arc = { ...p, length: Math.min(length, c - offset), offset };
		offset += arc.length;
		return arc;
	});
	return (
		<svg
			viewBox="0 0 100 100"
			className="mx-auto h-48 w-48"
			role="presentation"
		>
			<g transform="rotate(-90 50 50)">
				{arcs.map((a) =>
					a.length > 0 ? (
						<circle
							key={a.name}
							data-part="sector"
							cx={50}
							cy={50}
							r={r}
							fill="none"
							stroke={a.color}
							strokeWidth={14}
							strokeDasharray={`${a.length} ${c - a.length}`}
							strokeDashoffset={-a.offset}
						>
							{titled && <title>{`${a.name}: ${formatBytes(a.value)}`}</title>}
						</circle>
					) : null,
				)}
			</g>
		</svg>
	);
}
