import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import {
	type Member,
	roleIds,
	useMembers,
	useRemoveMember,
	useSetMemberRole,
} from "../../api/members.ts";
import { useProjectPermissions } from "../../api/permissions.ts";
import { useProject } from "../../api/projects.ts";
import { useCurrentUser } from "../../api/session.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { useListParams } from "../../components/use-list-params.ts";
import { AddMemberDialog } from "./add-member-dialog.tsx";

const inputClass =
	"rounded border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100";

/** A member's role: a select for those who may change it, text for everyone else. */
function RoleCell({
	member,
	projectId,
	editable,
}: {
	member: Member;
	projectId: number;
	editable: boolean;
}) {
	const { t } = useTranslation();
	const setRole = useSetMemberRole(projectId);
	if (!editable) return <>{t(`role.${member.role_id}`)}</>;
	return (
		<div>
			<select
				aria-label={t("project.members.roleOf", { name: member.entity_name })}
				className={inputClass}
				value={member.role_id}
				disabled={setRole.isPending}
				onChange={(e) =>
					setRole.mutate({
						memberId: member.id,
						roleId: Number(e.target.value),
					})
				}
			>
				{roleIds.map((r) => (
					<option key={r} value={r}>
						{t(`role.${r}`)}
					</option>
				))}
			</select>
			<ErrorMessage error={setRole.error} />
		</div>
	);
}

/** Who belongs to the project and with which role; adding, changing and removing are offered with the matching permission. */
export default function MembersTab() {
	const { t } = useTranslation();
	const name = useParams().project ?? "";
	const project = useProject(name);
	const projectId = project.data?.project_id;
	const { can } = useProjectPermissions(projectId);
	const list = useListParams();
	const entityname = list.filter("member");
	const members = useMembers(projectId, {
		page: list.page,
		pageSize: list.pageSize,
		entityname: entityname || undefined,
	});
	const remove = useRemoveMember(projectId ?? 0);
	const [adding, setAdding] = useState(false);
	const [removing, setRemoving] = useState<Member | null>(null);

	const mayUpdate = can("member", "update");
	const mayDelete = can("member", "delete");
	// The signed-in user's own row offers no role change and no removal: one click must not lock an admin out.
	const me = useCurrentUser().data;
	const isMe = (m: Member) =>
		m.entity_type === "u" && me != null && m.entity_id === me.user_id;
	const columns: Column<Member>[] = [
		{
			id: "name",
			header: t("project.members.name"),
			cell: ({ row }) => (
				<span className="font-medium">
					{row.original.entity_name}
					{isMe(row.original) && (
						<span className="ml-2 text-xs font-normal text-slate-600 dark:text-slate-300">
							{t("project.members.you")}
						</span>
					)}
				</span>
			),
		},
		{
			id: "type",
			header: t("project.members.type"),
			cell: ({ row }) =>
				row.original.entity_type === "g"
					? t("project.members.group")
					: t("project.members.user"),
		},
		{
			id: "role",
			header: t("project.members.role"),
			cell: ({ row }) => (
				<RoleCell
					member={row.original}
					projectId={projectId ?? 0}
					editable={mayUpdate && !isMe(row.original)}
				/>
			),
		},
		...(mayDelete
			? [
					{
						id: "actions",
						header: () => (
							<span className="sr-only">{t("common.actions")}</span>
						),
						cell: ({ row }) =>
							isMe(row.original) ? null : (
								<Button
									variant="ghost"
									aria-label={t("project.members.removeLabel", {
										name: row.original.entity_name,
									})}
									onClick={() => setRemoving(row.original)}
								>
									{t("project.members.remove")}
								</Button>
							),
					} satisfies Column<Member>,
				]
			: []),
	];

	return (
		<div>
			<div className="mb-3 flex flex-wrap items-end justify-between gap-3">
				<h2 className="text-lg font-semibold">{t("project.tab.members")}</h2>
				{can("member", "create") && (
					<Button onClick={() => setAdding(true)}>
						{t("project.members.add")}
					</Button>
				)}
			</div>
			<div className="mb-3">
				<FilterInput
					label={t("project.members.search")}
					value={entityname}
					onCommit={(v) => list.update({ member: v })}
				/>
			</div>
			<DataTable
				label={t("project.tab.members")}
				columns={columns}
				rows={members.data?.items}
				rowKey={(m) => m.id}
				rowTestId="member-row"
				isPending={members.isPending}
				isPlaceholderData={members.isPlaceholderData}
				error={members.error}
				total={members.data?.total}
				{...list.tableProps}
				empty={
					<EmptyState
						title={
							entityname
								? t("project.members.noMatch")
								: t("project.members.empty")
						}
					>
						{can("member", "create") ? t("project.members.emptyHint") : null}
					</EmptyState>
				}
			/>
			{projectId !== undefined && (
				<AddMemberDialog
					open={adding}
					projectId={projectId}
					onClose={() => setAdding(false)}
				/>
			)}
			<ConfirmDialog
				open={removing !== null}
				title={t("project.members.removeTitle")}
				confirmLabel={t("project.members.remove")}
				pending={remove.isPending}
				error={remove.error}
				onClose={() => {
					remove.reset();
					setRemoving(null);
				}}
				onConfirm={() =>
					removing &&
					remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })
				}
			>
				{t("project.members.removeConfirm", {
					name: removing?.entity_name ?? "",
					project: name,
				})}
			</ConfirmDialog>
		</div>
	);
}
