import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAddLabelToArtifacts } from "../../api/artifact-labels.ts";
import {
	type Artifact,
	type BulkResult,
	useDeleteArtifacts,
} from "../../api/artifacts.ts";
import { errorText } from "../../api/client.ts";
import { type Label, useLabels } from "../../api/labels.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { inputClass } from "../../components/field.tsx";
import { shortDigest } from "../../components/format.ts";
import { LabelChip } from "../../components/label-chip.tsx";

/** How many labels of each scope the filter and the bulk picker offer (the label pages hold the rest). */
const labelChoices = 100;

/** The labels an artifact of this project may carry: the global ones, then the project's, by name. */
export function useLabelChoices(projectId: number | undefined) {
	const global = useLabels({
		scope: "g",
		page: 1,
		pageSize: labelChoices,
		sort: "name",
	});
	const local = useLabels(
		{ scope: "p", projectId, page: 1, pageSize: labelChoices, sort: "name" },
		projectId !== undefined,
	);
	return {
		labels: [...(global.data?.items ?? []), ...(local.data?.items ?? [])],
		error: global.error ?? local.error,
	};
}

/** Shows only the artifacts carrying one label (its id in the URL). */
export function LabelFilter({
	labels,
	value,
	onChange,
}: {
	labels: Label[];
	value: number | undefined;
	onChange: (id: number | undefined) => void;
}) {
	const { t } = useTranslation();
	return (
		<label className="block text-sm">
			<span className="block font-medium">{t("artifacts.filterByLabel")}</span>
			<select
				value={value ?? ""}
				onChange={(e) =>
					onChange(e.target.value ? Number(e.target.value) : undefined)
				}
				className={`mt-1 ${inputClass}`}
			>
				<option value="">{t("artifacts.anyLabel")}</option>
				{/* A label in the URL that is not among the choices (gone, or past the first hundred) still shows as chosen. */}
				{value !== undefined && !labels.some((l) => l.id === value) && (
					<option value={value}>#{value}</option>
				)}
				{labels.map((l) => (
					<option key={l.id} value={l.id}>
						{l.name}
						{l.scope === "g" ? "" : ` (${t("artifacts.labels.project")})`}
					</option>
				))}
			</select>
		</label>
	);
}

/** What a change to several artifacts did, in words: how many, and each refusal with its artifact. */
function BulkOutcome({
	result,
	doneKey,
}: {
	result: BulkResult;
	doneKey: string;
}) {
	const { t } = useTranslation();
	return (
		<div role="status" className="text-sm">
			<p>{t(doneKey, { count: result.done.length })}</p>
			{result.failed.length > 0 && (
				<ul
					role="alert"
					className="mt-2 space-y-1 text-red-800 dark:text-red-200"
				>
					{result.failed.map((f) => (
						<li key={f.digest}>
							<span className="font-mono">{shortDigest(f.digest)}</span>:{" "}
							{errorText(f.error)}
						</li>
					))}
				</ul>
			)}
		</div>
	);
}

/**
 * The bar over the artifact list while some are selected: how many, delete them, add a label to them, clear. It stays
 * while its dialog is open, so the outcome shows after the list has refreshed.
 */
