import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Quota, useQuotas, useUpdateQuota } from "../../api/quotas.ts";
import { paths } from "../../app/paths.ts";
import { Button } from "../../components/button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { formatBytes } from "../../components/format.ts";
import { QuotaBar } from "../../components/quota-bar.tsx";
import {
	type StorageDraft,
	storageDraftBytes,
	toStorageDraft,
} from "../../components/storage-limit.ts";
import { StorageLimitInput } from "../../components/storage-limit-input.tsx";
import { useListParams } from "../../components/use-list-params.ts";

/** /admin/quotas: every project's storage use against its limit, sortable by use, and the limit edited in place. */
export default function QuotasPage() {
	const { t } = useTranslation();
	const list = useListParams();
	const project = list.filter("project");
	const quotas = useQuotas({
		page: list.page,
		pageSize: list.pageSize,
		sort: list.sort || undefined,
		project: project || undefined,
	});
	const [editing, setEditing] = useState<Quota | null>(null);

	const columns: Column<Quota>[] = [
		{
			id: "project",
			header: t("admin.quotas.project"),
			cell: ({ row }) => (
				<Link
					className="font-medium text-[#0f4c81] hover:underline dark:text-sky-300"
					to={paths.project.href(row.original.ref.name)}
				>
					{row.original.ref.name}
				</Link>
			),
		},
		{
			id: "owner",
			header: t("admin.quotas.owner"),
			cell: ({ row }) => row.original.ref.owner_name || "—",
		},
		{
			id: "used",
			header: t("admin.quotas.used"),
			meta: { sortKey: "used.storage", className: "w-64" },
			cell: ({ row }) => (
				<QuotaBar
					used={row.original.used.storage}
					limit={row.original.hard.storage}
				/>
			),
		},
		{
			id: "limit",
			header: t("admin.quotas.limit"),
			meta: { sortKey: "hard.storage" },
			cell: ({ row }) =>
				row.original.hard.storage < 0
					? t("common.unlimited")
					: formatBytes(row.original.hard.storage),
		},
		{
			id: "actions",
			header: t("common.actions"),
			cell: ({ row }) => (
				<Button
					variant="ghost"
					className="-my-1.5"
					onClick={() => setEditing(row.original)}
					aria-label={t("admin.quotas.editFor", {
						name: row.original.ref.name,
					})}
				>
					{t("common.edit")}
				</Button>
			),
		},
	];

	return (
		<section>
			<h1 className="mb-1 text-2xl font-semibold">{t("nav.admin.quotas")}</h1>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("admin.quotas.intro")}
			</p>
			<div className="mb-3">
				<FilterInput
					label={t("admin.quotas.find")}
					placeholder={t("admin.quotas.findPlaceholder")}
					value={project}
					onCommit={(v) => list.update({ project: v })}
				/>
			</div>
			<DataTable
				label={t("nav.admin.quotas")}
				columns={columns}
				rows={quotas.data?.items}
				rowKey={(q) => q.id}
				isPending={quotas.isPending}
				isPlaceholderData={quotas.isPlaceholderData}
				error={quotas.error}
				total={quotas.data?.total}
				{...list.tableProps}
				rowTestId="quota-row"
				empty={
					project ? (
						<EmptyState title={t("admin.quotas.noProject", { name: project })}>
							{t("admin.quotas.noProjectHint")}
						</EmptyState>
					) : (
						<EmptyState title={t("admin.quotas.none")}>
							{t("admin.quotas.noneHint")}
						</EmptyState>
					)
				}
			/>
			{editing && (
				<EditQuotaDialog quota={editing} onClose={() => setEditing(null)} />
			)}
		</section>
	);
}

function EditQuotaDialog({
	quota,
	onClose,
}: {
	quota: Quota;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const update = useUpdateQuota();
	const [draft, setDraft] = useState<StorageDraft>(() =>
		toStorageDraft(quota.hard.storage),
	);
	const bytes = storageDraftBytes(draft);
	const submit = (e: FormEvent) => {
		e.preventDefault();
		if (bytes === null) return;
		update.mutate({ id: quota.id, storage: bytes }, { onSuccess: onClose });
	};
	return (
		<Dialog
			open
			title={t("admin.quotas.editTitle", { name: quota.ref.name })}
			onClose={onClose}
		>
			<form onSubmit={submit}>
				<p className="mb-3 text-sm">
					{t("admin.quotas.currentlyUsed", {
						used: formatBytes(quota.used.storage),
					})}
				</p>
				<StorageLimitInput
					label={t("admin.quotas.limit")}
					value={draft}
					onChange={setDraft}
				/>
				{bytes !== null && bytes >= 0 && bytes < quota.used.storage && (
					<p className="mb-3 text-sm text-amber-800 dark:text-amber-300">
						{t("admin.quotas.belowUsage")}
					</p>
				)}
				<DialogActions
					error={update.error}
					pending={update.isPending}
					disabled={bytes === null}
					submitLabel={t("common.save")}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}
