import { useTranslation } from "react-i18next";
import type { ArtifactContent } from "../../api/artifact-content.ts";
import { CopyButton } from "../../components/copy-button.tsx";
import { formatBytes, shortDigest } from "../../components/format.ts";

/** The image's layers in order, each with its size drawn as a bar against the largest. */
export function Layers({ layers }: { layers: ArtifactContent["layers"] }) {
	const { t } = useTranslation();
	const max = Math.max(1, ...layers.map((l) => l.size));
	const total = layers.reduce((n, l) => n + l.size, 0);
	if (layers.length === 0)
		return (
			<p className="text-sm text-slate-600 dark:text-slate-300">
				{t("artifacts.layers.none")}
			</p>
		);
	return (
		<div>
			{/* Wider than a phone: the table scrolls in its own box, the page does not. */}
			<div className="relative overflow-x-auto">
				<table
					className="w-full text-left text-sm"
					aria-label={t("artifacts.layers.title")}
				>
					<thead>
						<tr className="border-b border-slate-300 dark:border-slate-700">
							<th scope="col" className="py-1 pr-3 font-medium">
								#
							</th>
							<th scope="col" className="py-1 pr-3 font-medium">
								{t("artifacts.col.digest")}
							</th>
							<th scope="col" className="py-1 pr-3 font-medium">
								{t("artifacts.overview.mediaType")}
							</th>
							<th scope="col" className="w-1/3 py-1 pr-3 font-medium">
								{t("artifacts.col.size")}
							</th>
						</tr>
					</thead>
					<tbody>
						{layers.map((l, i) => (
							<tr
								// biome-ignore lint/suspicious/noArrayIndexKey: one digest can be two layers; its place tells them apart.
								key={`${l.digest}-${i}`}
								data-testid="layer-row"
								className="border-b border-slate-100 last:border-0 dark:border-slate-800"
							>
								<td className="py-1.5 pr-3">{i + 1}</td>
								<td className="py-1.5 pr-3">
									<span className="inline-flex items-center gap-2">
										<span className="font-mono text-xs" title={l.digest}>
											{shortDigest(l.digest)}
										</span>
										<CopyButton
											text={l.digest}
											label={t("artifacts.layers.copyDigest", { n: i + 1 })}
										/>
									</span>
								</td>
								<td className="break-all py-1.5 pr-3 font-mono text-xs">
									{l.mediaType}
								</td>
								<td className="py-1.5 pr-3">
									<div className="flex items-center gap-2">
										<div
											className="h-3 flex-1 rounded bg-slate-100 dark:bg-slate-800"
											aria-hidden="true"
										>
											<div
												className="h-3 rounded bg-[#0f4c81] dark:bg-sky-400"
												style={{
													width: `${Math.max(1, (l.size / max) * 100)}%`,
												}}
											/>
										</div>
										<span className="w-20 shrink-0 text-right tabular-nums">
											{formatBytes(l.size)}
										</span>
									</div>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
			<p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
				{t("artifacts.layers.total", {
					count: layers.length,
					size: formatBytes(total),
				})}
			</p>
		</div>
	);
}
