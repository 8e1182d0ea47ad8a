import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import type { Project } from "../../api/projects.ts";
import {
	type SearchRepository,
	searchLimit,
	useSearch,
} from "../../api/search.ts";
import { paths, repoInProject } from "../../app/paths.ts";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";

const link = "text-[#0f4c81] underline dark:text-sky-300";

/**
 * Search results for `?q=` (kept in the URL, so a copied link repeats the search): the projects and repositories whose
 * name contains the query, among those the user may see, each linking to its page.
 */
export default function SearchPage() {
	const { t } = useTranslation();
	const [params] = useSearchParams();
	const q = (params.get("q") ?? "").trim();
	const { data, isPending, error } = useSearch(q);

	if (!q) {
		return (
			<section>
				<h1 className="text-2xl font-semibold">{t("search.title")}</h1>
				<EmptyState title={t("search.noQuery")}>
					{t("search.noQueryHint")}
				</EmptyState>
			</section>
		);
	}

	const projectColumns: Column<Project>[] = [
		{
			id: "name",
			header: t("search.project.name"),
			cell: ({ row }) => (
				<Link className={link} to={paths.project.href(row.original.name)}>
					{row.original.name}
				</Link>
			),
		},
		{
			id: "access",
			header: t("search.project.access"),
			cell: ({ row }) =>
				row.original.metadata?.public === "true"
					? t("search.public")
					: t("search.private"),
		},
		{
			id: "role",
			header: t("search.project.role"),
			cell: ({ row }) =>
				row.original.current_user_role_id
					? t(`role.${row.original.current_user_role_id}`)
					: "—",
		},
		{
			id: "repos",
			header: t("search.project.repositories"),
			cell: ({ row }) => row.original.repo_count ?? 0,
			meta: { className: "text-right" },
		},
	];
	const repositoryColumns: Column<SearchRepository>[] = [
		{
			id: "name",
			header: t("search.repository.name"),
			cell: ({ row }) => {
				const r = row.original;
				return (
					<Link
						className={link}
						to={paths.repository.href(
							r.project_name,
							repoInProject(r.project_name, r.repository_name),
						)}
					>
						{r.repository_name}
					</Link>
				);
			},
		},
		{
			id: "project",
			header: t("search.repository.project"),
			cell: ({ row }) => (
				<Link
					className={link}
					to={paths.project.href(row.original.project_name)}
				>
					{row.original.project_name}
				</Link>
			),
		},
		{
			id: "artifacts",
			header: t("search.repository.artifacts"),
			cell: ({ row }) => row.original.artifact_count,
			meta: { className: "text-right" },
		},
		{
			id: "pulls",
			header: t("search.repository.pulls"),
			cell: ({ row }) => row.original.pull_count,
			meta: { className: "text-right" },
		},
	];

	const nothing =
		data && data.project.length === 0 && data.repository.length === 0;
	// At the limit there may be more: the heading says "first 100", not a count the user would take for the total.
	const heading = (
		key: "search.projects" | "search.repositories",
		n: number,
	) => (n >= searchLimit ? t(`${key}First`, { n }) : t(key, { n }));
	const capped = (n: number) =>
		n >= searchLimit && (
			<p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
				{t("search.capped", { limit: searchLimit })}
			</p>
		);

	return (
		<section>
			<h1 className="text-2xl font-semibold">
				{t("search.resultsFor", { q })}
			</h1>
			{error ? (
				<ErrorMessage error={error} />
			) : nothing ? (
				<EmptyState title={t("search.nothing", { q })}>
					<p>{t("search.nothingHint")}</p>
					<p className="mt-2">
						<Link className={link} to={paths.projects.href()}>
							{t("search.browseProjects")}
						</Link>
					</p>
				</EmptyState>
			) : (
				<>
					<h2 className="mb-2 mt-6 text-lg font-semibold">
						{data
							? heading("search.projects", data.project.length)
							: t("search.projectsTable")}
					</h2>
					<DataTable
						label={t("search.projectsTable")}
						columns={projectColumns}
						rows={data?.project}
						rowKey={(p) => p.project_id}
						isPending={isPending}
						rowTestId="search-project"
						empty={
							<p className="py-3 text-sm text-slate-600 dark:text-slate-300">
								{t("search.noProjects")}
							</p>
						}
					/>
					{capped(data?.project.length ?? 0)}
					<h2 className="mb-2 mt-8 text-lg font-semibold">
						{data
							? heading("search.repositories", data.repository.length)
							: t("search.repositoriesTable")}
					</h2>
					<DataTable
						label={t("search.repositoriesTable")}
						columns={repositoryColumns}
						rows={data?.repository}
						rowKey={(r) => r.repository_name}
						isPending={isPending}
						rowTestId="search-repository"
						empty={
							<p className="py-3 text-sm text-slate-600 dark:text-slate-300">
								{t("search.noRepositories")}
							</p>
						}
					/>
					{capped(data?.repository.length ?? 0)}
				</>
			)}
		</section>
	);
}
