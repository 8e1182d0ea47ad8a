import { useTranslation } from "react-i18next";
import { useAddition } from "../../api/artifact-additions.ts";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatTime } from "../../components/format.ts";

/** How the image was built, step by step, from its config's history. */
export function BuildHistory({
	project,
	repo,
	digest,
}: {
	project: string;
	repo: string;
	digest: string;
}) {
	const { t, i18n } = useTranslation();
	const q = useAddition(project, repo, digest, "build_history", true);
	if (q.isPending) return <p className="text-sm">{t("common.loading")}</p>;
	if (q.error) return <ErrorMessage error={q.error} />;
	if (q.data.length === 0)
		return (
			<p className="text-sm text-slate-600 dark:text-slate-300">
				{t("artifacts.history.none")}
			</p>
		);
	return (
		<table
			className="w-full text-left text-sm"
			aria-label={t("artifacts.history.title")}
		>
			<thead>
				<tr className="border-b border-slate-300 dark:border-slate-700">
					<th scope="col" className="py-1 pr-3 font-medium">
						{t("artifacts.history.created")}
					</th>
					<th scope="col" className="py-1 pr-3 font-medium">
						{t("artifacts.history.command")}
					</th>
					<th scope="col" className="py-1 pr-3 font-medium">
						{t("artifacts.history.layer")}
					</th>
				</tr>
			</thead>
			<tbody>
				{q.data.map((h, i) => (
					<tr
						// biome-ignore lint/suspicious/noArrayIndexKey: history lines have no identity but their order, which never changes.
						key={i}
						data-testid="history-row"
						className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800"
					>
						<td className="whitespace-nowrap py-1.5 pr-3">
							{formatTime(h.created, i18n.language)}
						</td>
						<td className="py-1.5 pr-3">
							<code className="whitespace-pre-wrap break-all font-mono text-xs">
								{h.created_by ?? ""}
							</code>
							{h.comment && (
								<span className="block text-xs text-slate-600 dark:text-slate-300">
									{h.comment}
								</span>
							)}
						</td>
						<td className="py-1.5 pr-3">
							{h.empty_layer
								? t("artifacts.history.empty")
								: t("artifacts.history.adds")}
						</td>
					</tr>
				))}
			</tbody>
		</table>
	);
}
