import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	inputOf,
	type Scanner,
	useDeleteScanner,
	useMakeDefaultScanner,
	useScanner,
	useScanners,
	useUpdateScanner,
} from "../../api/scanners.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { useListParams } from "../../components/use-list-params.ts";
import { ScannerEditor } from "./scanner-editor.tsx";
import { VulnerabilityDatabase } from "./vulnerability-database.tsx";

/** Whether the adapter answers now: the registration read alone, which asks it (the list does not). */
function Health({ uuid }: { uuid: string }) {
	const { t } = useTranslation();
	const { data, error } = useScanner(uuid);
	const health = error ? "unhealthy" : data?.health;
	const status =
		health === "healthy"
			? "Success"
			: health === "unhealthy"
				? "Error"
				: "Pending";
	return (
		<StatusBadge
			status={status}
			testId="scanner-health"
			text={t(`scanners.health.${health ?? "checking"}`)}
		/>
	);
}

/**
 * Administration → Scanners: the scanner adapters projects scan with (their own choice, else the default), each with
 * its health, what it is, whether a credential is stored; add (tested first), edit, make default, enable or disable,
 * delete. The server's refusals (the default cannot be deleted or disabled) show in its words.
 */
export default function ScannersPage() {
	const { t } = useTranslation();
	const list = useListParams();
	const name = list.filter("name");
	const { data, isPending, isPlaceholderData, error } = useScanners({
		page: list.page,
		pageSize: list.pageSize,
		name: name || undefined,
	});
	const [editing, setEditing] = useState<Scanner | "new" | null>(null);
	const [deleting, setDeleting] = useState<Scanner | null>(null);
	const remove = useDeleteScanner();
	const makeDefault = useMakeDefaultScanner();
	const update = useUpdateScanner();
	// The last row action that failed, and on which registration: its refusal shows above the table.
	const [failed, setFailed] = useState<{ name: string; action: string } | null>(
		null,
	);
	const actionError = failed && (makeDefault.error ?? update.error);

	const columns = useMemo((): Column<Scanner>[] => {
		const act = (s: Scanner, action: "makeDefault" | "enable" | "disable") => {
			makeDefault.reset();
			update.reset();
			setFailed({ name: s.name, action });
			const done = { onSuccess: () => setFailed(null) };
			if (action === "makeDefault") makeDefault.mutate(s.uuid, done);
			else
				update.mutate(
					{
						uuid: s.uuid,
						input: { ...inputOf(s), disabled: action === "disable" },
					},
					done,
				);
		};
		return [
			{
				id: "name",
				header: t("scanners.name"),
				cell: ({ row: { original: s } }) => (
					<div className="min-w-32">
						<span className="font-medium break-words">{s.name}</span>
						{s.is_default && (
							<span
								data-testid="scanner-default"
								className="ml-2 rounded bg-[#0f4c81] px-1.5 py-0.5 text-xs font-medium text-white"
							>
								{t("scanners.default")}
							</span>
						)}
						{s.description && (
							<p className="text-xs text-slate-600 dark:text-slate-300">
								{s.description}
							</p>
						)}
					</div>
				),
			},
			// Widths kept on a phone: the table scrolls in its own box rather than break a URL into a column of letters.
			{
				id: "url",
				header: t("scanners.url"),
				cell: ({ row }) => (
					<span className="block min-w-44 break-all">{row.original.url}</span>
				),
			},
			{
				id: "health",
				header: t("scanners.healthCol"),
				cell: ({ row }) => <Health uuid={row.original.uuid} />,
			},
			{
				id: "adapter",
				header: t("scanners.adapter"),
				cell: ({ row: { original: s } }) => (
					<span data-testid="scanner-adapter">
						{s.adapter
							? t("scanners.adapterIs", {
									adapter: s.adapter,
									vendor: s.vendor,
									version: s.version,
								})
							: "—"}
					</span>
				),
			},
			{
				id: "credential",
				header: t("scanners.credential"),
				cell: ({ row: { original: s } }) => (
					<span data-testid="scanner-credential" className="whitespace-nowrap">
						{s.auth
							? t("scanners.credentialState", {
									auth: t(`scanners.authName.${s.auth}`, {
										defaultValue: s.auth,
									}),
									state: s.access_credential
										? t("scanners.credentialSet")
										: t("scanners.credentialUnset"),
								})
							: t("scanners.authName.none")}
					</span>
				),
			},
			{
				id: "enabled",
				header: t("scanners.enabled"),
				cell: ({ row: { original: s } }) => (
					<span
						data-testid="scanner-enabled"
						className={s.disabled ? "text-slate-600 dark:text-slate-300" : ""}
					>
						{s.disabled ? t("scanners.disabled") : t("scanners.enabledYes")}
					</span>
				),
			},
			{
				id: "actions",
				header: t("common.actions"),
				meta: { className: "whitespace-nowrap text-right" },
				cell: ({ row: { original: s } }) => (
					<div className="flex flex-wrap justify-end gap-1">
						<Button
							variant="ghost"
							onClick={() => setEditing(s)}
							aria-label={t("scanners.editNamed", { name: s.name })}
						>
							{t("common.edit")}
						</Button>
						{!s.is_default && !s.disabled && (
							<Button
								variant="ghost"
								onClick={() => act(s, "makeDefault")}
								aria-label={t("scanners.makeDefaultNamed", { name: s.name })}
							>
								{t("scanners.makeDefault")}
							</Button>
						)}
						<Button
							variant="ghost"
							onClick={() => act(s, s.disabled ? "enable" : "disable")}
							aria-label={t(
								s.disabled ? "scanners.enableNamed" : "scanners.disableNamed",
								{ name: s.name },
							)}
						>
							{s.disabled ? t("scanners.enable") : t("scanners.disable")}
						</Button>
						<Button
							variant="ghost"
							onClick={() => {
								remove.reset();
								setDeleting(s);
							}}
							aria-label={t("scanners.deleteNamed", { name: s.name })}
						>
							{t("common.delete")}
						</Button>
					</div>
				),
			},
		];
	}, [t, makeDefault, update, remove]);

	return (
		<section aria-labelledby="scanners-heading">
			<h1 id="scanners-heading" className="mb-1 text-2xl font-semibold">
				{t("scanners.title")}
			</h1>
			<p className="mb-4 max-w-3xl text-sm text-slate-600 dark:text-slate-300">
				{t("scanners.intro")}
			</p>
			<div className="mb-3 flex flex-wrap items-end justify-between gap-3">
				<FilterInput
					label={t("scanners.search")}
					placeholder={t("scanners.searchPlaceholder")}
					value={name}
					onCommit={(v) => list.update({ name: v })}
				/>
				<Button onClick={() => setEditing("new")}>{t("scanners.new")}</Button>
			</div>
			{actionError && (
				<ErrorMessage
					error={actionError}
					prefix={t(`scanners.failed.${failed.action}`, { name: failed.name })}
				/>
			)}
			<DataTable<Scanner>
				label={t("scanners.tableLabel")}
				columns={columns}
				rows={data?.items}
				rowKey={(s) => s.uuid}
				isPending={isPending}
				isPlaceholderData={isPlaceholderData}
				error={error}
				total={data?.total}
				{...list.tableProps}
				rowTestId="scanner-row"
				empty={
					<EmptyState
						title={name ? t("scanners.noMatch") : t("scanners.empty")}
					>
						{name ? t("scanners.noMatchHint") : t("scanners.emptyHint")}
					</EmptyState>
				}
			/>
			{editing && (
				<ScannerEditor
					scanner={editing === "new" ? undefined : editing}
					onClose={() => setEditing(null)}
				/>
			)}
			<ConfirmDialog
				open={deleting !== null}
				title={t("scanners.deleteTitle")}
				confirmLabel={t("common.delete")}
				pending={remove.isPending}
				error={remove.error}
				onClose={() => {
					setDeleting(null);
					remove.reset();
				}}
				onConfirm={() =>
					deleting &&
					remove.mutate(deleting.uuid, { onSuccess: () => setDeleting(null) })
				}
			>
				<p>{t("scanners.deleteBody", { name: deleting?.name ?? "" })}</p>
			</ConfirmDialog>
			<VulnerabilityDatabase />
		</section>
	);
}
