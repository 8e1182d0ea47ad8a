import { useTranslation } from "react-i18next";
import { Outlet, useLocation, useParams } from "react-router";
import { ApiError } from "../../api/client.ts";
import { useProjectPermissions } from "../../api/permissions.ts";
import { useProjectSummary } from "../../api/project-summary.ts";
import { isProxyCache, useProject } from "../../api/projects.ts";
import { type ProjectTab, paths, projectTabs } from "../../app/paths.ts";
import { ErrorMessage } from "../../components/error-message.tsx";
import { Skeleton } from "../../components/skeleton.tsx";
import { Tabs } from "../../components/tabs.tsx";
import NotFoundPage from "../not-found-page.tsx";
import { tabAllowed } from "./tab-access.ts";

/**
 * A project: its name, access level and the user's role, and a tab per part the user may use, each tab its own URL.
 * A project the user may not see answers 404 like a missing one, and shows the not-found page with none of its data.
 */
export default function ProjectPage() {
	const { t } = useTranslation();
	const name = useParams().project ?? "";
	const { pathname } = useLocation();
	const project = useProject(name);
	const permissions = useProjectPermissions(project.data?.project_id);

	if (
		project.error instanceof ApiError &&
		(project.error.status === 404 || project.error.status === 403)
	)
		return <NotFoundPage />;
	if (project.error) return <ErrorMessage error={project.error} />;
	if (!project.data) {
		return (
			<div aria-hidden="true" data-testid="project-loading">
				<Skeleton className="h-8 w-64" />
				<Skeleton className="mt-6 h-6 w-full" />
			</div>
		);
	}

	const p = project.data;
	const visible = projectTabs.filter((tab) => tabAllowed(tab, permissions.can));
	// The tab in the URL (the route below this page); a tab the user may not use is not shown, even by its link.
	const current = projectTabs.find((tab) =>
		pathname.startsWith(paths.projectTab.href(p.name, tab)),
	);
	const blocked =
		current !== undefined &&
		permissions.isSuccess &&
		!visible.includes(current);
	// A tab's outlet waits for the permissions, so a tab the user may not use never sends its (refused) request.
	const waiting = current !== undefined && !permissions.isSuccess;
	const role = p.current_user_role_id
		? t(`role.${p.current_user_role_id}`)
		: null;

	return (
		<section>
			<header className="mb-4">
				<p className="text-sm text-slate-600 dark:text-slate-300">
					{t("project.kind")}
				</p>
				<div className="flex flex-wrap items-center gap-3">
					<h1 className="break-all text-2xl font-semibold">{p.name}</h1>
					<span
						data-testid="project-access"
						className="rounded-full border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-600"
					>
						{p.metadata?.public === "true"
							? t("project.public")
							: t("project.private")}
					</span>
					{isProxyCache(p) && <ProxyCacheBadge project={p.name} />}
					{role && (
						<span
							data-testid="project-role"
							className="rounded-full bg-slate-200 px-2 py-0.5 text-xs text-slate-900 dark:bg-slate-700 dark:text-slate-100"
						>
							{t("project.yourRole", { role })}
						</span>
					)}
				</div>
			</header>
			<Tabs
				label={t("project.tabs")}
				tabs={visible.map((tab: ProjectTab) => ({
					to: paths.projectTab.href(p.name, tab),
					label: t(`project.tab.${tab}`),
				}))}
			/>
			{blocked ? (
				<p role="alert" className="text-sm">
					{t("project.tabNotAllowed")}
				</p>
			) : waiting ? (
				permissions.error ? (
					<ErrorMessage error={permissions.error} />
				) : (
					<Skeleton data-testid="tab-loading" className="h-24 w-full" />
				)
			) : (
				<Outlet />
			)}
		</section>
	);
}

/** Says the project is a proxy cache and of which endpoint (the summary names it), so nobody looks for a way to push. */
function ProxyCacheBadge({ project }: { project: string }) {
	const { t } = useTranslation();
	const endpoint = useProjectSummary(project).data?.registry?.name;
	return (
		<span
			data-testid="project-proxy-cache"
			title={t("project.proxyCacheHint")}
			className="rounded-full bg-sky-100 px-2 py-0.5 text-xs text-sky-900 dark:bg-sky-900 dark:text-sky-100"
		>
			{endpoint
				? t("project.proxyCacheOf", { endpoint })
				: t("project.proxyCache")}
		</span>
	);
}