export function BulkActions({
	project,
	repo,
	selected,
	labels,
	canDelete,
	canLabel,
	onClear,
}: {
	project: string;
	repo: string;
	selected: Artifact[];
	labels: Label[];
	canDelete: boolean;
	canLabel: boolean;
	onClear: () => void;
}) {
	const { t } = useTranslation();
	const [dialog, setDialog] = useState<"delete" | "label" | null>(null);
	// How many the open dialog is about, kept while the list refreshes under it (what was deleted leaves the selection).
	const [count, setCount] = useState(0);
	const openDialog = (d: "delete" | "label") => {
		setCount(selected.length);
		setDialog(d);
	};
	const [labelId, setLabelId] = useState<number | undefined>(undefined);
	const del = useDeleteArtifacts(project, repo);
	const label = useAddLabelToArtifacts(project, repo);
	const close = () => {
		// Once something was done, what was selected is gone or changed: start afresh.
		if (del.data || label.data) onClear();
		setDialog(null);
		del.reset();
		label.reset();
	};
	const tagged = selected.filter((a) => a.tags?.length);
	const chosen = labels.find((l) => l.id === labelId);
	if (selected.length === 0 && dialog === null) return null;
	// Those already carrying the label are left as they are (adding it again is refused).
	const toLabel = selected.filter(
		(a) => !a.labels?.some((l) => l.id === labelId),
	);
	return (
		// biome-ignore lint/a11y/useSemanticElements: a labelled toolbar region inside the list, not a page section.
		<div
			role="region"
			aria-label={t("artifacts.bulk.region")}
			className="mb-3 flex flex-wrap items-center gap-2 rounded border border-slate-300 bg-slate-50 px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
		>
			<span data-testid="selected-count" className="font-medium">
				{t("artifacts.bulk.selected", { count: selected.length })}
			</span>
			{canLabel && (
				<Button
					variant="secondary"
					className="py-1! text-xs"
					onClick={() => {
						setLabelId(undefined);
						openDialog("label");
					}}
				>
					{t("artifacts.bulk.addLabel")}
				</Button>
			)}
			{canDelete && (
				<Button
					variant="danger"
					className="py-1! text-xs"
					onClick={() => openDialog("delete")}
				>
					{t("artifacts.bulk.delete")}
				</Button>
			)}
			<Button variant="ghost" className="py-1! text-xs" onClick={onClear}>
				{t("artifacts.bulk.clear")}
			</Button>

			{del.data ? (
				<Dialog
					open={dialog === "delete"}
					title={t("artifacts.bulk.deleteTitle", { count })}
					onClose={close}
				>
					<BulkOutcome result={del.data} doneKey="artifacts.bulk.deleted" />
					<div className="mt-4 flex justify-end">
						<Button onClick={close}>{t("common.close")}</Button>
					</div>
				</Dialog>
			) : (
				<ConfirmDialog
					open={dialog === "delete"}
					title={t("artifacts.bulk.deleteTitle", { count })}
					confirmLabel={t("common.delete")}
					pending={del.isPending}
					error={del.error}
					onClose={close}
					onConfirm={() => del.mutate(selected.map((a) => a.digest))}
				>
					<p>{t("artifacts.bulk.deleteBody", { count: selected.length })}</p>
					<ul className="mt-2 max-h-40 overflow-y-auto font-mono text-xs">
						{selected.map((a) => (
							<li key={a.id}>
								{shortDigest(a.digest)}
								{a.tags?.length
									? ` (${a.tags.map((x) => x.name).join(", ")})`
									: ""}
							</li>
						))}
					</ul>
					{tagged.length > 0 && (
						<p className="mt-2">
							{t("artifacts.bulk.deleteTags", { count: tagged.length })}
						</p>
					)}
				</ConfirmDialog>
			)}

			<Dialog
				open={dialog === "label"}
				title={t("artifacts.bulk.labelTitle", { count })}
				onClose={close}
			>
				{label.data ? (
					<>
						<BulkOutcome
							result={label.data}
							doneKey="artifacts.bulk.labelled"
						/>
						<div className="mt-4 flex justify-end">
							<Button onClick={close}>{t("common.close")}</Button>
						</div>
					</>
				) : (
					<form
						onSubmit={(e) => {
							e.preventDefault();
							if (labelId)
								label.mutate({
									digests: toLabel.map((a) => a.digest),
									labelId,
								});
						}}
					>
						{labels.length === 0 ? (
							<p className="text-sm">{t("artifacts.labels.noneToPick")}</p>
						) : (
							<fieldset className="max-h-72 space-y-1 overflow-y-auto text-sm">
								<legend className="mb-1 font-medium">
									{t("artifacts.bulk.chooseLabel")}
								</legend>
								{labels.map((l) => (
									<label
										key={l.id}
										className="flex items-center gap-2 rounded px-1 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
									>
										<input
											type="radio"
											name="bulk-label"
											checked={labelId === l.id}
											onChange={() => setLabelId(l.id)}
										/>
										<LabelChip label={l} />
										<span className="text-xs text-slate-600 dark:text-slate-300">
											{l.scope === "g"
												? t("artifacts.labels.global")
												: t("artifacts.labels.project")}
										</span>
									</label>
								))}
							</fieldset>
						)}
						{chosen && toLabel.length < selected.length && (
							<p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
								{t("artifacts.bulk.alreadyLabelled", {
									count: selected.length - toLabel.length,
									label: chosen.name,
								})}
							</p>
						)}
						<DialogActions
							error={label.error}
							pending={label.isPending}
							disabled={!labelId || toLabel.length === 0}
							submitLabel={t("artifacts.bulk.addLabelTo", {
								count: toLabel.length,
							})}
							onCancel={close}
						/>
					</form>
				)}
			</Dialog>
		</div>
	);
}
