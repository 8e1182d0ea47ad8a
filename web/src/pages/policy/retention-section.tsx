import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Project } from "../../api/projects.ts";
import {
	cronOfSchedule,
	maxRetentionRules,
	type RetentionPolicy,
	type RetentionRule,
	retentionIdOf,
	type ScheduleType,
	scheduleTypeOf,
	scheduleTypes,
	useRetention,
	useRunRetention,
	useSaveRetention,
} from "../../api/retention.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { formatTime } from "../../components/format.ts";
import { ScheduleFields } from "../../components/schedule-fields.tsx";
import { RetentionRuleEditor } from "./retention-rule-editor.tsx";
import { RetentionRuns } from "./retention-runs.tsx";
import { ruleWords } from "./retention-words.ts";

/** What the caller may do: change the policy and run it for real (those who may delete artifacts), and dry-run it. */
export type RetentionAllowed = { manage: boolean; dryRun: boolean };

type Row = { rule: RetentionRule; index: number };

/**
 * The project's tag retention, as Harbor's portal shows it beside immutability: its rules in plain words (added,
 * edited, enabled or disabled and deleted by those who may delete artifacts), its schedule, dry runs and real runs, and
 * the runs with what each kept and deleted and why. The policy is the one the project's `retention_id` names; the
 * first rule or schedule saved creates it.
 */
export function RetentionSection({
	project,
	allowed,
}: {
	project: Project;
	allowed: RetentionAllowed;
}) {
	const { t } = useTranslation();
	const policyId = retentionIdOf(project.metadata);
	const policy = useRetention(policyId);
	return (
		<section aria-labelledby="retention-heading">
			<h2 id="retention-heading" className="mb-1 text-xl font-semibold">
				{t("retention.title")}
			</h2>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("retention.intro")}
			</p>
			{!allowed.manage && (
				<p
					role="note"
					className="mb-4 text-sm text-slate-600 dark:text-slate-300"
					data-testid="retention-read-only"
				>
					{t("retention.readOnly")}
				</p>
			)}
			<ErrorMessage error={policy.error} />
			{(policyId === undefined || policy.data) && (
				<Policy
					projectId={project.project_id}
					policy={policy.data}
					allowed={allowed}
				/>
			)}
		</section>
	);
}

