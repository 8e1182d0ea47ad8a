import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import {
	activityDays,
	type ProjectSummary,
	useProjectActivity,
	useProjectSummary,
} from "../../api/project-summary.ts";
import { useProject } from "../../api/projects.ts";
import { paths } from "../../app/paths.ts";
import { ErrorMessage } from "../../components/error-message.tsx";
import { QuotaBar } from "../../components/quota-bar.tsx";
import { Skeleton } from "../../components/skeleton.tsx";
import {
	ActivityChart,
	StorageChart,
	TopRepositoriesChart,
} from "./summary-charts.tsx";

const roleCounts: { role: number; key: keyof ProjectSummary }[] = [
	{ role: 1, key: "project_admin_count" },
	{ role: 4, key: "maintainer_count" },
	{ role: 2, key: "developer_count" },
	{ role: 3, key: "guest_count" },
	{ role: 5, key: "limited_guest_count" },
];

function Card({ title, children }: { title: string; children: ReactNode }) {
	return (
		<div className="rounded border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
			<h3 className="text-sm font-medium text-slate-600 dark:text-slate-300">
				{title}
			</h3>
			<div className="mt-2">{children}</div>
		</div>
	);
}

/**
 * The project at a glance: repositories, quota and members by role (Harbor's summary, which leaves out what the user
 * may not read), then pictures of storage, pushes and pulls per day and the most-pulled repositories.
 */
export default function SummaryTab() {
	const { t } = useTranslation();
	const name = useParams().project ?? "";
	const summary = useProjectSummary(name);
	const activity = useProjectActivity(name, activityDays);
	const s = summary.data;
	const hasMembers = s?.project_admin_count !== undefined;
	// A member whose role does not show the quota or the members (a limited guest) is told it is their role, not that
	// they are not a member.
	const role = useProject(name).data?.current_user_role_id;
	const hidden = (what: "quota" | "members") =>
		role
			? t(`project.summary.${what}HiddenByRole`, { role: t(`role.${role}`) })
			: t(`project.summary.${what}Hidden`);

	return (
		<div>
			<h2 className="sr-only">{t("project.tab.summary")}</h2>
			<ErrorMessage error={summary.error} />
			<div className="grid gap-4 sm:grid-cols-3">
				<Card title={t("project.summary.repositories")}>
					{s ? (
						<Link
							to={paths.projectTab.href(name, "repositories")}
							className="text-3xl font-semibold text-[#0f4c81] underline-offset-4 hover:underline dark:text-sky-300"
							aria-label={t("project.summary.repositoriesLink", {
								count: s.repo_count,
							})}
							data-testid="summary-repo-count"
						>
							{s.repo_count}
						</Link>
					) : (
						<Skeleton className="h-9 w-16" />
					)}
				</Card>
				<Card title={t("project.summary.quota")}>
					{!s && <Skeleton className="h-6 w-full" />}
					{s?.quota && (
						<QuotaBar
							used={s.quota.used.storage}
							limit={s.quota.hard.storage}
						/>
					)}
					{s && !s.quota && (
						<p className="text-sm text-slate-600 dark:text-slate-300">
							{hidden("quota")}
						</p>
					)}
				</Card>
				<Card title={t("project.summary.members")}>
					{!s && <Skeleton className="h-16 w-full" />}
					{s && hasMembers && (
						<dl
							className="grid grid-cols-[1fr_auto] gap-x-4 text-sm"
							data-testid="members-by-role"
						>
							{roleCounts.map(({ role, key }) => (
								<div key={role} className="contents">
									<dt>{t(`role.${role}`)}</dt>
									<dd className="text-right tabular-nums">
										{String(s[key] ?? 0)}
									</dd>
								</div>
							))}
						</dl>
					)}
					{s && !hasMembers && (
						<p className="text-sm text-slate-600 dark:text-slate-300">
							{hidden("members")}
						</p>
					)}
				</Card>
			</div>

			<h2 className="mt-8 mb-3 text-lg font-semibold">
				{t("project.summary.picturesTitle")}
			</h2>
			<ErrorMessage error={activity.error} />
			<div className="grid gap-4 lg:grid-cols-2">
				{activity.data ? (
					<ActivityChart activity={activity.data} />
				) : (
					!activity.error && <Skeleton className="h-72 lg:col-span-2" />
				)}
				{s?.quota ? (
					<StorageChart
						used={s.quota.used.storage}
						limit={s.quota.hard.storage}
					/>
				) : (
					!s && <Skeleton className="h-72" />
				)}
				{activity.data && (
					<TopRepositoriesChart
						project={name}
						top={activity.data.top_repositories}
					/>
				)}
			</div>
		</div>
	);
}
