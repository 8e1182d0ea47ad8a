import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Accessory, useArtifactsByDigest } from "../../api/artifacts.ts";
import { paths } from "../../app/paths.ts";
import {
	formatBytes,
	formatTime,
	shortDigest,
} from "../../components/format.ts";

/** Signatures, SBOMs and other referrers whose subject is this artifact, each linking to its own page. */
export function Accessories({
	project,
	repo,
	accessories,
}: {
	project: string;
	repo: string;
	accessories: Accessory[];
}) {
	const { t, i18n } = useTranslation();
	// A generic referrer (Harbor's `subject.accessory`, e.g. an SPDX SBOM) is named by its own artifact type, as its page
	// names it; one list request for all of them.
	const generic = accessories
		.filter((x) => x.type === "subject.accessory")
		.map((x) => x.digest);
	const genericArtifacts = useArtifactsByDigest(project, repo, generic);
	const typeOf = new Map(
		genericArtifacts.data?.items.map((a) => [a.digest, a.type]),
	);
	const name = (x: Accessory) =>
		typeOf.get(x.digest) ??
		t(`artifacts.accessories.type.${x.type}`, { defaultValue: x.type });
	if (accessories.length === 0)
		return (
			<p className="text-sm text-slate-600 dark:text-slate-300">
				{t("artifacts.accessories.none")}
			</p>
		);
	return (
		<table
			className="w-full text-left text-sm"
			aria-label={t("artifacts.accessories.title")}
		>
			<thead>
				<tr className="border-b border-slate-300 dark:border-slate-700">
					<th scope="col" className="py-1 pr-3 font-medium">
						{t("artifacts.col.type")}
					</th>
					<th scope="col" className="py-1 pr-3 font-medium">
						{t("artifacts.col.digest")}
					</th>
					<th scope="col" className="py-1 pr-3 font-medium">
						{t("artifacts.col.size")}
					</th>
					<th scope="col" className="py-1 pr-3 font-medium">
						{t("artifacts.col.pushed")}
					</th>
				</tr>
			</thead>
			<tbody>
				{accessories.map((x) => (
					<tr
						key={x.id}
						className="border-b border-slate-100 last:border-0 dark:border-slate-800"
					>
						<td className="py-1 pr-3">{name(x)}</td>
						<td className="py-1 pr-3">
							<Link
								to={paths.artifact.href(project, repo, x.digest)}
								title={x.digest}
								className="font-mono text-xs text-[#0f4c81] underline dark:text-sky-300"
							>
								{shortDigest(x.digest)}
							</Link>
						</td>
						<td className="py-1 pr-3">{formatBytes(x.size)}</td>
						<td className="whitespace-nowrap py-1 pr-3">
							{formatTime(x.creation_time, i18n.language)}
						</td>
					</tr>
				))}
			</tbody>
		</table>
	);
}
