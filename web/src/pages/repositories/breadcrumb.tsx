import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { paths } from "../../app/paths.ts";

/** Projects › project › repositories (› repository): the way back from a repository or artifact page. */
export function Breadcrumb({
	project,
	repo,
}: {
	project: string;
	repo?: string;
}) {
	const { t } = useTranslation();
	const link = "text-[#0f4c81] underline dark:text-sky-300";
	return (
		<nav aria-label={t("repositories.breadcrumb")} className="mb-2 text-sm">
			<ol className="flex flex-wrap items-center gap-1">
				<li>
					<Link to={paths.projects.href()} className={link}>
						{t("nav.projects")}
					</Link>
				</li>
				<li aria-hidden="true">›</li>
				<li>
					<Link to={paths.project.href(project)} className={link}>
						{project}
					</Link>
				</li>
				<li aria-hidden="true">›</li>
				<li>
					<Link
						to={paths.projectTab.href(project, "repositories")}
						className={link}
					>
						{t("project.tab.repositories")}
					</Link>
				</li>
				{repo && (
					<>
						<li aria-hidden="true">›</li>
						<li>
							<Link
								to={paths.repository.href(project, repo)}
								className={`${link} break-all`}
							>
								{repo}
							</Link>
						</li>
					</>
				)}
			</ol>
		</nav>
	);
}
