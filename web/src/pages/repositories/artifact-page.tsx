import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useArtifactContent } from "../../api/artifact-content.ts";
import { useArtifact, useDeleteArtifact } from "../../api/artifacts.ts";
import { ApiError } from "../../api/client.ts";
import { useProjectPermissions } from "../../api/permissions.ts";
import { useProject } from "../../api/projects.ts";
import { paths } from "../../app/paths.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { shortDigest } from "../../components/format.ts";
import { Skeleton } from "../../components/skeleton.tsx";
import NotFoundPage from "../not-found-page.tsx";
import { Accessories } from "./accessories.tsx";
import { isSigned } from "./artifact-list.tsx";
import { Breadcrumb } from "./breadcrumb.tsx";
import { BuildHistory } from "./build-history.tsx";
import { ChartFiles } from "./chart-files.tsx";
import { CopyArtifactButton } from "./copy-artifact.tsx";
import { LabelEditor } from "./label-editor.tsx";
import { Layers } from "./layers.tsx";
import { Overview } from "./overview.tsx";
import { PlatformList } from "./platform-list.tsx";
import { PullCommands } from "./pull-command.tsx";
import { RawJson } from "./raw-json.tsx";
import { scannable } from "./scan-controls.tsx";
import { Section } from "./section.tsx";
import { TagEditor } from "./tag-editor.tsx";
import { Vulnerabilities } from "./vulnerabilities.tsx";

/**
 * One artifact: overview, vulnerabilities (an image's last scan, its findings, scan and stop), pull commands, tags,
 * labels, platforms (index), layers and build history (image), README, values and dependencies (chart), accessories,
 * and the raw manifest and config. Two requests draw the page: the artifact (with tags, labels, accessories, its
 * last scan) and its content; additions follow for the kinds that have them.
 */
