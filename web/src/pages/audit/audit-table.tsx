import { useId } from "react";
import { useTranslation } from "react-i18next";
import {
	type AuditFilters,
	type AuditLog,
	auditChange,
	useAuditFilterChoices,
	useAuditLogs,
} from "../../api/audit-logs.ts";
import { Button } from "../../components/button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { inputClass as baseInputClass } from "../../components/field.tsx";
import { formatTime } from "../../components/format.ts";
import { useDebouncedFilter } from "../../components/use-debounced-filter.ts";
import { useListParams } from "../../components/use-list-params.ts";
import { withCurrent } from "../../components/with-current.ts";

/** URL parameter names of the filters (a copied link reproduces the view). */
const filterParams = [
	"username",
	"operation",
	"resource",
	"resource_type",
	"from",
	"to",
] as const;

/** `2024-05-01T10:30` (a datetime-local input, local time) ↔ an ISO instant in the URL, so a link means the same anywhere. */
const localToIso = (v: string) => (v ? new Date(v).toISOString() : "");
function isoToLocal(iso: string) {
	const d = new Date(iso);
	if (!iso || Number.isNaN(d.getTime())) return "";
	return new Date(d.getTime() - d.getTimezoneOffset() * 60_000)
		.toISOString()
		.slice(0, 16);
}
/** The chosen "to" minute counts whole: the range ends at the start of the next minute. */
const endOfMinute = (iso: string) =>
	iso ? new Date(new Date(iso).getTime() + 60_000).toISOString() : undefined;

const inputClass = `mt-1 w-full ${baseInputClass}`;

/**
 * The audit log with its filters: the whole system's (`project` unset) or one project's. Filters, sort and page are
 * kept in the URL; the server filters, sorts and pages.
 */
