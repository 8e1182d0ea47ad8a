import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { useProjectPermissions } from "../../api/permissions.ts";
import { useProject } from "../../api/projects.ts";
import { ErrorMessage } from "../../components/error-message.tsx";
import { RobotsList } from "./robots-list.tsx";

/** The project's robot accounts: the credentials CI uses to push and pull in this project. */
export default function ProjectRobotsTab() {
	const { t } = useTranslation();
	const name = useParams().project ?? "";
	const project = useProject(name);
	const projectId = project.data?.project_id;
	const permissions = useProjectPermissions(projectId);
	const { can } = permissions;
	return (
		<section aria-labelledby="project-robots-heading">
			<h2 id="project-robots-heading" className="mb-1 text-xl font-semibold">
				{t("robots.projectTitle")}
			</h2>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("robots.projectIntro")}
			</p>
			<ErrorMessage error={project.error} />
			{project.data && (
				<RobotsList
					owner={{
						level: "project",
						project: { id: project.data.project_id, name: project.data.name },
					}}
					ownAccess={permissions.data}
					allowed={{
						create: can("robot", "create"),
						update: can("robot", "update"),
						delete: can("robot", "delete"),
					}}
				/>
			)}
		</section>
	);
}
