import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type ReplicationPolicy,
	startsByItself,
	useDeletePolicy,
	useLastExecution,
	usePolicies,
	usePolicy,
	useStartExecution,
} from "../../api/replication.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { formatTime } from "../../components/format.ts";
import { useListParams } from "../../components/use-list-params.ts";
import { ExecutionsPanel } from "./executions-panel.tsx";
import { RuleEditor } from "./rule-editor.tsx";
import { fromPolicy } from "./rule-form.ts";
import { StatusBadge } from "./status-badge.tsx";
import { useSelectionParam } from "./use-selection-param.ts";

/**
 * Administration → replications: the rules, each run now or edited; the selected rule's executions (`?rule=`) and an
 * execution's tasks (`?execution=`) below it, so a link shows the same run.
 */
export default function ReplicationsPage() {
	const { t } = useTranslation();
	const list = useListParams({ sort: "name" });
	const name = list.filter("name");
	const [selectedId, select] = useSelectionParam("rule", ["execution"]);
	const { data, isPending, isPlaceholderData, error } = usePolicies({
		page: list.page,
		pageSize: list.pageSize,
		sort: list.sort || undefined,
		name: name || undefined,
	});
	const [editing, setEditing] = useState<ReplicationPolicy | "new" | null>(
		null,
	);
	const [deleting, setDeleting] = useState<ReplicationPolicy | null>(null);
	const [running, setRunning] = useState<ReplicationPolicy | null>(null);
	const remove = useDeletePolicy();
	const start = useStartExecution();
	const linked = usePolicy(selectedId);
	const selected =
		data?.items.find((p) => p.id === selectedId) ?? linked.data ?? null;

	const columns: Column<ReplicationPolicy>[] = [
		{
			id: "name",
			header: t("replication.rule.name"),
			meta: { sortKey: "name" },
			cell: ({ row }) => (
				<button
					type="button"
					className="break-words text-left font-medium text-[#0f4c81] underline dark:text-sky-300"
					aria-pressed={row.original.id === selectedId}
					onClick={() => select(row.original.id)}
				>
					{row.original.name}
				</button>
			),
		},
		{
			id: "status",
			header: t("replication.rule.status"),
			cell: ({ row }) => (
				<span data-testid="rule-enabled">
					{row.original.enabled
						? t("replication.rule.enabled")
						: t("replication.rule.disabled")}
				</span>
			),
		},
		{
			id: "route",
			header: t("replication.rule.route"),
			cell: ({ row }) => <Route policy={row.original} />,
		},
		{
			id: "mode",
			header: t("replication.rule.mode"),
			cell: ({ row }) => t(`replication.mode.${fromPolicy(row.original).mode}`),
		},
		{
			id: "trigger",
			header: t("replication.rule.trigger"),
			cell: ({ row }) => <TriggerText policy={row.original} />,
		},
		{
			id: "last",
			header: t("replication.rule.lastExecution"),
			cell: ({ row }) => <LastExecution policy={row.original} />,
		},
		{
			id: "actions",
			header: t("common.actions"),
			meta: { className: "whitespace-nowrap text-right" },
			cell: ({ row }) => (
				<div className="flex justify-end gap-1">
					<Button
						variant="ghost"
						className="-my-1.5"
						onClick={() => setRunning(row.original)}
						disabled={!row.original.enabled}
						title={
							row.original.enabled
								? undefined
								: t("replication.rule.disabledCannotRun")
						}
						aria-label={t("replication.rule.replicateNamed", {
							name: row.original.name,
						})}
					>
						{t("replication.rule.replicate")}
					</Button>
					<Button
						variant="ghost"
						className="-my-1.5"
						onClick={() => setEditing(row.original)}
						aria-label={t("replication.rule.editNamed", {
							name: row.original.name,
						})}
					>
						{t("common.edit")}
					</Button>
					<Button
						variant="ghost"
						className="-my-1.5"
						onClick={() => setDeleting(row.original)}
						aria-label={t("replication.rule.deleteNamed", {
							name: row.original.name,
						})}
					>
						{t("common.delete")}
					</Button>
				</div>
			),
		},
	];

	return (
		<section aria-labelledby="replications-heading">
			<h1 id="replications-heading" className="mb-1 text-2xl font-semibold">
				{t("replication.title")}
			</h1>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("replication.intro")}
			</p>
			<div className="mb-3 flex flex-wrap items-end justify-between gap-3">
				<FilterInput
					label={t("replication.search")}
					placeholder={t("replication.searchPlaceholder")}
					value={name}
					onCommit={(v) => list.update({ name: v })}
				/>
				<Button onClick={() => setEditing("new")}>
					{t("replication.new")}
				</Button>
			</div>
			<DataTable<ReplicationPolicy>
				label={t("replication.tableLabel")}
				columns={columns}
				rows={data?.items}
				rowKey={(p) => p.id}
				isPending={isPending}
				isPlaceholderData={isPlaceholderData}
				error={error}
				total={data?.total}
				{...list.tableProps}
				rowTestId="rule-row"
				empty={
					<EmptyState
						title={name ? t("replication.noMatch") : t("replication.empty")}
					>
						{name ? t("replication.noMatchHint") : t("replication.emptyHint")}
					</EmptyState>
				}
			/>
			{selected && (
				<ExecutionsPanel policy={selected} onClose={() => select(null)} />
			)}
			{editing && (
				<RuleEditor
					policy={editing === "new" ? undefined : editing}
					onClose={() => setEditing(null)}
				/>
			)}
			<ConfirmDialog
				open={running !== null}
				title={t("replication.runTitle")}
				confirmLabel={t("replication.rule.replicate")}
				pending={start.isPending}
				error={start.error}
				onClose={() => {
					setRunning(null);
					start.reset();
				}}
				onConfirm={() =>
					running &&
					start.mutate(running.id, {
						onSuccess: () => {
							select(running.id);
							setRunning(null);
						},
					})
				}
			>
				<p>{t("replication.runBody", { name: running?.name ?? "" })}</p>
			</ConfirmDialog>
			<ConfirmDialog
				open={deleting !== null}
				title={t("replication.deleteTitle")}
				confirmLabel={t("common.delete")}
				pending={remove.isPending}
				error={remove.error}
				onClose={() => {
					setDeleting(null);
					remove.reset();
				}}
				onConfirm={() =>
					deleting &&
					remove.mutate(deleting.id, {
						onSuccess: () => {
							if (deleting.id === selectedId) select(null);
							setDeleting(null);
						},
					})
				}
			>
				<p>{t("replication.deleteBody", { name: deleting?.name ?? "" })}</p>
			</ConfirmDialog>
		</section>
	);
}

