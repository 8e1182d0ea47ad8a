import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type Registry,
	useDeleteRegistry,
	useRegistries,
} from "../../api/registries.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { formatTime } from "../../components/format.ts";
import { useListParams } from "../../components/use-list-params.ts";
import { RegistryEditor } from "./registry-editor.tsx";

const statusStyle: Record<string, string> = {
	healthy: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100",
	unhealthy: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
	unknown: "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100",
};

/** Administration → registries: the endpoints replication and proxy caches reach, with their last health check. */
export default function RegistriesPage() {
	const { t, i18n } = useTranslation();
	const list = useListParams({ sort: "name" });
	const name = list.filter("name");
	const { data, isPending, isPlaceholderData, error } = useRegistries({
		page: list.page,
		pageSize: list.pageSize,
		name: name || undefined,
		sort: list.sort || undefined,
	});
	const [editing, setEditing] = useState<Registry | "new" | null>(null);
	const [deleting, setDeleting] = useState<Registry | null>(null);
	const remove = useDeleteRegistry();

	const columns = useMemo(
		(): Column<Registry>[] => [
			{
				id: "name",
				header: t("registries.name"),
				meta: { sortKey: "name" },
				cell: ({ row }) => (
					<span className="font-medium break-words">{row.original.name}</span>
				),
			},
			{
				id: "status",
				header: t("registries.status"),
				meta: { sortKey: "status" },
				cell: ({ row }) => (
					<span
						data-testid="registry-status"
						className={`rounded px-2 py-0.5 text-xs font-medium ${statusStyle[row.original.status] ?? statusStyle.unknown}`}
					>
						{t(`registries.statusName.${row.original.status}`, {
							defaultValue: row.original.status,
						})}
					</span>
				),
			},
			{
				id: "url",
				header: t("registries.url"),
				meta: { sortKey: "url" },
				cell: ({ row }) => (
					<span className="break-all">{row.original.url}</span>
				),
			},
			{
				id: "type",
				header: t("registries.type"),
				meta: { sortKey: "type" },
				cell: ({ row }) => row.original.type,
			},
			{
				id: "insecure",
				header: t("registries.verifyCert"),
				cell: ({ row }) =>
					row.original.insecure ? t("common.no") : t("common.yes"),
			},
			{
				id: "created",
				header: t("registries.created"),
				meta: { sortKey: "creation_time", className: "whitespace-nowrap" },
				cell: ({ row }) =>
					formatTime(row.original.creation_time, i18n.language),
			},
			{
				id: "actions",
				header: t("common.actions"),
				meta: { className: "whitespace-nowrap text-right" },
				cell: ({ row }) => (
					<div className="-my-1.5 flex justify-end gap-1">
						<Button
							variant="ghost"
							onClick={() => setEditing(row.original)}
							aria-label={t("registries.editNamed", {
								name: row.original.name,
							})}
						>
							{t("common.edit")}
						</Button>
						<Button
							variant="ghost"
							onClick={() => setDeleting(row.original)}
							aria-label={t("registries.deleteNamed", {
								name: row.original.name,
							})}
						>
							{t("common.delete")}
						</Button>
					</div>
				),
			},
		],
		[t, i18n.language],
	);

	return (
		<section aria-labelledby="registries-heading">
			<h1 id="registries-heading" className="mb-1 text-2xl font-semibold">
				{t("registries.title")}
			</h1>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("registries.intro")}
			</p>
			<div className="mb-3 flex flex-wrap items-end justify-between gap-3">
				<FilterInput
					label={t("registries.search")}
					placeholder={t("registries.searchPlaceholder")}
					value={name}
					onCommit={(v) => list.update({ name: v })}
				/>
				<Button onClick={() => setEditing("new")}>{t("registries.new")}</Button>
			</div>
			<DataTable<Registry>
				label={t("registries.tableLabel")}
				columns={columns}
				rows={data?.items}
				rowKey={(r) => r.id}
				isPending={isPending}
				isPlaceholderData={isPlaceholderData}
				error={error}
				total={data?.total}
				{...list.tableProps}
				rowTestId="registry-row"
				empty={
					<EmptyState
						title={name ? t("registries.noMatch") : t("registries.empty")}
					>
						{name ? t("registries.noMatchHint") : t("registries.emptyHint")}
					</EmptyState>
				}
			/>
			{editing && (
				<RegistryEditor
					registry={editing === "new" ? undefined : editing}
					onClose={() => setEditing(null)}
				/>
			)}
			<ConfirmDialog
				open={deleting !== null}
				title={t("registries.deleteTitle")}
				confirmLabel={t("common.delete")}
				pending={remove.isPending}
				error={remove.error}
				onClose={() => {
					setDeleting(null);
					remove.reset();
				}}
				onConfirm={() =>
					deleting &&
					remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })
				}
			>
				<p>{t("registries.deleteBody", { name: deleting?.name ?? "" })}</p>
			</ConfirmDialog>
		</section>
	);
}
