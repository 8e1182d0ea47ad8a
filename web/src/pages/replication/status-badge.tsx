import { useTranslation } from "react-i18next";
import { StatusBadge as Badge } from "../../components/status-badge.tsx";

/** An execution's or task's status in words and colour. */
export function StatusBadge({
	status,
	testId,
}: {
	status: string;
	testId?: string;
}) {
	const { t } = useTranslation();
	return (
		<Badge
			status={status}
			text={t(`replication.status.${status}`, { defaultValue: status })}
			testId={testId}
		/>
	);
}
