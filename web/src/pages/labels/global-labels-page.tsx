import { useTranslation } from "react-i18next";
import { LabelsList } from "./labels-list.tsx";

/** Administration → labels: global labels, usable in every project (the admin guard lets only system admins here). */
export default function GlobalLabelsPage() {
	const { t } = useTranslation();
	return (
		<section aria-labelledby="global-labels-heading">
			<h1 id="global-labels-heading" className="mb-1 text-2xl font-semibold">
				{t("labels.globalTitle")}
			</h1>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("labels.globalIntro")}
			</p>
			<LabelsList
				scope={{ scope: "g" }}
				allowed={{ create: true, update: true, delete: true }}
			/>
		</section>
	);
}
