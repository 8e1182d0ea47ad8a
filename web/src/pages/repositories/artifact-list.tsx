import { useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
	type Artifact,
	artifactListDefaults,
	artifactListParams,
	scanOf,
	useArtifacts,
	useDeleteArtifact,
} from "../../api/artifacts.ts";
import { paths } from "../../app/paths.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { CopyButton } from "../../components/copy-button.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import {
	formatBytes,
	formatTime,
	shortDigest,
} from "../../components/format.ts";
import { named } from "../../components/named.tsx";
import { SeverityBar } from "../../components/severity-bar.tsx";
import { useListParams } from "../../components/use-list-params.ts";
import { BulkActions, LabelFilter, useLabelChoices } from "./artifact-bulk.tsx";
import { CopyArtifactButton } from "./copy-artifact.tsx";
import { LabelEditor } from "./label-editor.tsx";
import { PlatformList } from "./platform-list.tsx";
import { PullCommandButton } from "./pull-command.tsx";
import { ScanControls, scannable } from "./scan-controls.tsx";
import { TagEditor } from "./tag-editor.tsx";

export type ArtifactPermissions = {
	deleteArtifact: boolean;
	createTag: boolean;
	deleteTag: boolean;
	addLabel: boolean;
	removeLabel: boolean;
	/** Pull from here (to copy elsewhere; the target's push right is the server's to check). */
	copy: boolean;
};

export const isSigned = (a: Artifact) =>
	!!a.accessories?.some((x) => x.type.startsWith("signature."));

/**
 * A repository's artifacts, one request per page (tags, labels and accessories included): digest, tags, type, size,
 * labels, signed, push and pull time; an index opens to its platforms; pull commands, tags, labels and delete where
 * the user may. Filter by tag or label and choose the page size (all in the URL); select several to delete them or add
 * a label to them at once.
 */