function Policy({
	projectId,
	policy,
	allowed,
}: {
	projectId: number;
	policy: RetentionPolicy | undefined;
	allowed: RetentionAllowed;
}) {
	const { t } = useTranslation();
	const save = useSaveRetention();
	const toggle = useSaveRetention();
	const remove = useSaveRetention();
	const [editing, setEditing] = useState<Row | "new" | null>(null);
	const [deleting, setDeleting] = useState<Row | null>(null);
	const rules = useMemo(() => policy?.rules ?? [], [policy]);
	const cron = policy?.trigger.settings.cron ?? "";
	const full = rules.length >= maxRetentionRules;
	/** Saves the policy with `next` as its rules (its schedule kept). */
	const withRules = useCallback(
		(next: RetentionRule[]) => ({
			projectId,
			policyId: policy?.id,
			rules: next,
			cron,
		}),
		[projectId, policy?.id, cron],
	);

	const columns = useMemo(
		(): Column<Row>[] => [
			{
				id: "n",
				header: "#",
				meta: { className: "tabular-nums" },
				cell: ({ row }) => row.original.index + 1,
			},
			{
				id: "rule",
				header: t("retention.rule"),
				meta: { className: "min-w-[16rem]" },
				cell: ({ row }) => (
					<span data-testid="retention-rule-text">
						{ruleWords(t, row.original.rule)}
					</span>
				),
			},
			{
				id: "status",
				header: t("retention.status"),
				cell: ({ row }) => (
					<span
						data-testid="retention-rule-status"
						className={`whitespace-nowrap ${row.original.rule.disabled ? "text-slate-600 dark:text-slate-300" : "font-medium text-emerald-800 dark:text-emerald-300"}`}
					>
						{row.original.rule.disabled
							? t("retention.disabled")
							: t("retention.enabled")}
					</span>
				),
			},
			...(allowed.manage
				? [
						{
							id: "actions",
							header: t("common.actions"),
							meta: { className: "whitespace-nowrap text-right" },
							cell: ({ row }: { row: { original: Row } }) => {
								const { rule, index } = row.original;
								const n = index + 1;
								return (
									<div className="-my-1.5 flex justify-end gap-1">
										<Button
											variant="ghost"
											onClick={() => setEditing(row.original)}
											aria-label={t("retention.editNamed", { n })}
										>
											{t("common.edit")}
										</Button>
										<Button
											variant="ghost"
											disabled={toggle.isPending}
											aria-label={t(
												rule.disabled
													? "retention.enableNamed"
													: "retention.disableNamed",
												{ n },
											)}
											onClick={() =>
												toggle.mutate(
													withRules(
														rules.map((r, i) =>
															i === index ? { ...r, disabled: !r.disabled } : r,
														),
													),
												)
											}
										>
											{rule.disabled
												? t("retention.enable")
												: t("retention.disable")}
										</Button>
										<Button
											variant="ghost"
											onClick={() => setDeleting(row.original)}
											aria-label={t("retention.deleteNamed", { n })}
										>
											{t("common.delete")}
										</Button>
									</div>
								);
							},
						} satisfies Column<Row>,
					]
				: []),
		],
		[t, allowed.manage, toggle.isPending, toggle.mutate, rules, withRules],
	);

	const saveRule = (rule: RetentionRule) => {
		const next =
			editing === "new" || editing === null
				? [...rules, rule]
				: rules.map((r, i) => (i === editing.index ? rule : r));
		save.mutate(withRules(next), { onSuccess: () => setEditing(null) });
	};

	return (
		<div>
			<h3 className="mb-2 text-lg font-semibold">{t("retention.rules")}</h3>
			<div className="mb-3 flex flex-wrap items-center justify-between gap-3">
				<p className="text-sm text-slate-600 dark:text-slate-300">
					{t("retention.count", { n: rules.length, max: maxRetentionRules })}
				</p>
				{allowed.manage && (
					<Button
						onClick={() => {
							save.reset();
							setEditing("new");
						}}
						disabled={full}
						title={
							full ? t("retention.full", { max: maxRetentionRules }) : undefined
						}
					>
						{t("retention.add")}
					</Button>
				)}
			</div>
			<ErrorMessage error={toggle.error} />
			<DataTable<Row>
				label={t("retention.tableLabel")}
				columns={columns}
				rows={rules.map((rule, index) => ({ rule, index }))}
				rowKey={(r) => r.index}
				isPending={false}
				rowTestId="retention-rule-row"
				empty={
					<EmptyState title={t("retention.empty")}>
						{allowed.manage
							? t("retention.emptyHint")
							: t("retention.emptyReadOnly")}
					</EmptyState>
				}
			/>
			<div className="mt-6 grid gap-4 md:grid-cols-2">
				<Schedule
					projectId={projectId}
					policy={policy}
					editable={allowed.manage}
				/>
				<Run policy={policy} allowed={allowed} />
			</div>
			{policy && (
				<RetentionRuns policyId={policy.id} canStop={allowed.dryRun} />
			)}
			{editing && (
				<RetentionRuleEditor
					rule={editing === "new" ? undefined : editing.rule}
					onSave={saveRule}
					onClose={() => setEditing(null)}
					pending={save.isPending}
					error={save.error}
				/>
			)}
			<ConfirmDialog
				open={deleting !== null}
				title={t("retention.deleteTitle")}
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
						withRules(rules.filter((_, i) => i !== deleting.index)),
						{ onSuccess: () => setDeleting(null) },
					)
				}
			>
				<p>
					{deleting &&
						t("retention.deleteBody", {
							n: deleting.index + 1,
							rule: ruleWords(t, deleting.rule),
						})}
				</p>
			</ConfirmDialog>
		</div>
	);
}

