import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import {
	type ImmutableRule,
	inputOf,
	useDeleteImmutableRule,
	useImmutableRules,
	useUpdateImmutableRule,
} from "../../api/immutable-rules.ts";
import { useProjectPermissions } from "../../api/permissions.ts";
import { useProject } from "../../api/projects.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { ImmutableRuleEditor } from "./immutable-rule-editor.tsx";
import { RetentionSection } from "./retention-section.tsx";

/** Harbor allows this many rules in a project (the server refuses the next). */
const maxRules = 15;

/**
 * The project's policies, as Harbor's portal groups them: tag immutability (rules listed in priority order; add,
 * edit, disable, delete for project admins and maintainers) and tag retention (developers see it and dry-run it).
 * Each shows to those who may see it.
 */
export default function ProjectPolicyTab() {
	const { t } = useTranslation();
	const name = useParams().project ?? "";
	const project = useProject(name);
	const { can } = useProjectPermissions(project.data?.project_id);
	return (
		<div className="space-y-10">
			<ErrorMessage error={project.error} />
			{project.data && can("immutable-tag", "list") && (
				<section aria-labelledby="immutable-heading">
					<h2 id="immutable-heading" className="mb-1 text-xl font-semibold">
						{t("immutable.title")}
					</h2>
					<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
						{t("immutable.intro")}
					</p>
					<ImmutableRules
						project={project.data.name}
						allowed={{
							create: can("immutable-tag", "create"),
							update: can("immutable-tag", "update"),
							delete: can("immutable-tag", "delete"),
						}}
					/>
				</section>
			)}
			{project.data && can("tag-retention", "read") && (
				<RetentionSection
					project={project.data}
					allowed={{
						manage: can("tag-retention", "update") && can("artifact", "delete"),
						dryRun: can("tag-retention", "operate"),
					}}
				/>
			)}
		</div>
	);
}

type Allowed = { create: boolean; update: boolean; delete: boolean };

function ImmutableRules({
	project,
	allowed,
}: {
	project: string;
	allowed: Allowed;
}) {
	const { t } = useTranslation();
	const { data, isPending, error } = useImmutableRules({
		project,
		page: 1,
		pageSize: maxRules,
	});
	const [editing, setEditing] = useState<ImmutableRule | "new" | null>(null);
	const [deleting, setDeleting] = useState<ImmutableRule | null>(null);
	const remove = useDeleteImmutableRule(project);
	const toggle = useUpdateImmutableRule(project);
	const full = (data?.total ?? 0) >= maxRules;
	const says = (x: { key: string; pattern: string }) =>
		t(x.key, { pattern: x.pattern });

	const columns = useMemo(
		(): Column<ImmutableRule>[] => [
			{
				id: "repositories",
				header: t("immutable.repositories"),
				cell: ({ row }) => <Selector text={scopeText(row.original)} />,
			},
			{
				id: "tags",
				header: t("immutable.tags"),
				cell: ({ row }) => <Selector text={tagText(row.original)} />,
			},
			{
				id: "status",
				header: t("immutable.status"),
				cell: ({ row }) => (
					<span
						data-testid="immutable-status"
						className={`whitespace-nowrap ${row.original.disabled ? "text-slate-600 dark:text-slate-300" : "font-medium text-emerald-800 dark:text-emerald-300"}`}
					>
						{row.original.disabled
							? t("immutable.disabled")
							: t("immutable.enabled")}
					</span>
				),
			},
			...(allowed.update || allowed.delete
				? [
						{
							id: "actions",
							header: t("common.actions"),
							meta: { className: "whitespace-nowrap text-right" },
							cell: ({ row }: { row: { original: ImmutableRule } }) => {
								const r = row.original;
								return (
									<div className="-my-1.5 flex justify-end gap-1">
										{allowed.update && (
											<>
												<Button
													variant="ghost"
													onClick={() => setEditing(r)}
													aria-label={t("immutable.editNamed", { id: r.id })}
												>
													{t("common.edit")}
												</Button>
												<Button
													variant="ghost"
													disabled={toggle.isPending}
													onClick={() =>
														toggle.mutate({
															rule: r,
															input: inputOf(r),
															disabled: !r.disabled,
														})
													}
													aria-label={t(
														r.disabled
															? "immutable.enableNamed"
															: "immutable.disableNamed",
														{ id: r.id },
													)}
												>
													{r.disabled
														? t("immutable.enable")
														: t("immutable.disable")}
												</Button>
											</>
										)}
										{allowed.delete && (
											<Button
												variant="ghost"
												onClick={() => setDeleting(r)}
												aria-label={t("immutable.deleteNamed", { id: r.id })}
											>
												{t("common.delete")}
											</Button>
										)}
									</div>
								);
							},
						} satisfies Column<ImmutableRule>,
					]
				: []),
		],
		[t, allowed.update, allowed.delete, toggle],
	);

	return (
		<div>
			<div className="mb-3 flex flex-wrap items-center justify-between gap-3">
				<p className="text-sm text-slate-600 dark:text-slate-300">
					{t("immutable.count", { n: data?.total ?? 0, max: maxRules })}
				</p>
				{allowed.create && (
					<Button
						onClick={() => setEditing("new")}
						disabled={full}
						title={full ? t("immutable.full", { max: maxRules }) : undefined}
					>
						{t("immutable.add")}
					</Button>
				)}
			</div>
			<ErrorMessage error={toggle.error} />
			<DataTable<ImmutableRule>
				label={t("immutable.tableLabel")}
				columns={columns}
				rows={data?.items}
				rowKey={(r) => r.id}
				isPending={isPending}
				error={error}
				rowTestId="immutable-rule-row"
				empty={
					<EmptyState title={t("immutable.empty")}>
						{allowed.create
							? t("immutable.emptyHint")
							: t("immutable.emptyReadOnly")}
					</EmptyState>
				}
			/>
			{editing && (
				<ImmutableRuleEditor
					project={project}
					rule={editing === "new" ? undefined : editing}
					onClose={() => setEditing(null)}
				/>
			)}
			<ConfirmDialog
				open={deleting !== null}
				title={t("immutable.deleteTitle")}
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
				<p>
					{deleting &&
						t("immutable.deleteBody", {
							repositories: says(scopeText(deleting)),
							tags: says(tagText(deleting)),
						})}
				</p>
			</ConfirmDialog>
		</div>
	);
}

/** How a rule's selectors read: a translation key and the pattern it names. */
const scopeText = (r: ImmutableRule) => {
	const s = r.scope_selectors.repository[0];
	return {
		key:
			s?.decoration === "repoExcludes"
				? "immutable.repoExcludesPattern"
				: "immutable.repoMatchesPattern",
		pattern: s?.pattern ?? "",
	};
};

const tagText = (r: ImmutableRule) => {
	const s = r.tag_selectors[0];
	return {
		key:
			s?.decoration === "excludes"
				? "immutable.tagExcludesPattern"
				: "immutable.tagMatchesPattern",
		pattern: s?.pattern ?? "",
	};
};

/** A selector in words, its pattern in monospace. */
function Selector({ text }: { text: { key: string; pattern: string } }) {
	const { t } = useTranslation();
	return (
		<span className="break-all font-mono text-xs">
			{t(text.key, { pattern: text.pattern })}
		</span>
	);
}