export function ArtifactList({
	project,
	repo,
	projectId,
	can,
}: {
	project: string;
	repo: string;
	projectId: number | undefined;
	can: ArtifactPermissions;
}) {
	const { t, i18n } = useTranslation();
	const list = useListParams(artifactListDefaults);
	const tagFilter = list.filter("tag");
	const labelFilter = Number(list.filter("label")) || undefined;
	const q = useArtifacts(project, repo, artifactListParams(list));
	const labelChoices = useLabelChoices(projectId);
	const [open, setOpen] = useState<Set<number>>(new Set());
	// Selected by digest; only what this page shows counts (another page, filter or a deletion leaves the rest behind).
	const [picked, setPicked] = useState<Set<string>>(new Set());
	const rows = q.data?.items;
	const selected = useMemo(
		() =>
			(q.isPlaceholderData ? [] : (rows ?? [])).filter((a) =>
				picked.has(a.digest),
			),
		[rows, picked, q.isPlaceholderData],
	);
	const selectable = can.deleteArtifact || can.addLabel;
	const pick = (digest: string, on: boolean) =>
		setPicked((s) => {
			const n = new Set(s);
			if (on) n.add(digest);
			else n.delete(digest);
			return n;
		});
	const allPicked = !!rows?.length && rows.every((a) => picked.has(a.digest));
	// The checkboxes read the selection from here, so the columns stay the same objects as it changes (new columns would
	// be new cell components: every cell remounted, an open label picker closed, a focused button lost).
	const selection = useRef({ picked, rows, allPicked });
	selection.current = { picked, rows, allPicked };
	const [deleting, setDeleting] = useState<Artifact | null>(null);
	const del = useDeleteArtifact(project, repo);
	const toggle = (id: number) =>
		setOpen((s) => {
			const n = new Set(s);
			if (n.has(id)) n.delete(id);
			else n.add(id);
			return n;
		});

	// biome-ignore lint/correctness/useExhaustiveDependencies: kept the same objects on purpose (above); pick, toggle and del.reset only set state.
	const columns = useMemo<Column<Artifact>[]>(
		() => [
			...(selectable
				? [
						{
							id: "select",
							meta: { className: "w-6" },
							header: () => (
								<input
									type="checkbox"
									checked={selection.current.allPicked}
									aria-label={t("artifacts.bulk.selectPage")}
									disabled={!selection.current.rows?.length}
									onChange={(e) =>
										setPicked(
											e.target.checked
												? new Set(selection.current.rows!.map((a) => a.digest))
												: new Set(),
										)
									}
								/>
							),
							cell: ({ row: { original: a } }) => (
								<input
									type="checkbox"
									checked={selection.current.picked.has(a.digest)}
									aria-label={t("artifacts.bulk.select", {
										digest: shortDigest(a.digest),
									})}
									onChange={(e) => pick(a.digest, e.target.checked)}
									className="mt-1"
								/>
							),
						} satisfies Column<Artifact>,
					]
				: []),
			{
				id: "digest",
				header: t("artifacts.col.digest"),
				meta: { sortKey: "digest" },
				cell: ({ row: { original: a } }) => (
					<div className="flex items-center gap-2 whitespace-nowrap">
						{a.references?.length ? (
							<button
								type="button"
								aria-expanded={open.has(a.id)}
								onClick={() => toggle(a.id)}
								aria-label={t("artifacts.platforms.toggle", {
									count: a.references.length,
									digest: a.digest,
								})}
								className="w-5 rounded text-center hover:bg-slate-200 dark:hover:bg-slate-800"
							>
								{open.has(a.id) ? "▾" : "▸"}
							</button>
						) : (
							<span className="w-5" />
						)}
						<Link
							to={paths.artifact.href(project, repo, a.digest)}
							title={a.digest}
							className="font-mono text-xs text-[#0f4c81] underline dark:text-sky-300"
						>
							{shortDigest(a.digest)}
						</Link>
						<CopyButton text={a.digest} label={t("artifacts.copyDigest")} />
					</div>
				),
			},
			{
				id: "tags",
				header: t("artifacts.col.tags"),
				cell: ({ row: { original: a } }) => (
					<TagEditor
						project={project}
						repo={repo}
						digest={a.digest}
						tags={(a.tags ?? []).map((x) => x.name)}
						locked={(a.tags ?? [])
							.filter((x) => x.immutable)
							.map((x) => x.name)}
						canCreate={can.createTag}
						canDelete={can.deleteTag}
					/>
				),
			},
			{
				id: "type",
				header: t("artifacts.col.type"),
				meta: { sortKey: "type" },
				cell: ({ row: { original: a } }) => (
					<span className="whitespace-nowrap">
						{a.type}
						{a.references?.length ? (
							<span className="ml-1 text-xs text-slate-600 dark:text-slate-300">
								{t("artifacts.platforms.count", { count: a.references.length })}
							</span>
						) : null}
					</span>
				),
			},
			{
				id: "size",
				header: t("artifacts.col.size"),
				meta: { sortKey: "size", className: "whitespace-nowrap" },
				cell: ({ row }) => formatBytes(row.original.size),
			},
			{
				id: "labels",
				header: t("artifacts.col.labels"),
				cell: ({ row: { original: a } }) => (
					<LabelEditor
						project={project}
						repo={repo}
						projectId={projectId}
						digest={a.digest}
						labels={a.labels ?? []}
						canAdd={can.addLabel}
						canRemove={can.removeLabel}
					/>
				),
			},
			{
				id: "signed",
				header: t("artifacts.col.signed"),
				cell: ({ row: { original: a } }) =>
					isSigned(a) ? (
						<span className="whitespace-nowrap text-green-800 dark:text-green-300">
							✓ {t("artifacts.signed")}
						</span>
					) : (
						<span className="whitespace-nowrap text-slate-600 dark:text-slate-300">
							{t("artifacts.unsigned")}
						</span>
					),
			},
			{
				id: "vulnerabilities",
				header: t("scanning.title"),
				cell: ({ row: { original: a } }) =>
					scannable(a) ? (
						<div className="space-y-1">
							<SeverityBar scan={scanOf(a)} />
							<ScanControls
								project={project}
								repo={repo}
								projectId={projectId}
								artifact={a}
								small
							/>
						</div>
					) : null,
			},
			{
				id: "push_time",
				header: t("artifacts.col.pushed"),
				meta: { sortKey: "push_time" },
				cell: ({ row }) => formatTime(row.original.push_time, i18n.language),
			},
			{
				id: "pull_time",
				header: t("artifacts.col.pulled"),
				meta: { sortKey: "pull_time" },
				cell: ({ row }) => formatTime(row.original.pull_time, i18n.language),
			},
			{
				id: "actions",
				header: () => <span className="sr-only">{t("common.actions")}</span>,
				cell: ({ row: { original: a } }) => (
					<div className="flex flex-col items-stretch gap-1 whitespace-nowrap">
						<PullCommandButton
							target={{
								project,
								repo,
								digest: a.digest,
								tags: (a.tags ?? []).map((x) => x.name),
								type: a.type,
							}}
						/>
						{can.copy && (
							<CopyArtifactButton
								source={{ project, repo, digest: a.digest }}
								compact
							/>
						)}
						{can.deleteArtifact && (
							<Button
								variant="secondary"
								className="px-2! py-0.5! text-xs"
								onClick={() => {
									del.reset();
									setDeleting(a);
								}}
							>
								{named(t("common.delete"), shortDigest(a.digest))}
							</Button>
						)}
					</div>
				),
			},
		],
		[t, i18n.language, project, repo, projectId, can, open, selectable],
	);

	return (
		<div>
			<div className="mb-3 flex flex-wrap items-end gap-3">
				<FilterInput
					label={t("artifacts.filterByTag")}
					value={tagFilter}
					onCommit={(v) => list.update({ tag: v })}
				/>
				<LabelFilter
					labels={labelChoices.labels}
					value={labelFilter}
					onChange={(id) => list.update({ label: id })}
				/>
			</div>
			{selectable && (
				<BulkActions
					project={project}
					repo={repo}
					selected={selected}
					labels={labelChoices.labels}
					canDelete={can.deleteArtifact}
					canLabel={can.addLabel}
					onClear={() => setPicked(new Set())}
				/>
			)}
			<DataTable
				label={t("artifacts.tableLabel")}
				columns={columns}
				rows={rows}
				rowKey={(a) => a.id}
				isPending={q.isPending}
				isPlaceholderData={q.isPlaceholderData}
				error={q.error}
				total={q.data?.total}
				{...list.tableProps}
				onPageSize={list.setPageSize}
				rowTestId="artifact-row"
				expanded={(a) =>
					a.references?.length && open.has(a.id) ? (
						<PlatformList
							project={project}
							repo={repo}
							index={a.digest}
							references={a.references}
						/>
					) : null
				}
				empty={
					<EmptyState
						title={t(
							labelFilter
								? "artifacts.emptyFilters"
								: tagFilter
									? "artifacts.emptyFiltered"
									: "artifacts.empty",
						)}
					>
						{!tagFilter && !labelFilter && <p>{t("artifacts.emptyHint")}</p>}
					</EmptyState>
				}
			/>
			<ConfirmDialog
				open={deleting !== null}
				title={t("artifacts.deleteTitle")}
				confirmLabel={t("common.delete")}
				pending={del.isPending}
				error={del.error}
				onClose={() => setDeleting(null)}
				onConfirm={() =>
					deleting &&
					del.mutate(deleting.digest, { onSuccess: () => setDeleting(null) })
				}
			>
				<p>{t("artifacts.deleteBody", { digest: deleting?.digest ?? "" })}</p>
				{deleting?.tags?.length ? (
					<p className="mt-2">
						{t("artifacts.deleteTags", {
							tags: deleting.tags.map((x) => x.name).join(", "),
						})}
					</p>
				) : null}
			</ConfirmDialog>
		</div>
	);
}
