import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { type Label, useDeleteLabel, useLabels } from "../../api/labels.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { formatTime } from "../../components/format.ts";
import { LabelChip } from "../../components/label-chip.tsx";
import { useListParams } from "../../components/use-list-params.ts";
import { LabelEditor, type LabelScope } from "./label-editor.tsx";

type Allowed = { create: boolean; update: boolean; delete: boolean };

/** The labels of one scope (global or a project's): search, sort and page in the URL; create, edit and delete as allowed. */
export function LabelsList({
	scope,
	allowed,
}: {
	scope: LabelScope;
	allowed: Allowed;
}) {
	const { t, i18n } = useTranslation();
	const list = useListParams({ sort: "name" });
	const name = list.filter("name");
	const { data, isPending, isPlaceholderData, error } = useLabels({
		scope: scope.scope,
		projectId: scope.scope === "p" ? scope.projectId : undefined,
		page: list.page,
		pageSize: list.pageSize,
		name: name || undefined,
		sort: list.sort || undefined,
	});
	const [editing, setEditing] = useState<Label | "new" | null>(null);
	const [deleting, setDeleting] = useState<Label | null>(null);
	const remove = useDeleteLabel();

	const columns = useMemo(
		(): Column<Label>[] => [
			{
				id: "name",
				header: t("labels.name"),
				meta: { sortKey: "name" },
				cell: ({ row }) => <LabelChip label={row.original} />,
			},
			{
				id: "description",
				header: t("labels.description"),
				cell: ({ row }) => (
					<span className="break-words">{row.original.description}</span>
				),
			},
			{
				id: "created",
				header: t("labels.created"),
				meta: { sortKey: "creation_time", className: "whitespace-nowrap" },
				cell: ({ row }) =>
					formatTime(row.original.creation_time, i18n.language),
			},
			...(allowed.update || allowed.delete
				? [
						{
							id: "actions",
							header: t("common.actions"),
							meta: { className: "whitespace-nowrap text-right" },
							cell: ({ row }: { row: { original: Label } }) => (
								<div className="-my-1.5 flex justify-end gap-1">
									{allowed.update && (
										<Button
											variant="ghost"
											onClick={() => setEditing(row.original)}
											aria-label={t("labels.editNamed", {
												name: row.original.name,
											})}
										>
											{t("common.edit")}
										</Button>
									)}
									{allowed.delete && (
										<Button
											variant="ghost"
											onClick={() => setDeleting(row.original)}
											aria-label={t("labels.deleteNamed", {
												name: row.original.name,
											})}
										>
											{t("common.delete")}
										</Button>
									)}
								</div>
							),
						} satisfies Column<Label>,
					]
				: []),
		],
		[t, i18n.language, allowed.update, allowed.delete],
	);

	return (
		<div>
			<div className="mb-3 flex flex-wrap items-end justify-between gap-3">
				<FilterInput
					label={t("labels.search")}
					placeholder={t("labels.searchPlaceholder")}
					value={name}
					onCommit={(v) => list.update({ name: v })}
				/>
				{allowed.create && (
					<Button onClick={() => setEditing("new")}>{t("labels.new")}</Button>
				)}
			</div>
			<DataTable<Label>
				label={t("labels.tableLabel")}
				columns={columns}
				rows={data?.items}
				rowKey={(l) => l.id}
				isPending={isPending}
				isPlaceholderData={isPlaceholderData}
				error={error}
				total={data?.total}
				{...list.tableProps}
				rowTestId="label-row"
				empty={
					<EmptyState title={name ? t("labels.noMatch") : t("labels.empty")}>
						{name
							? t("labels.noMatchHint")
							: allowed.create
								? t("labels.emptyHint")
								: t("labels.emptyReadOnly")}
					</EmptyState>
				}
			/>
			{editing && (
				<LabelEditor
					scope={scope}
					label={editing === "new" ? undefined : editing}
					onClose={() => setEditing(null)}
				/>
			)}
			<ConfirmDialog
				open={deleting !== null}
				title={t("labels.deleteTitle")}
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
				<p>{t("labels.deleteBody", { name: deleting?.name ?? "" })}</p>
			</ConfirmDialog>
		</div>
	);
}
