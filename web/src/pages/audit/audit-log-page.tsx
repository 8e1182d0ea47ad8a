import { useTranslation } from "react-i18next";
import { AuditTable } from "./audit-table.tsx";

/** /admin/audit-log: every operation recorded in the system, filtered by user, operation, resource and time. */
export default function AuditLogPage() {
	const { t } = useTranslation();
	return (
		<section>
			<h1 className="mb-1 text-2xl font-semibold">
				{t("nav.admin.audit-log")}
			</h1>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("audit.intro")}
			</p>
			<AuditTable label={t("nav.admin.audit-log")} />
		</section>
	);
}