export default function ArtifactPage() {
	const { t } = useTranslation();
	const navigate = useNavigate();
	const { project = "", repo = "", reference = "" } = useParams();
	const projectQ = useProject(project);
	const perms = useProjectPermissions(projectQ.data?.project_id);
	const q = useArtifact(project, repo, reference);
	const content = useArtifactContent(project, repo, reference);
	const del = useDeleteArtifact(project, repo);
	const [deleting, setDeleting] = useState(false);
	const isDigestRef = reference.includes(":");
	// Reached from an index's platform list: the index it belongs to (a digest, or nothing).
	const parentParam = useSearchParams()[0].get("index") ?? "";
	const linkedIndex = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/.test(
		parentParam,
	)
		? parentParam
		: null;
	const title = isDigestRef
		? `${repo}@${shortDigest(reference)}`
		: `${repo}:${reference}`;

	const missing = [projectQ.error, q.error].some(
		(e) => e instanceof ApiError && e.status === 404,
	);
	if (missing) {
		return (
			<div>
				<Breadcrumb project={project} repo={repo} />
				<NotFoundPage />
			</div>
		);
	}

	const a = q.data;
	const c = content.data;
	// The index that holds this artifact: the one it was reached from while that is known to hold it, else any that does
	// (a platform opened by its own link is still deleted with its index, not alone).
	const parentIndex = c
		? linkedIndex && c.indexes.includes(linkedIndex)
			? linkedIndex
			: (c.indexes[0] ?? null)
		: linkedIndex;
	const tags = (a?.tags ?? []).map((x) => x.name);
	const isIndex =
		!!a?.references?.length ||
		(c && Array.isArray((c.manifest as { manifests?: unknown })?.manifests));
	return (
		<div className="space-y-4">
			<div>
				<Breadcrumb project={project} repo={repo} />
				{parentIndex && (
					<p className="mb-2 text-sm" data-testid="parent-index">
						{t("artifacts.partOfIndex", { digest: shortDigest(parentIndex) })}{" "}
						<Link
							to={paths.artifact.href(project, repo, parentIndex)}
							className="text-[#0f4c81] underline dark:text-sky-300"
						>
							{t("artifacts.backToIndex")}
						</Link>
					</p>
				)}
				<div className="flex flex-wrap items-center gap-3">
					<h1 className="break-all text-2xl font-semibold">{title}</h1>
					{a && (
						<span className="rounded bg-slate-200 px-2 py-0.5 text-xs font-medium dark:bg-slate-700">
							{a.type}
							{isIndex ? ` · ${t("artifacts.index")}` : ""}
						</span>
					)}
					{a &&
						(isSigned(a) ? (
							<span className="rounded bg-green-100 px-2 py-0.5 text-xs font-medium text-green-900 dark:bg-green-900 dark:text-green-100">
								✓ {t("artifacts.signed")}
							</span>
						) : (
							<span className="text-xs text-slate-600 dark:text-slate-300">
								{t("artifacts.unsigned")}
							</span>
						))}
					{a && perms.can("repository", "pull") && (
						<span className="ml-auto">
							<CopyArtifactButton
								source={{ project, repo, digest: a.digest }}
							/>
						</span>
					)}
					{a && c && perms.can("artifact", "delete") && !parentIndex && (
						<Button
							variant="danger"
							className=""
							onClick={() => {
								del.reset();
								setDeleting(true);
							}}
						>
							{t("artifacts.delete")}
						</Button>
					)}
					{a && perms.can("artifact", "delete") && parentIndex && (
						<span className="text-xs text-slate-600 dark:text-slate-300">
							{t("artifacts.deletedWithIndex")}
						</span>
					)}
				</div>
				<ErrorMessage error={q.error ?? projectQ.error} />
			</div>

			{!a && !q.error && <Skeleton className="h-64 rounded-lg" />}

			{a && (
				<>
					<Section id="artifact-overview" title={t("artifacts.overview.title")}>
						<Overview artifact={a} />
					</Section>

					{scannable(a) && (
						<Section id="artifact-vulnerabilities" title={t("scanning.title")}>
							<Vulnerabilities
								project={project}
								repo={repo}
								projectId={projectQ.data?.project_id}
								artifact={a}
							/>
						</Section>
					)}

					<Section id="artifact-pull" title={t("artifacts.pull.title")}>
						{/* Opened by a tag: that tag's commands first. */}
						<PullCommands
							key={reference}
							target={{ project, repo, digest: a.digest, tags, type: a.type }}
							defaultTag={isDigestRef ? undefined : reference}
						/>
					</Section>

					{/* A page named by a tag that is then deleted stays on the artifact, by its digest. */}
					<Section id="artifact-tags" title={t("artifacts.col.tags")}>
						<TagEditor
							project={project}
							repo={repo}
							digest={a.digest}
							tags={tags}
							locked={(a.tags ?? [])
								.filter((x) => x.immutable)
								.map((x) => x.name)}
							canCreate={perms.can("tag", "create")}
							canDelete={perms.can("tag", "delete")}
							onDeleted={(tag) => {
								if (tag === reference)
									void navigate(paths.artifact.href(project, repo, a.digest), {
										replace: true,
									});
							}}
						/>
					</Section>

					<Section id="artifact-labels" title={t("artifacts.col.labels")}>
						{(a.labels ?? []).length === 0 &&
							!perms.can("artifact-label", "create") && (
								<p className="text-sm text-slate-600 dark:text-slate-300">
									{t("artifacts.labels.none")}
								</p>
							)}
						<LabelEditor
							project={project}
							repo={repo}
							projectId={projectQ.data?.project_id}
							digest={a.digest}
							labels={a.labels ?? []}
							canAdd={perms.can("artifact-label", "create")}
							canRemove={perms.can("artifact-label", "delete")}
						/>
					</Section>

					{a.references?.length ? (
						<Section
							id="artifact-platforms"
							title={t("artifacts.platforms.title")}
						>
							<PlatformList
								project={project}
								repo={repo}
								index={a.digest}
								references={a.references}
							/>
						</Section>
					) : null}

					{!isIndex && (
						<Section id="artifact-layers" title={t("artifacts.layers.title")}>
							<ErrorMessage error={content.error} />
							{c ? (
								<Layers layers={c.layers} />
							) : (
								!content.error && (
									<p className="text-sm">{t("common.loading")}</p>
								)
							)}
						</Section>
					)}

					{a.addition_links.build_history && (
						<Section id="artifact-history" title={t("artifacts.history.title")}>
							<BuildHistory project={project} repo={repo} digest={a.digest} />
						</Section>
					)}

					{a.type === "CHART" && (
						<ChartFiles project={project} repo={repo} digest={a.digest} />
					)}

					<Section
						id="artifact-accessories"
						title={t("artifacts.accessories.title")}
					>
						<Accessories
							project={project}
							repo={repo}
							accessories={a.accessories ?? []}
						/>
					</Section>

					<Section id="artifact-raw" title={t("artifacts.raw.title")}>
						<ErrorMessage error={content.error} />
						{c && (
							<div className="space-y-2">
								<RawJson
									title={t("artifacts.raw.manifest", {
										type: c.manifestMediaType,
									})}
									value={c.manifest}
									testId="raw-manifest"
								/>
								{c.config !== null ? (
									<RawJson
										title={t("artifacts.raw.config")}
										value={c.config}
										testId="raw-config"
									/>
								) : (
									<p className="text-sm text-slate-600 dark:text-slate-300">
										{isIndex
											? t("artifacts.raw.indexHasNoConfig")
											: t("artifacts.raw.configTooLarge")}
									</p>
								)}
							</div>
						)}
					</Section>
				</>
			)}

			<ConfirmDialog
				open={deleting}
				title={t("artifacts.deleteTitle")}
				confirmLabel={t("common.delete")}
				pending={del.isPending}
				error={del.error}
				onClose={() => setDeleting(false)}
				onConfirm={() =>
					a &&
					del.mutate(a.digest, {
						onSuccess: () =>
							navigate(paths.repository.href(project, repo), { replace: true }),
					})
				}
			>
				<p>{t("artifacts.deleteBody", { digest: a?.digest ?? "" })}</p>
				{tags.length ? (
					<p className="mt-2">
						{t("artifacts.deleteTags", { tags: tags.join(", ") })}
					</p>
				) : null}
			</ConfirmDialog>
		</div>
	);
}
