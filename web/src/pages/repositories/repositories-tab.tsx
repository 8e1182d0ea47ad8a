import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useProjectPermissions } from "../../api/permissions.ts";
import { isProxyCache, useProject } from "../../api/projects.ts";
import {
	type Repository,
	useDeleteRepository,
	useRepositories,
} from "../../api/repositories.ts";
import { useRegistryAddress } from "../../api/system-info.ts";
import { paths, repoInProject } from "../../app/paths.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { CopyButton } from "../../components/copy-button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { formatTime } from "../../components/format.ts";
import { useListParams } from "../../components/use-list-params.ts";
import { PushCommandButton } from "./push-command.tsx";

/** The project's repositories: search by name, sort, page (all in the URL), open one, delete one where allowed. */
export default function RepositoriesTab() {
	const { t, i18n } = useTranslation();
	const { project = "" } = useParams();
	const projectQ = useProject(project);
	const perms = useProjectPermissions(projectQ.data?.project_id);
	const canDelete = perms.can("repository", "delete");
	const list = useListParams({ sort: "-update_time" });
	const nameFilter = list.filter("q");
	const q = useRepositories(project, {
		page: list.page,
		pageSize: list.pageSize,
		sort: list.sort || undefined,
		name: nameFilter || undefined,
	});
	const [deleting, setDeleting] = useState<Repository | null>(null);
	const del = useDeleteRepository(project);
	const address = useRegistryAddress();

	const columns = useMemo<Column<Repository>[]>(
		() => [
			{
				id: "name",
				header: t("repositories.col.name"),
				meta: { sortKey: "name" },
				cell: ({ row: { original: r } }) => (
					<Link
						to={paths.repository.href(project, repoInProject(project, r.name))}
						className="break-all font-medium text-[#0f4c81] underline dark:text-sky-300"
					>
						{repoInProject(project, r.name)}
					</Link>
				),
			},
			{
				id: "artifacts",
				header: t("repositories.col.artifacts"),
				cell: ({ row }) => row.original.artifact_count,
			},
			{
				id: "pulls",
				header: t("repositories.col.pulls"),
				meta: { sortKey: "pull_count" },
				cell: ({ row }) => row.original.pull_count,
			},
			{
				id: "update_time",
				header: t("repositories.col.updated"),
				meta: { sortKey: "update_time", className: "whitespace-nowrap" },
				cell: ({ row }) => formatTime(row.original.update_time, i18n.language),
			},
			...(canDelete
				? [
						{
							id: "actions",
							header: () => (
								<span className="sr-only">{t("common.actions")}</span>
							),
							cell: ({ row: { original: r } }) => (
								<Button
									variant="ghost"
									aria-label={t("repositories.deleteNamed", {
										name: repoInProject(project, r.name),
									})}
									onClick={() => {
										del.reset();
										setDeleting(r);
									}}
								>
									{t("common.delete")}
								</Button>
							),
						} satisfies Column<Repository>,
					]
				: []),
			// `del.reset` is stable; the table changes with the language, the project and what the user may do.
		],
		[t, i18n.language, project, canDelete, del.reset],
	);

	// A proxy cache takes no pushes: its empty list says how to pull through it instead.
	const proxy = !!projectQ.data && isProxyCache(projectQ.data);
	const example = proxy
		? `${project}/library/alpine:latest`
		: `${project}/REPOSITORY:TAG`;
	const pushHint = address.data ? `${address.data.host}/${example}` : example;
	return (
		<div>
			<h2 className="mb-3 text-lg font-semibold">
				{t("project.tab.repositories")}
			</h2>
			<div className="mb-3 flex flex-wrap items-end justify-between gap-2">
				<FilterInput
					label={t("repositories.search")}
					value={nameFilter}
					onCommit={(v) => list.update({ q: v })}
					className="w-72"
				/>
				{projectQ.data && !proxy && <PushCommandButton project={project} />}
			</div>
			<DataTable
				label={t("repositories.tableLabel")}
				columns={columns}
				rows={q.data?.items}
				rowKey={(r) => r.id}
				isPending={q.isPending}
				isPlaceholderData={q.isPlaceholderData}
				error={q.error}
				total={q.data?.total}
				{...list.tableProps}
				rowTestId="repository-row"
				empty={
					<EmptyState
						title={
							nameFilter
								? t("repositories.emptyFiltered")
								: t("repositories.empty")
						}
					>
						{!nameFilter && (
							<div>
								<p>
									{t(
										proxy
											? "repositories.emptyProxyHint"
											: "repositories.emptyHint",
									)}
								</p>
								<p className="mt-1 flex items-center justify-center gap-2">
									<code data-testid="push-hint" className="break-all font-mono">
										{pushHint}
									</code>
									<CopyButton
										text={pushHint}
										label={t(
											proxy
												? "repositories.copyPullHint"
												: "repositories.copyPushHint",
										)}
									/>
								</p>
							</div>
						)}
					</EmptyState>
				}
			/>
			<ConfirmDialog
				open={deleting !== null}
				title={t("repositories.deleteTitle")}
				confirmLabel={t("common.delete")}
				pending={del.isPending}
				error={del.error}
				onClose={() => setDeleting(null)}
				onConfirm={() =>
					deleting &&
					del.mutate(repoInProject(project, deleting.name), {
						onSuccess: () => setDeleting(null),
					})
				}
			>
				{t("repositories.deleteBody", {
					name: deleting?.name ?? "",
					count: deleting?.artifact_count ?? 0,
				})}
			</ConfirmDialog>
		</div>
	);
}
