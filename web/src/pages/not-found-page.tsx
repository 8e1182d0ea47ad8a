import { useTranslation } from "react-i18next";

export default function NotFoundPage() {
	const { t } = useTranslation();
	return (
		<section>
			<h1 className="text-2xl font-semibold">{t("notFound.title")}</h1>
			<p className="mt-2">{t("notFound.body")}</p>
		</section>
	);
}
