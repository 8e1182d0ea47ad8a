import { useTranslation } from "react-i18next";
import { useStatistics } from "../../api/statistics.ts";
import { formatBytes } from "../../components/format.ts";
import { Skeleton } from "../../components/skeleton.tsx";

function Figure({
	label,
	value,
	testId,
}: {
	label: string;
	value: string | number | undefined;
	testId: string;
}) {
	return (
		<div className="min-w-0">
			<dt className="text-xs text-slate-600 dark:text-slate-300">{label}</dt>
			<dd data-testid={testId} className="text-lg font-semibold tabular-nums">
				{value ?? <Skeleton className="mt-1 h-5 w-10" />}
			</dd>
		</div>
	);
}

/**
 * Harbor's statistics over the project list: private and public projects and repositories the user sees, and for a
 * system admin the totals and the storage all projects use. A failure leaves it out: the list is what matters here.
 */
export function StatisticsCard({ isAdmin }: { isAdmin: boolean }) {
	const { t } = useTranslation();
	const { data: s, isError } = useStatistics();
	if (isError) return null;
	const group =
		"rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900";
	return (
		<section
			aria-label={t("projects.stats.title")}
			className="mb-4 grid gap-3 sm:grid-cols-3"
		>
			<div className={group}>
				<h2 className="mb-2 text-sm font-medium">
					{t("projects.stats.projects")}
				</h2>
				<dl className="grid grid-cols-3 gap-2">
					<Figure
						label={t("projects.private")}
						value={s?.private_project_count}
						testId="stat-private-projects"
					/>
					<Figure
						label={t("projects.public")}
						value={s?.public_project_count}
						testId="stat-public-projects"
					/>
					{isAdmin && (
						<Figure
							label={t("projects.stats.total")}
							value={s?.total_project_count}
							testId="stat-total-projects"
						/>
					)}
				</dl>
			</div>
			<div className={group}>
				<h2 className="mb-2 text-sm font-medium">
					{t("projects.stats.repositories")}
				</h2>
				<dl className="grid grid-cols-3 gap-2">
					<Figure
						label={t("projects.private")}
						value={s?.private_repo_count}
						testId="stat-private-repos"
					/>
					<Figure
						label={t("projects.public")}
						value={s?.public_repo_count}
						testId="stat-public-repos"
					/>
					{isAdmin && (
						<Figure
							label={t("projects.stats.total")}
							value={s?.total_repo_count}
							testId="stat-total-repos"
						/>
					)}
				</dl>
			</div>
			{isAdmin && (
				<div className={group}>
					<h2 className="mb-2 text-sm font-medium">
						{t("projects.stats.storage")}
					</h2>
					<dl>
						<Figure
							label={t("projects.stats.storageUsed")}
							value={s && formatBytes(s.total_storage_consumption)}
							testId="stat-storage"
						/>
					</dl>
				</div>
			)}
		</section>
	);
}