/** When the policy runs by itself: none, a preset, or a cron; and when it runs next. Read-only for those who may not change it. */
function Schedule({
	projectId,
	policy,
	editable,
}: {
	projectId: number;
	policy: RetentionPolicy | undefined;
	editable: boolean;
}) {
	const { t, i18n } = useTranslation();
	const saved = policy?.trigger.settings.cron ?? "";
	const [type, setType] = useState<ScheduleType>(() => scheduleTypeOf(saved));
	const [custom, setCustom] = useState(saved);
	const [touched, setTouched] = useState(false);
	const save = useSaveRetention();
	const [done, setDone] = useState(false);
	// biome-ignore lint/correctness/useExhaustiveDependencies: an edit of the schedule hides the last "saved".
	useEffect(() => setDone(false), [type, custom]);
	const missing = type === "Custom" && !custom.trim();
	const next = policy?.trigger.next_scheduled_time;
	return (
		<form
			className="rounded border border-slate-200 p-4 dark:border-slate-700"
			data-testid="retention-schedule"
			noValidate
			onSubmit={(e) => {
				e.preventDefault();
				setTouched(true);
				if (missing) return;
				save.mutate(
					{
						projectId,
						policyId: policy?.id,
						rules: policy?.rules ?? [],
						cron: cronOfSchedule(type, custom),
					},
					{ onSuccess: () => setDone(true) },
				);
			}}
		>
			<h3 className="mb-3 text-lg font-semibold">{t("retention.schedule")}</h3>
			<ScheduleFields
				types={scheduleTypes}
				type={type}
				cron={custom}
				disabled={!editable}
				typeLabel={t("retention.scheduleType")}
				typeText={(x) => t(`retention.type.${x}`)}
				cronLabel={t("retention.cron")}
				cronHint={t("retention.cronHint")}
				cronError={touched && missing ? t("retention.cronRequired") : null}
				onType={(x) => {
					setType(x);
					if (x !== "Custom" && x !== "None") setCustom(cronOfSchedule(x, ""));
				}}
				onCron={setCustom}
			/>
			<p
				className="mt-2 text-sm text-slate-600 dark:text-slate-300"
				data-testid="retention-next-run"
			>
				{saved
					? next
						? t("retention.nextRun", { time: formatTime(next, i18n.language) })
						: t("retention.scheduledAt", { cron: saved })
					: t("retention.noSchedule")}
			</p>
			{editable && (
				<div className="mt-3 flex items-center gap-2">
					<Button type="submit" disabled={save.isPending}>
						{t("retention.saveSchedule")}
					</Button>
					<span
						role="status"
						className="text-sm text-emerald-700 dark:text-emerald-300"
					>
						{done ? t("retention.saved") : ""}
					</span>
				</div>
			)}
			<ErrorMessage error={save.error} />
		</form>
	);
}

/** Dry run (developers too) and Run now (those who may delete artifacts), which asks first and says that it deletes. */
function Run({
	policy,
	allowed,
}: {
	policy: RetentionPolicy | undefined;
	allowed: RetentionAllowed;
}) {
	const { t } = useTranslation();
	const run = useRunRetention();
	const [confirming, setConfirming] = useState(false);
	const runnable = !!policy && policy.rules.length > 0;
	if (!allowed.dryRun && !allowed.manage) return null;
	return (
		<div
			className="rounded border border-slate-200 p-4 dark:border-slate-700"
			data-testid="retention-run"
		>
			<h3 className="mb-3 text-lg font-semibold">
				{t("retention.runHeading")}
			</h3>
			<div className="flex flex-wrap gap-2">
				{allowed.dryRun && (
					<Button
						variant="secondary"
						disabled={!runnable || run.isPending}
						onClick={() => run.mutate({ policyId: policy!.id, dryRun: true })}
					>
						{t("retention.dryRun")}
					</Button>
				)}
				{allowed.manage && (
					<Button
						variant="danger"
						disabled={!runnable || run.isPending}
						onClick={() => {
							run.reset();
							setConfirming(true);
						}}
					>
						{t("retention.runNow")}
					</Button>
				)}
			</div>
			{!runnable && (
				<p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
					{t("retention.noRules")}
				</p>
			)}
			{!confirming && <ErrorMessage error={run.error} />}
			<ConfirmDialog
				open={confirming}
				title={t("retention.runTitle")}
				confirmLabel={t("retention.runConfirm")}
				pending={run.isPending}
				error={run.error}
				onClose={() => setConfirming(false)}
				onConfirm={() =>
					policy &&
					run.mutate(
						{ policyId: policy.id, dryRun: false },
						{ onSuccess: () => setConfirming(false) },
					)
				}
			>
				<p>{t("retention.runBody")}</p>
			</ConfirmDialog>
		</div>
	);
}
