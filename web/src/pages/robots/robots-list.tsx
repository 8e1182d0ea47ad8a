import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type Robot,
	type RobotAccess,
	useDeleteRobot,
	useRefreshRobotSecret,
	useRobots,
	useUpdateRobot,
} from "../../api/robots.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { formatTime } from "../../components/format.ts";
import { named } from "../../components/named.tsx";
import { useListParams } from "../../components/use-list-params.ts";
import { accessSummary, coverageSummary } from "./permission-names.ts";
import { RobotForm, type RobotOwner } from "./robot-form.tsx";
import { SecretDialog } from "./secret-dialog.tsx";

type Allowed = { create: boolean; update: boolean; delete: boolean };
type ShownSecret = { title: string; name: string; secret: string };

/** When a robot stops working: never, a date, or already past. */
function Expiry({ robot }: { robot: Robot }) {
	const { t, i18n } = useTranslation();
	if (robot.expires_at === -1) return <>{t("robots.expiry.never")}</>;
	const at = new Date(robot.expires_at * 1000);
	if (at.getTime() <= Date.now())
		return (
			<span className="font-medium text-red-700 dark:text-red-300">
				{t("robots.expiry.expired")}
			</span>
		);
	return <>{formatTime(at.toISOString(), i18n.language)}</>;
}

function Status({ disabled }: { disabled: boolean }) {
	const { t } = useTranslation();
	return disabled ? (
		<span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-800 dark:bg-slate-700 dark:text-slate-100">
			{t("robots.status.disabled")}
		</span>
	) : (
		<span className="rounded bg-green-100 px-1.5 py-0.5 text-xs font-medium text-green-900 dark:bg-green-900 dark:text-green-100">
			{t("robots.status.enabled")}
		</span>
	);
}

