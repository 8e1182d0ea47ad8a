import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type UserGroup,
	useCreateUserGroup,
	useDeleteUserGroup,
	useUserGroups,
} from "../../api/user-groups.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Field } from "../../components/field.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { named } from "../../components/named.tsx";
import { useListParams } from "../../components/use-list-params.ts";

/** /admin/groups: the user groups project members may name; add an LDAP group by its DN, delete one. */
export default function GroupsPage() {
	const { t } = useTranslation();
	const list = useListParams();
	const name = list.filter("group_name");
	const groups = useUserGroups({
		page: list.page,
		pageSize: list.pageSize,
		group_name: name,
	});
	const [adding, setAdding] = useState(false);
	const [deleting, setDeleting] = useState<UserGroup | null>(null);
	const [status, setStatus] = useState("");
	const remove = useDeleteUserGroup();

	const columns: Column<UserGroup>[] = [
		{
			id: "name",
			header: t("groups.name"),
			cell: ({ row }) => (
				<span className="font-medium">{row.original.group_name}</span>
			),
		},
		{
			id: "type",
			header: t("groups.type"),
			cell: ({ row }) =>
				t(`groups.type.${row.original.group_type}`, {
					defaultValue: String(row.original.group_type),
				}),
		},
		{
			id: "dn",
			header: t("groups.dn"),
			cell: ({ row }) => (
				<span className="break-all font-mono text-xs">
					{row.original.ldap_group_dn}
				</span>
			),
		},
		{
			id: "actions",
			header: () => <span className="sr-only">{t("common.actions")}</span>,
			cell: ({ row }) => (
				<button
					type="button"
					onClick={() => {
						remove.reset();
						setDeleting(row.original);
					}}
					className="rounded px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950"
				>
					{named(t("common.delete"), row.original.group_name)}
				</button>
			),
		},
	];

	return (
		<section>
			<div className="mb-1 flex flex-wrap items-center gap-3">
				<h1 className="text-2xl font-semibold">{t("nav.admin.groups")}</h1>
				<Button className="ml-auto" onClick={() => setAdding(true)}>
					{t("groups.add")}
				</Button>
			</div>
			<p className="mb-2 text-sm text-slate-600 dark:text-slate-300">
				{t("groups.intro")}
			</p>
			{/* The admin lists' one search box, in one place: above the table, labelled. */}
			<div className="mb-3">
				<FilterInput
					label={t("groups.search")}
					placeholder={t("groups.searchPlaceholder")}
					value={name}
					onCommit={(v) => list.update({ group_name: v })}
				/>
			</div>
			<p
				role="status"
				className="min-h-5 text-sm text-emerald-800 dark:text-emerald-300"
			>
				{status}
			</p>
			<DataTable
				label={t("nav.admin.groups")}
				columns={columns}
				rows={groups.data?.items}
				rowKey={(g) => g.id}
				isPending={groups.isPending}
				isPlaceholderData={groups.isPlaceholderData}
				error={groups.error}
				total={groups.data?.total}
				{...list.tableProps}
				rowTestId="group-row"
				empty={
					<EmptyState
						title={name ? t("groups.noMatch", { q: name }) : t("groups.none")}
					>
						{t("groups.noneHint")}
					</EmptyState>
				}
			/>
			<AddLdapGroupDialog
				open={adding}
				onClose={() => setAdding(false)}
				onAdded={(dn) => setStatus(t("groups.added", { dn }))}
			/>
			<ConfirmDialog
				open={!!deleting}
				title={t("groups.deleteTitle")}
				confirmLabel={t("common.delete")}
				pending={remove.isPending}
				error={remove.error}
				onClose={() => setDeleting(null)}
				onConfirm={() =>
					deleting &&
					remove.mutate(deleting.id, {
						onSuccess: () => {
							setStatus(t("groups.deleted", { name: deleting.group_name }));
							setDeleting(null);
						},
					})
				}
			>
				{t("groups.deleteBody", { name: deleting?.group_name ?? "" })}
			</ConfirmDialog>
		</section>
	);
}

function AddLdapGroupDialog({
	open,
	onClose,
	onAdded,
}: {
	open: boolean;
	onClose: () => void;
	onAdded: (dn: string) => void;
}) {
	const { t } = useTranslation();
	const create = useCreateUserGroup();
	const [dn, setDn] = useState("");
	const [name, setName] = useState("");
	const [tried, setTried] = useState(false);
	const close = () => {
		setDn("");
		setName("");
		setTried(false);
		create.reset();
		onClose();
	};
	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTried(true);
		if (!dn.trim()) return;
		create.mutate(
			{ group_type: 1, ldap_group_dn: dn.trim(), group_name: name.trim() },
			{
				onSuccess: () => {
					onAdded(dn.trim());
					close();
				},
			},
		);
	};
	return (
		<Dialog open={open} title={t("groups.addTitle")} onClose={close}>
			<form onSubmit={submit} noValidate>
				<Field
					label={t("groups.dn")}
					autoComplete="off"
					autoFocus
					value={dn}
					placeholder="cn=developers,ou=groups,dc=example,dc=com"
					onChange={(e) => {
						setDn(e.target.value);
						create.reset();
					}}
					error={tried && !dn.trim() ? t("groups.dnRequired") : null}
					hint={t("groups.dnHint")}
				/>
				<Field
					label={t("groups.nameOptional")}
					autoComplete="off"
					value={name}
					onChange={(e) => setName(e.target.value)}
					hint={t("groups.nameHint")}
				/>
				<DialogActions
					error={create.error}
					pending={create.isPending}
					submitLabel={t("groups.addSubmit")}
					onCancel={close}
				/>
			</form>
		</Dialog>
	);
}
