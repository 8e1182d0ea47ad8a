import { useTranslation } from "react-i18next";
import { useAddition } from "../../api/artifact-additions.ts";
import { ErrorMessage } from "../../components/error-message.tsx";
import { Markdown } from "../../components/lazy-markdown.tsx";
import { Section } from "./section.tsx";

type Props = { project: string; repo: string; digest: string };

/** A Helm chart's README (Markdown, rendered safely), values.yaml as written, and its dependencies. */
export function ChartFiles({ project, repo, digest }: Props) {
	const { t } = useTranslation();
	const readme = useAddition(project, repo, digest, "readme.md", true);
	const values = useAddition(project, repo, digest, "values.yaml", true);
	const deps = useAddition(project, repo, digest, "dependencies", true);
	return (
		<>
			<Section id="chart-readme" title={t("artifacts.chart.readme")}>
				<ErrorMessage error={readme.error} />
				{readme.isPending ? (
					<p className="text-sm">{t("common.loading")}</p>
				) : readme.data?.trim() ? (
					<div data-testid="chart-readme">
						<Markdown text={readme.data} />
					</div>
				) : (
					!readme.error && (
						<p className="text-sm text-slate-600 dark:text-slate-300">
							{t("artifacts.chart.noReadme")}
						</p>
					)
				)}
			</Section>
			<Section id="chart-values" title={t("artifacts.chart.values")}>
				<ErrorMessage error={values.error} />
				{values.isPending ? (
					<p className="text-sm">{t("common.loading")}</p>
				) : values.data?.trim() ? (
					// biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label names the box when it has the focus.
					<pre
						data-testid="chart-values"
						// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable box must take the focus (axe: scrollable-region-focusable).
						tabIndex={0}
						aria-label={t("artifacts.chart.values")}
						className="max-h-[32rem] overflow-auto rounded bg-slate-100 p-3 font-mono text-xs dark:bg-slate-800"
					>
						{values.data}
					</pre>
				) : (
					!values.error && (
						<p className="text-sm text-slate-600 dark:text-slate-300">
							{t("artifacts.chart.noValues")}
						</p>
					)
				)}
			</Section>
			<Section
				id="chart-dependencies"
				title={t("artifacts.chart.dependencies")}
			>
				<ErrorMessage error={deps.error} />
				{deps.data && deps.data.length === 0 && (
					<p className="text-sm text-slate-600 dark:text-slate-300">
						{t("artifacts.chart.noDependencies")}
					</p>
				)}
				{deps.data && deps.data.length > 0 && (
					<table
						className="w-full text-left text-sm"
						aria-label={t("artifacts.chart.dependencies")}
					>
						<thead>
							<tr className="border-b border-slate-300 dark:border-slate-700">
								<th scope="col" className="py-1 pr-3 font-medium">
									{t("artifacts.chart.name")}
								</th>
								<th scope="col" className="py-1 pr-3 font-medium">
									{t("artifacts.chart.version")}
								</th>
								<th scope="col" className="py-1 pr-3 font-medium">
									{t("artifacts.chart.repository")}
								</th>
							</tr>
						</thead>
						<tbody>
							{deps.data.map((d) => (
								<tr
									key={`${d.name}-${d.version}`}
									className="border-b border-slate-100 last:border-0 dark:border-slate-800"
								>
									<td className="py-1 pr-3">{d.name}</td>
									<td className="py-1 pr-3">{d.version}</td>
									<td className="break-all py-1 pr-3">{d.repository ?? ""}</td>
								</tr>
							))}
						</tbody>
					</table>
				)}
			</Section>
		</>
	);
}
