import { Fragment, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Artifact } from "../../api/artifacts.ts";
import { CopyButton } from "../../components/copy-button.tsx";
import { formatBytes, formatTime } from "../../components/format.ts";
import { platformText } from "./platform-list.tsx";

const str = (v: unknown) =>
	typeof v === "string" || typeof v === "number" ? String(v) : "";

function Row({ term, children }: { term: ReactNode; children: ReactNode }) {
	return (
		<div className="grid grid-cols-1 gap-1 py-1.5 sm:grid-cols-[12rem_1fr]">
			<dt className="font-medium text-slate-600 [overflow-wrap:anywhere] dark:text-slate-300">
				{term}
			</dt>
			<dd className="min-w-0 break-all">{children}</dd>
		</div>
	);
}

/**
 * An annotation key (`org.opencontainers.image.description`) that wraps after its dots, slashes and dashes, never inside
 * a word (a word longer than the column still wraps, as a last resort).
 */
function DottedKey({ name }: { name: string }) {
	const parts = name.split(/(?<=[./_-])/);
	return (
		<>
			{parts.map((part, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: the parts of one name, in a fixed order.
				<Fragment key={i}>
					{i > 0 && <wbr />}
					{part}
				</Fragment>
			))}
		</>
	);
}

/**
 * What the artifact is: types, digest, size, when and by whom it was made, and its annotations. Everything here
 * comes from what was pushed, so it is shown as text only.
 */
export function Overview({ artifact: a }: { artifact: Artifact }) {
	const { t, i18n } = useTranslation();
	const x = a.extra_attrs ?? {};
	const isChart = a.type === "CHART";
	const platform = platformText({
		os: str(x.os) || undefined,
		architecture: str(x.architecture) || undefined,
		variant: str(x.variant) || undefined,
	});
	const annotations = Object.entries(a.annotations ?? {});
	return (
		<div>
			<dl className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
				<Row term={t("artifacts.overview.type")}>{a.type}</Row>
				<Row term={t("artifacts.overview.mediaType")}>
					<span className="font-mono text-xs">{a.media_type}</span>
				</Row>
				<Row term={t("artifacts.overview.manifestMediaType")}>
					<span className="font-mono text-xs">{a.manifest_media_type}</span>
				</Row>
				{a.artifact_type && a.artifact_type !== a.media_type && (
					<Row term={t("artifacts.overview.artifactType")}>
						<span className="font-mono text-xs">{a.artifact_type}</span>
					</Row>
				)}
				<Row term={t("artifacts.col.digest")}>
					<span className="inline-flex flex-wrap items-center gap-2">
						<span className="font-mono text-xs">{a.digest}</span>
						<CopyButton text={a.digest} label={t("artifacts.copyDigest")} />
					</span>
				</Row>
				<Row term={t("artifacts.col.size")}>{formatBytes(a.size)}</Row>
				{platform && (
					<Row term={t("artifacts.platforms.platform")}>
						<span className="font-mono text-xs">{platform}</span>
					</Row>
				)}
				{!isChart && (
					<Row term={t("artifacts.overview.created")}>
						{str(x.created) ? formatTime(str(x.created), i18n.language) : "—"}
					</Row>
				)}
				{!isChart && (
					<Row term={t("artifacts.overview.author")}>
						{str(x.author) || "—"}
					</Row>
				)}
				{isChart &&
					(["name", "version", "appVersion", "description", "home"] as const)
						.filter((k) => str(x[k]))
						.map((k) => (
							<Row key={k} term={t(`artifacts.chart.${k}`)}>
								{str(x[k])}
							</Row>
						))}
				<Row term={t("artifacts.col.pushed")}>
					{formatTime(a.push_time, i18n.language)}
				</Row>
				<Row term={t("artifacts.col.pulled")}>
					{formatTime(a.pull_time, i18n.language)}
				</Row>
			</dl>
			<h3 className="mt-4 mb-1 font-medium">
				{t("artifacts.overview.annotations")}
			</h3>
			{annotations.length === 0 ? (
				<p className="text-sm text-slate-600 dark:text-slate-300">
					{t("artifacts.overview.noAnnotations")}
				</p>
			) : (
				<dl
					data-testid="annotations"
					className="divide-y divide-slate-100 text-sm dark:divide-slate-800"
				>
					{annotations.map(([k, v]) => (
						<Row key={k} term={<DottedKey name={k} />}>
							<span className="whitespace-pre-wrap">{v}</span>
						</Row>
					))}
				</dl>
			)}
		</div>
	);
}