export function AuditTable({
	project,
	label,
}: {
	project?: string;
	label: string;
}) {
	const { t, i18n } = useTranslation();
	const id = useId();
	const list = useListParams({ sort: "-op_time" });
	const f = (name: (typeof filterParams)[number]) => list.filter(name);
	const filters: AuditFilters = {
		username: f("username"),
		operation: f("operation"),
		resource: f("resource"),
		resourceType: f("resource_type"),
		from: f("from") || undefined,
		to: endOfMinute(f("to")),
	};
	const logs = useAuditLogs({
		project,
		page: list.page,
		pageSize: list.pageSize,
		sort: list.sort,
		filters,
	});
	const choices = useAuditFilterChoices();
	const [username, setUsername] = useDebouncedFilter(f("username"), (v) =>
		list.update({ username: v }),
	);
	const [resource, setResource] = useDebouncedFilter(f("resource"), (v) =>
		list.update({ resource: v }),
	);
	const filtered = filterParams.some((n) => f(n) !== "");
	const clear = () =>
		list.update(Object.fromEntries(filterParams.map((n) => [n, undefined])));
	// Known operations and resource types in the user's language; anything newer the server records shows as it is.
	const operationLabel = (op: string) =>
		t(`audit.op.${op}`, { defaultValue: op });
	const typeLabel = (type: string) =>
		t(`audit.type.${type}`, { defaultValue: type });

	const columns: Column<AuditLog>[] = [
		{
			id: "op_time",
			header: t("audit.time"),
			meta: { sortKey: "op_time", className: "whitespace-nowrap" },
			cell: ({ row }) =>
				formatTime(row.original.op_time, i18n.language, { seconds: true }),
		},
		{
			id: "username",
			header: t("audit.operator"),
			cell: ({ row }) => row.original.username,
		},
		{
			id: "operation",
			header: t("audit.operation"),
			cell: ({ row }) => {
				const change = auditChange(row.original);
				return (
					<>
						{operationLabel(row.original.operation)}
						{change && (
							<span
								data-testid="audit-change"
								className="block font-mono text-xs text-slate-600 dark:text-slate-300"
							>
								{change}
							</span>
						)}
					</>
				);
			},
		},
		{
			id: "resource_type",
			header: t("audit.resourceType"),
			cell: ({ row }) => typeLabel(row.original.resource_type),
		},
		{
			id: "resource",
			header: t("audit.resource"),
			meta: { className: "break-all" },
			cell: ({ row }) => (
				<span className="font-mono text-xs">{row.original.resource}</span>
			),
		},
		{
			id: "result",
			header: t("audit.result"),
			cell: ({ row }) =>
				row.original.operation_result === undefined ? (
					"—"
				) : row.original.operation_result ? (
					// whitespace-nowrap: a squeezed column set 成功 one character a line.
					<span className="whitespace-nowrap text-emerald-800 dark:text-emerald-300">
						{t("audit.succeeded")}
					</span>
				) : (
					<span className="whitespace-nowrap font-medium text-red-700 dark:text-red-300">
						{t("audit.failed")}
					</span>
				),
		},
	];

	return (
		<div>
			{/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark every screen reader knows. */}
			<form
				role="search"
				aria-label={t("audit.filters")}
				onSubmit={(e) => e.preventDefault()}
				className="mb-4 grid grid-cols-2 gap-3 rounded border border-slate-300 bg-white p-3 sm:grid-cols-3 lg:grid-cols-6 dark:border-slate-700 dark:bg-slate-900"
			>
				<div className="text-sm">
					<label htmlFor={`${id}-operator`}>{t("audit.operator")}</label>
					<input
						id={`${id}-operator`}
						type="search"
						className={inputClass}
						value={username}
						onChange={(e) => setUsername(e.target.value)}
					/>
				</div>
				<div className="text-sm">
					<label htmlFor={`${id}-operation`}>{t("audit.operation")}</label>
					<select
						id={`${id}-operation`}
						className={inputClass}
						value={f("operation")}
						onChange={(e) => list.update({ operation: e.target.value })}
					>
						<option value="">{t("audit.any")}</option>
						{withCurrent(choices.operations, f("operation")).map((o) => (
							<option key={o} value={o}>
								{operationLabel(o)}
							</option>
						))}
					</select>
				</div>
				<div className="text-sm">
					<label htmlFor={`${id}-resource`}>{t("audit.resource")}</label>
					<input
						id={`${id}-resource`}
						type="search"
						className={inputClass}
						value={resource}
						onChange={(e) => setResource(e.target.value)}
					/>
				</div>
				<div className="text-sm">
					<label htmlFor={`${id}-resourceType`}>
						{t("audit.resourceType")}
					</label>
					<select
						id={`${id}-resourceType`}
						className={inputClass}
						value={f("resource_type")}
						onChange={(e) => list.update({ resource_type: e.target.value })}
					>
						<option value="">{t("audit.any")}</option>
						{withCurrent(choices.resourceTypes, f("resource_type")).map((o) => (
							<option key={o} value={o}>
								{typeLabel(o)}
							</option>
						))}
					</select>
				</div>
				<div className="text-sm">
					<label htmlFor={`${id}-from`}>{t("audit.from")}</label>
					<input
						id={`${id}-from`}
						type="datetime-local"
						className={inputClass}
						value={isoToLocal(f("from"))}
						onChange={(e) => list.update({ from: localToIso(e.target.value) })}
					/>
				</div>
				<div className="text-sm">
					<label htmlFor={`${id}-to`}>{t("audit.to")}</label>
					<input
						id={`${id}-to`}
						type="datetime-local"
						className={inputClass}
						value={isoToLocal(f("to"))}
						onChange={(e) => list.update({ to: localToIso(e.target.value) })}
					/>
				</div>
				{filtered && (
					<div className="col-span-full">
						<Button variant="secondary" onClick={clear}>
							{t("audit.clearFilters")}
						</Button>
					</div>
				)}
			</form>
			<DataTable
				label={label}
				columns={columns}
				rows={logs.data?.items}
				rowKey={(r) => r.id}
				isPending={logs.isPending}
				isPlaceholderData={logs.isPlaceholderData}
				error={logs.error}
				total={logs.data?.total}
				{...list.tableProps}
				rowTestId="audit-row"
				empty={
					filtered ? (
						<EmptyState title={t("audit.noMatch")}>
							{t("audit.noMatchHint")}
						</EmptyState>
					) : (
						<EmptyState title={t("audit.none")}>
							{project ? t("audit.noneProjectHint") : t("audit.noneHint")}
						</EmptyState>
					)
				}
			/>
		</div>
	);
}
