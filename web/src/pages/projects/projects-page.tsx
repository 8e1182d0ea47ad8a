import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useCreationRestriction } from "../../api/project-creation.ts";
import { useProjectRows } from "../../api/project-rows.ts";
import {
	isProxyCache,
	type Project,
	projectListDefaults,
	projectListParams,
	useProjects,
} from "../../api/projects.ts";
import { useCurrentUser } from "../../api/session.ts";
import { paths } from "../../app/paths.ts";
import { Button } from "../../components/button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { inputClass } from "../../components/field.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { formatTime } from "../../components/format.ts";
import { QuotaBar } from "../../components/quota-bar.tsx";
import { Skeleton } from "../../components/skeleton.tsx";
import { useListParams } from "../../components/use-list-params.ts";
import { CreateProjectDialog } from "./create-project-dialog.tsx";
import { DeleteProjectDialog } from "./delete-project-dialog.tsx";
import { StatisticsCard } from "./statistics-card.tsx";

/**
 * The project list: name search, access filter, sort and page kept in the URL and answered by the server; the page's
 * quotas and the caller's permissions come in one more request. Creating is offered to those the creation restriction
 * allows, deleting where the policy allows it (the server decides either way).
 */
export default function ProjectsPage() {
	const { t, i18n } = useTranslation();
	const list = useListParams(projectListDefaults);
	const q = list.filter("q");
	const access = list.filter("public");
	const { data, isPending, isPlaceholderData, error } = useProjects(
		projectListParams(list),
	);
	const ids = useMemo(() => data?.items.map((p) => p.project_id) ?? [], [data]);
	const rows = useProjectRows(ids);
	const { data: user } = useCurrentUser();
	const restriction = useCreationRestriction();
	const isAdmin = !!user?.sysadmin_flag;
	const mayCreate = isAdmin || restriction.data === "everyone";
	const [creating, setCreating] = useState(false);
	const [deleting, setDeleting] = useState<Project | null>(null);
	const [created, setCreated] = useState<string | null>(null);

	const columns: Column<Project>[] = [
		{
			id: "name",
			header: t("projects.name"),
			meta: { sortKey: "name" },
			cell: ({ row }) => (
				<Link
					className="font-medium text-[#0f4c81] underline dark:text-sky-300"
					to={paths.project.href(row.original.name)}
				>
					{row.original.name}
				</Link>
			),
		},
		{
			id: "type",
			header: t("projects.type"),
			cell: ({ row }) => (
				<span data-testid="project-type">
					{isProxyCache(row.original)
						? t("projects.typeProxyCache")
						: t("projects.typeProject")}
				</span>
			),
		},
		{
			id: "access",
			header: t("projects.access"),
			cell: ({ row }) =>
				row.original.metadata?.public === "true"
					? t("projects.public")
					: t("projects.private"),
		},
		{
			id: "role",
			header: t("projects.role"),
			cell: ({ row }) =>
				row.original.current_user_role_id ? (
					t(`role.${row.original.current_user_role_id}`)
				) : (
					<span className="text-slate-600 dark:text-slate-300">
						{t("projects.noRole")}
					</span>
				),
		},
		{
			id: "repositories",
			header: t("projects.repositories"),
			meta: { className: "text-right tabular-nums" },
			cell: ({ row }) => row.original.repo_count ?? 0,
		},
		{
			id: "quota",
			header: t("projects.quota"),
			meta: { className: "w-48" },
			cell: ({ row }) => {
				if (rows.isPending) return <Skeleton className="h-2 w-32" />;
				const quota = rows.data?.get(row.original.project_id)?.quota;
				return quota ? (
					<QuotaBar used={quota.used.storage} limit={quota.hard.storage} />
				) : (
					<span className="text-slate-600 dark:text-slate-300">—</span>
				);
			},
		},
		{
			id: "created",
			header: t("projects.created"),
			meta: { sortKey: "creation_time" },
			cell: ({ row }) => formatTime(row.original.creation_time, i18n.language),
		},
		{
			id: "actions",
			header: () => <span className="sr-only">{t("common.actions")}</span>,
			cell: ({ row }) =>
				rows.can(row.original.project_id, "project", "delete") && (
					<Button
						variant="ghost"
						aria-label={t("projects.delete.label", { name: row.original.name })}
						onClick={() => setDeleting(row.original)}
					>
						{t("common.delete")}
					</Button>
				),
		},
	];

	return (
		<section>
			<div className="mb-4 flex flex-wrap items-center justify-between gap-3">
				<h1 className="text-2xl font-semibold">{t("projects.title")}</h1>
				{mayCreate && (
					<Button
						onClick={() => {
							setCreated(null);
							setCreating(true);
						}}
					>
						{t("projects.create.open")}
					</Button>
				)}
			</div>
			{user && <StatisticsCard isAdmin={isAdmin} />}
			<div className="mb-3 flex flex-wrap items-end gap-3">
				<FilterInput
					label={t("projects.search")}
					placeholder={t("projects.searchPlaceholder")}
					value={q}
					onCommit={(v) => list.update({ q: v })}
				/>
				<label className="text-sm">
					<span className="block font-medium">{t("projects.access")}</span>
					<select
						className={`${inputClass} mt-1`}
						value={access}
						onChange={(e) => list.update({ public: e.target.value })}
					>
						<option value="">{t("projects.accessAll")}</option>
						<option value="true">{t("projects.public")}</option>
						<option value="false">{t("projects.private")}</option>
					</select>
				</label>
			</div>
			<div role="status">
				{created && (
					<p className="mb-3 rounded border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
						{t("projects.create.done", { name: created })}{" "}
						<Link className="underline" to={paths.project.href(created)}>
							{t("projects.create.openNew")}
						</Link>
					</p>
				)}
			</div>
			<DataTable
				label={t("projects.title")}
				columns={columns}
				rows={data?.items}
				rowKey={(p) => p.project_id}
				rowTestId="project-row"
				isPending={isPending}
				isPlaceholderData={isPlaceholderData}
				error={error}
				total={data?.total}
				{...list.tableProps}
				empty={
					<EmptyState
						title={q || access ? t("projects.noMatch") : t("projects.empty")}
					>
						{q || access
							? t("projects.noMatchHint")
							: mayCreate
								? t("projects.emptyHint")
								: t("projects.emptyAskAdmin")}
					</EmptyState>
				}
			/>
			<CreateProjectDialog
				open={creating}
				isAdmin={isAdmin}
				onClose={() => setCreating(false)}
				onCreated={setCreated}
			/>
			<DeleteProjectDialog
				project={deleting}
				onClose={() => setDeleting(null)}
			/>
		</section>
	);
}
