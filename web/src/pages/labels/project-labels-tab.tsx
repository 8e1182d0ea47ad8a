import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { useProjectPermissions } from "../../api/permissions.ts";
import { useProject } from "../../api/projects.ts";
import { ErrorMessage } from "../../components/error-message.tsx";
import { LabelsList } from "./labels-list.tsx";

/** The project's labels tab: its own labels (global ones are managed under Administration). */
export default function ProjectLabelsTab() {
	const { t } = useTranslation();
	const name = useParams().project ?? "";
	const project = useProject(name);
	const projectId = project.data?.project_id;
	const { can } = useProjectPermissions(projectId);
	return (
		<section aria-labelledby="project-labels-heading">
			<h2 id="project-labels-heading" className="mb-1 text-xl font-semibold">
				{t("labels.projectTitle")}
			</h2>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("labels.projectIntro")}
			</p>
			<ErrorMessage error={project.error} />
			{projectId !== undefined && (
				<LabelsList
					scope={{ scope: "p", projectId }}
					allowed={{
						create: can("label", "create"),
						update: can("label", "update"),
						delete: can("label", "delete"),
					}}
				/>
			)}
		</section>
	);
}
