import { useTranslation } from "react-i18next";
import { RobotsList } from "./robots-list.tsx";

/** Administration → robot accounts: system robots, which may cover several projects or all (system admins only). */
export default function SystemRobotsPage() {
	const { t } = useTranslation();
	return (
		<section aria-labelledby="system-robots-heading">
			<h1 id="system-robots-heading" className="mb-1 text-2xl font-semibold">
				{t("robots.systemTitle")}
			</h1>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("robots.systemIntro")}
			</p>
			<RobotsList
				owner={{ level: "system" }}
				allowed={{ create: true, update: true, delete: true }}
			/>
		</section>
	);
}
