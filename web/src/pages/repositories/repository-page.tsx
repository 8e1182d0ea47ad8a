import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ApiError } from "../../api/client.ts";
import { useProjectPermissions } from "../../api/permissions.ts";
import { useProject } from "../../api/projects.ts";
import { useRepository } from "../../api/repositories.ts";
import { paths } from "../../app/paths.ts";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatTime } from "../../components/format.ts";
import { Skeleton } from "../../components/skeleton.tsx";
import NotFoundPage from "../not-found-page.tsx";
import { ArtifactList, type ArtifactPermissions } from "./artifact-list.tsx";
import { Breadcrumb } from "./breadcrumb.tsx";
import { DescriptionEditor } from "./description-editor.tsx";

/** A repository: its description (Markdown, safely) and its artifacts. */
export default function RepositoryPage() {
	const { t, i18n } = useTranslation();
	const { project = "", repo = "" } = useParams();
	const projectQ = useProject(project);
	const repoQ = useRepository(project, repo);
	const perms = useProjectPermissions(projectQ.data?.project_id);
	// Kept until the permissions themselves change (`perms.can` is new each render, over `perms.data`): the artifact
	// table's columns depend on it.
	// biome-ignore lint/correctness/useExhaustiveDependencies: perms.data is what perms.can reads.
	const can: ArtifactPermissions = useMemo(
		() => ({
			deleteArtifact: perms.can("artifact", "delete"),
			createTag: perms.can("tag", "create"),
			deleteTag: perms.can("tag", "delete"),
			addLabel: perms.can("artifact-label", "create"),
			removeLabel: perms.can("artifact-label", "delete"),
			copy: perms.can("repository", "pull"),
		}),
		[perms.data],
	);

	const missing = [projectQ.error, repoQ.error].some(
		(e) => e instanceof ApiError && e.status === 404,
	);
	if (missing) {
		return (
			<div>
				<Breadcrumb project={project} />
				<NotFoundPage />
			</div>
		);
	}

	const r = repoQ.data;
	return (
		<div className="space-y-6">
			<div>
				<Breadcrumb project={project} />
				<h1 className="break-all text-2xl font-semibold">{repo}</h1>
				{r && (
					<p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
						{t("repositories.summary", {
							artifacts: t("repositories.summaryArtifacts", {
								count: r.artifact_count,
							}),
							pulls: t("repositories.summaryPulls", { count: r.pull_count }),
							time: formatTime(r.update_time, i18n.language),
						})}
					</p>
				)}
				<ErrorMessage error={repoQ.error ?? projectQ.error} />
			</div>

			<section aria-labelledby="repo-description">
				<h2 id="repo-description" className="mb-2 text-lg font-semibold">
					{t("repositories.description")}
				</h2>
				{r ? (
					<DescriptionEditor
						project={project}
						repo={repo}
						description={r.description}
						canEdit={perms.can("repository", "update")}
					/>
				) : (
					!repoQ.error && <Skeleton className="h-10" />
				)}
			</section>

			<section aria-labelledby="repo-artifacts">
				<h2 id="repo-artifacts" className="mb-2 text-lg font-semibold">
					{t("repositories.artifacts")}
				</h2>
				<ArtifactList
					project={project}
					repo={repo}
					projectId={projectQ.data?.project_id}
					can={can}
				/>
			</section>

			<p className="text-sm">
				<Link
					to={paths.projectTab.href(project, "repositories")}
					className="text-[#0f4c81] underline dark:text-sky-300"
				>
					{t("repositories.backToList")}
				</Link>
			</p>
		</div>
	);
}
