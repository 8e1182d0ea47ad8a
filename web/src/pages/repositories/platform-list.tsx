import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
	type Platform,
	type Reference,
	scanOf,
	useArtifactsByDigest,
} from "../../api/artifacts.ts";
import { paths } from "../../app/paths.ts";
import { CopyButton } from "../../components/copy-button.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatBytes, shortDigest } from "../../components/format.ts";
import { SeverityBar } from "../../components/severity-bar.tsx";

/** `linux/arm64/v8`, as docker and podman write a platform. */
export const platformText = (p: Platform | undefined) =>
	p
		? [p.os, p.architecture, p.variant].filter(Boolean).join("/") +
			(p["os.version"] ? ` (${p["os.version"]})` : "")
		: "";

/**
 * A platform's page, reached from its index: the index goes along (`?index=`), so that page can link back to it and
 * say that the platform is deleted with its index (deleting it alone is refused while the index holds it).
 */
const platformHref = (
	project: string,
	repo: string,
	child: string,
	index: string,
) =>
	`${paths.artifact.href(project, repo, child)}?${new URLSearchParams({ index })}`;

/**
 * An index's platforms: each child's platform, digest (linking to its own page, where it is scanned), size and last
 * scan. Sizes and scans come from one list request for all the children (`digest={a b c}` with `base=*`), never one
 * request per child.
 */
export function PlatformList({
	project,
	repo,
	index,
	references,
}: {
	project: string;
	repo: string;
	index: string;
	references: Reference[];
}) {
	const { t } = useTranslation();
	const digests = references.map((r) => r.child_digest);
	const children = useArtifactsByDigest(project, repo, digests);
	const child = new Map(children.data?.items.map((a) => [a.digest, a]));
	return (
		<div>
			<ErrorMessage error={children.error} />
			{/* Wider than a phone: the table scrolls in its own box, the page does not. */}
			<div className="relative overflow-x-auto">
				<table
					className="w-full text-left text-sm"
					aria-label={t("artifacts.platforms.table")}
				>
					<thead>
						<tr className="border-b border-slate-300 dark:border-slate-700">
							<th scope="col" className="py-1 pr-3 font-medium">
								{t("artifacts.platforms.platform")}
							</th>
							<th scope="col" className="py-1 pr-3 font-medium">
								{t("artifacts.col.digest")}
							</th>
							<th scope="col" className="py-1 pr-3 font-medium">
								{t("artifacts.col.size")}
							</th>
							<th scope="col" className="py-1 pr-3 font-medium">
								{t("scanning.title")}
							</th>
						</tr>
					</thead>
					<tbody>
						{references.map((r) => (
							<tr
								key={r.child_digest}
								data-testid="platform-row"
								className="border-b border-slate-200 last:border-0 dark:border-slate-800"
							>
								<td className="py-1 pr-3 font-mono text-xs">
									{platformText(r.platform) || t("artifacts.platforms.unknown")}
								</td>
								<td className="py-1 pr-3">
									<span className="inline-flex items-center gap-2">
										<Link
											to={platformHref(project, repo, r.child_digest, index)}
											title={r.child_digest}
											className="font-mono text-xs text-[#0f4c81] underline dark:text-sky-300"
										>
											{shortDigest(r.child_digest)}
										</Link>
										<CopyButton
											text={r.child_digest}
											label={t("artifacts.copyDigest")}
										/>
									</span>
								</td>
								<td className="py-1 pr-3">
									{children.isPending
										? "…"
										: formatBytes(child.get(r.child_digest)?.size)}
								</td>
								<td className="py-1 pr-3">
									{children.isPending ? (
										"…"
									) : (
										<SeverityBar scan={scanOf(child.get(r.child_digest))} />
									)}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</div>
	);
}