/** The robots of a project or of the system: search, sort and page in the URL; what the user may do with them. */
export function RobotsList({
	owner,
	allowed,
	ownAccess,
}: {
	owner: RobotOwner;
	allowed: Allowed;
	ownAccess?: RobotAccess[];
}) {
	const { t } = useTranslation();
	const list = useListParams({ sort: "-creation_time" });
	const name = list.filter("name");
	const { data, isPending, isPlaceholderData, error } = useRobots({
		level: owner.level,
		projectId: owner.level === "project" ? owner.project.id : undefined,
		page: list.page,
		pageSize: list.pageSize,
		name: name || undefined,
		sort: list.sort || undefined,
	});
	const [form, setForm] = useState<{ robot?: Robot } | null>(null);
	const [secret, setSecret] = useState<ShownSecret | null>(null);
	const [refreshing, setRefreshing] = useState<Robot | null>(null);
	const [deleting, setDeleting] = useState<Robot | null>(null);
	const toggle = useUpdateRobot();
	const refresh = useRefreshRobotSecret();
	const remove = useDeleteRobot();

	const columns: Column<Robot>[] = [
		{
			id: "name",
			header: t("robots.col.name"),
			meta: { sortKey: "name" },
			cell: ({ row }) => (
				<span className="break-all font-mono text-xs">{row.original.name}</span>
			),
		},
		{
			id: "status",
			header: t("robots.col.status"),
			cell: ({ row }) => <Status disabled={row.original.disable} />,
		},
		{
			id: "permissions",
			header: t("robots.col.permissions"),
			cell: ({ row }) => {
				const access = row.original.permissions.flatMap((p) => p.access);
				return (
					<div className="text-xs">
						{owner.level === "system" &&
							coverageSummary(t, row.original.permissions).map((line) => (
								<div key={line} className="font-medium">
									{line}
								</div>
							))}
						<div title={accessSummary(t, access, Infinity)}>
							{accessSummary(t, access)}
						</div>
					</div>
				);
			},
		},
		{
			id: "expires",
			header: t("robots.col.expires"),
			meta: { sortKey: "expires_at", className: "whitespace-nowrap" },
			cell: ({ row }) => <Expiry robot={row.original} />,
		},
		{
			id: "description",
			header: t("robots.col.description"),
			cell: ({ row }) => (
				<span className="break-words text-xs">{row.original.description}</span>
			),
		},
	];
	if (allowed.update || allowed.delete) {
		columns.push({
			id: "actions",
			header: t("common.actions"),
			meta: { className: "whitespace-nowrap text-right" },
			cell: ({ row }) => {
				const r = row.original;
				return (
					<div className="-my-1.5 flex justify-end">
						{allowed.update && (
							<Button variant="ghost" onClick={() => setForm({ robot: r })}>
								{named(t("common.edit"), r.name)}
							</Button>
						)}
						{allowed.update && (
							<Button
								variant="ghost"
								disabled={toggle.isPending}
								onClick={() =>
									toggle.mutate({ robot: r, changes: { disable: !r.disable } })
								}
							>
								{named(
									r.disable ? t("robots.enable") : t("robots.disable"),
									r.name,
								)}
							</Button>
						)}
						{allowed.update && (
							<Button variant="ghost" onClick={() => setRefreshing(r)}>
								{named(t("robots.refresh"), r.name)}
							</Button>
						)}
						{allowed.delete && (
							<Button variant="ghost" onClick={() => setDeleting(r)}>
								{named(t("common.delete"), r.name)}
							</Button>
						)}
					</div>
				);
			},
		});
	}

	return (
		<div>
			<div className="mb-3 flex flex-wrap items-end justify-between gap-3">
				<FilterInput
					label={t("robots.search")}
					placeholder={t("robots.searchPlaceholder")}
					value={name}
					onCommit={(v) => list.update({ name: v })}
				/>
				{allowed.create && (
					<Button onClick={() => setForm({})}>{t("robots.new")}</Button>
				)}
			</div>
			<ErrorMessage error={toggle.error} />
			<DataTable<Robot>
				label={t("robots.tableLabel")}
				columns={columns}
				rows={data?.items}
				rowKey={(r) => r.id}
				isPending={isPending}
				isPlaceholderData={isPlaceholderData}
				error={error}
				total={data?.total}
				{...list.tableProps}
				rowTestId="robot-row"
				empty={
					<EmptyState title={name ? t("robots.noMatch") : t("robots.empty")}>
						{name
							? t("robots.noMatchHint")
							: allowed.create
								? t("robots.emptyHint")
								: t("robots.emptyReadOnly")}
					</EmptyState>
				}
			/>

			{form && (
				<RobotForm
					owner={owner}
					robot={form.robot}
					ownAccess={ownAccess}
					onClose={() => setForm(null)}
					onCreated={(created) => {
						setForm(null);
						setSecret({
							title: t("robots.secret.createdTitle"),
							name: created.name,
							secret: created.secret,
						});
					}}
				/>
			)}
			{secret && (
				<SecretDialog
					title={secret.title}
					name={secret.name}
					secret={secret.secret}
					onClose={() => setSecret(null)}
				/>
			)}

			<ConfirmDialog
				open={refreshing !== null}
				title={t("robots.refreshTitle")}
				confirmLabel={t("robots.refreshConfirm")}
				pending={refresh.isPending}
				error={refresh.error}
				onClose={() => {
					setRefreshing(null);
					refresh.reset();
				}}
				onConfirm={() =>
					refreshing &&
					refresh.mutate(
						{ id: refreshing.id },
						{
							onSuccess: ({ secret: s }) => {
								setSecret({
									title: t("robots.secret.refreshedTitle"),
									name: refreshing.name,
									secret: s,
								});
								setRefreshing(null);
							},
						},
					)
				}
			>
				<p>{t("robots.refreshBody", { name: refreshing?.name ?? "" })}</p>
			</ConfirmDialog>

			<ConfirmDialog
				open={deleting !== null}
				title={t("robots.deleteTitle")}
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
				<p>{t("robots.deleteBody", { name: deleting?.name ?? "" })}</p>
			</ConfirmDialog>
		</div>
	);
}
