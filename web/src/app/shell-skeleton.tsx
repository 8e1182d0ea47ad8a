import { useTranslation } from "react-i18next";
import { Skeleton } from "../components/skeleton.tsx";

/** The shell's outline while the session is checked (and while the first page loads): a header bar and a few lines. */
export function ShellSkeleton() {
	const { t } = useTranslation();
	return (
		<div
			className="min-h-screen bg-slate-50 dark:bg-slate-950"
			aria-busy="true"
		>
			<div className="h-12 bg-[#0f4c81] dark:bg-[#0b3558]" />
			<div className="mx-auto max-w-6xl space-y-3 p-6" aria-hidden="true">
				<Skeleton className="h-7 w-48" />
				{[0, 1, 2, 3].map((i) => (
					<Skeleton key={i} className="h-4" />
				))}
			</div>
			<p className="sr-only" role="status">
				{t("common.checkingSession")}
			</p>
		</div>
	);
}
