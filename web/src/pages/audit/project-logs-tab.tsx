import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { AuditTable } from "./audit-table.tsx";

/** A project's Logs tab: the audit log of this project only (the server scopes it; project admins may list it). */
export default function ProjectLogsTab() {
	const { t } = useTranslation();
	const project = useParams().project!;
	return (
		<section>
			<h2 className="mb-3 text-xl font-semibold">{t("audit.projectTitle")}</h2>
			<AuditTable
				project={project}
				label={t("audit.projectTable", { project })}
			/>
		</section>
	);
}