/** Where a rule copies from and to: the endpoint by name, Wharf itself as "Local". */
function Route({ policy }: { policy: ReplicationPolicy }) {
	const { t } = useTranslation();
	const side = (r: ReplicationPolicy["src_registry"]) =>
		r && r.id > 0 ? r.name : t("replication.local");
	return (
		<span className="break-words">
			{side(policy.src_registry)} → {side(policy.dest_registry)}
		</span>
	);
}

function TriggerText({ policy }: { policy: ReplicationPolicy }) {
	const { t } = useTranslation();
	const type = policy.trigger?.type ?? "manual";
	const cron = policy.trigger?.trigger_settings?.cron;
	return (
		<span>
			{t(`replication.trigger.${type}`)}
			{type === "scheduled" && cron && (
				<span className="block font-mono text-xs">{cron}</span>
			)}
		</span>
	);
}

function LastExecution({ policy }: { policy: ReplicationPolicy }) {
	const { t, i18n } = useTranslation();
	const last = useLastExecution(policy.id, startsByItself(policy));
	if (last.isPending)
		return <span className="text-slate-600 dark:text-slate-300">…</span>;
	if (!last.data)
		return (
			<span className="text-slate-600 dark:text-slate-300">
				{t("replication.rule.never")}
			</span>
		);
	return (
		<span className="flex flex-col items-start gap-0.5">
			<StatusBadge status={last.data.status} testId="rule-last-status" />
			<span className="whitespace-nowrap text-xs">
				{formatTime(last.data.start_time, i18n.language)}
			</span>
		</span>
	);
}
