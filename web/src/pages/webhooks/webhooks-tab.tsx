import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { useProjectPermissions } from "../../api/permissions.ts";
import { useProject } from "../../api/projects.ts";
import {
	useDeletePolicy,
	useLastTriggers,
	usePolicies,
	useTestPolicy,
	useUpdatePolicy,
	type WebhookPolicy,
} from "../../api/webhooks.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatTime } from "../../components/format.ts";
import { useListParams } from "../../components/use-list-params.ts";
import { ExecutionsPanel } from "./executions-panel.tsx";
import { PolicyEditor } from "./policy-editor.tsx";

/**
 * A project's webhooks: its policies with their targets and when each last fired; project admins create, edit,
 * enable or disable and delete them, and follow a policy's deliveries down to each try's log.
 */
export default function WebhooksTab() {
	const { t, i18n } = useTranslation();
	const name = useParams().project ?? "";
	const project = useProject(name);
	const projectId = project.data?.project_id;
	const { can } = useProjectPermissions(projectId);
	const manage = can("notification-policy", "create");
	return (
		<section aria-labelledby="webhooks-heading">
			<h2 id="webhooks-heading" className="mb-1 text-xl font-semibold">
				{t("webhooks.title")}
			</h2>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("webhooks.intro")}
			</p>
			<ErrorMessage error={project.error} />
			{projectId !== undefined && (
				<PolicyList
					projectId={projectId}
					manage={manage}
					lang={i18n.language}
				/>
			)}
		</section>
	);
}

function PolicyList({
	projectId,
	manage,
	lang,
}: {
	projectId: number;
	manage: boolean;
	lang: string;
}) {
	const { t } = useTranslation();
	const list = useListParams();
	const policies = usePolicies(projectId, {
		page: list.page,
		pageSize: list.pageSize,
		sort: list.sort || undefined,
	});
	const last = useLastTriggers(projectId);
	const update = useUpdatePolicy();
	const remove = useDeletePolicy();
	const probe = useTestPolicy();
	const [editing, setEditing] = useState<WebhookPolicy | "new" | null>(null);
	const [deleting, setDeleting] = useState<WebhookPolicy | null>(null);
	const [watching, setWatching] = useState<WebhookPolicy | null>(null);

	/** The newest trigger of any of the policy's event types. */
	const lastOf = (p: WebhookPolicy) =>
		(last.data ?? [])
			.filter((l) => l.policy_name === p.name && l.last_trigger_time)
			.map((l) => l.last_trigger_time!)
			.sort()
			.at(-1);

	const columns: Column<WebhookPolicy>[] = [
		{
			id: "name",
			header: t("webhooks.name"),
			meta: { sortKey: "name" },
			cell: ({ row }) => (
				<span className="font-medium">{row.original.name}</span>
			),
		},
		{
			id: "enabled",
			header: t("webhooks.enabled"),
			cell: ({ row }) => (
				<span data-testid="policy-enabled">
					{row.original.enabled ? t("webhooks.on") : t("webhooks.off")}
				</span>
			),
		},
		{
			id: "events",
			header: t("webhooks.eventTypes"),
			cell: ({ row }) => (
				<span className="text-xs">
					{row.original.event_types
						.map((e) => t(`webhooks.event.${e}`, { defaultValue: e }))
						.join(", ")}
				</span>
			),
		},
		{
			id: "target",
			header: t("webhooks.target"),
			cell: ({ row }) => (
				<span className="break-all font-mono text-xs">
					{row.original.targets
						.map(
							(x) =>
								`${x.type === "slack" ? "Slack" : x.payload_format} → ${x.address}`,
						)
						.join("\n")}
				</span>
			),
		},
		{
			id: "last",
			header: t("webhooks.lastTrigger"),
			meta: { className: "whitespace-nowrap" },
			cell: ({ row }) => {
				const at = lastOf(row.original);
				return (
					<span data-testid="policy-last-trigger">
						{at ? formatTime(at, lang, { seconds: true }) : t("webhooks.never")}
					</span>
				);
			},
		},
		{
			id: "actions",
			header: t("common.actions"),
			meta: { className: "whitespace-nowrap text-right" },
			cell: ({ row }) => {
				const p = row.original;
				return (
					<div className="-my-1.5 flex justify-end gap-1">
						<Button
							variant="ghost"
							onClick={() => setWatching(p)}
							aria-label={t("webhooks.executionsOf", { name: p.name })}
						>
							{t("webhooks.executions")}
						</Button>
						{manage && (
							<>
								<Button
									variant="ghost"
									disabled={probe.isPending}
									aria-label={t("webhooks.testNamed", { name: p.name })}
									onClick={() =>
										probe.mutate(
											{ projectId, id: p.id },
											{ onSuccess: () => setWatching(p) },
										)
									}
								>
									{t("webhooks.test")}
								</Button>
								<Button
									variant="ghost"
									onClick={() => setEditing(p)}
									aria-label={t("webhooks.editNamed", { name: p.name })}
								>
									{t("common.edit")}
								</Button>
								<Button
									variant="ghost"
									disabled={update.isPending}
									onClick={() =>
										update.mutate({
											projectId,
											id: p.id,
											input: { ...p, enabled: !p.enabled },
										})
									}
									aria-label={t(
										p.enabled
											? "webhooks.disableNamed"
											: "webhooks.enableNamed",
										{ name: p.name },
									)}
								>
									{p.enabled ? t("webhooks.disable") : t("webhooks.enable")}
								</Button>
								<Button
									variant="ghost"
									onClick={() => setDeleting(p)}
									aria-label={t("webhooks.deleteNamed", { name: p.name })}
								>
									{t("common.delete")}
								</Button>
							</>
						)}
					</div>
				);
			},
		},
	];

	return (
		<div>
			<div className="mb-3 flex justify-end">
				{manage && (
					<Button onClick={() => setEditing("new")}>{t("webhooks.new")}</Button>
				)}
			</div>
			<ErrorMessage error={update.error ?? probe.error} />
			<DataTable<WebhookPolicy>
				label={t("webhooks.tableLabel")}
				columns={columns}
				rows={policies.data?.items}
				rowKey={(p) => p.id}
				isPending={policies.isPending}
				isPlaceholderData={policies.isPlaceholderData}
				error={policies.error}
				total={policies.data?.total}
				{...list.tableProps}
				rowTestId="webhook-row"
				empty={
					<EmptyState title={t("webhooks.empty")}>
						{manage ? t("webhooks.emptyHint") : t("webhooks.emptyReadOnly")}
					</EmptyState>
				}
			/>
			{watching && (
				<ExecutionsPanel
					projectId={projectId}
					policy={watching}
					onClose={() => setWatching(null)}
				/>
			)}
			{editing && (
				<PolicyEditor
					projectId={projectId}
					policy={editing === "new" ? undefined : editing}
					onClose={() => setEditing(null)}
				/>
			)}
			<ConfirmDialog
				open={deleting !== null}
				title={t("webhooks.deleteTitle")}
				confirmLabel={t("common.delete")}
				pending={remove.isPending}
				error={remove.error}
				onClose={() => {
					setDeleting(null);
					remove.reset();
				}}
				onConfirm={() =>
					deleting &&
					remove.mutate(
						{ projectId, id: deleting.id },
						{
							onSuccess: () => {
								if (watching?.id === deleting.id) setWatching(null);
								setDeleting(null);
							},
						},
					)
				}
			>
				<p>{t("webhooks.deleteBody", { name: deleting?.name ?? "" })}</p>
			</ConfirmDialog>
		</div>
	);
}
