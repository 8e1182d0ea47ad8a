import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	useAddArtifactLabel,
	useRemoveArtifactLabel,
} from "../../api/artifact-labels.ts";
import { type Label, useLabels } from "../../api/labels.ts";
import { Dialog } from "../../components/dialog.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { inputClass } from "../../components/field.tsx";
import { LabelChip } from "../../components/label-chip.tsx";
import { useDebounced } from "../../components/use-debounced.ts";

type Props = {
	project: string;
	repo: string;
	projectId: number | undefined;
	digest: string;
	labels: Label[];
	canAdd: boolean;
	canRemove: boolean;
};

/** An artifact's labels: remove one from its chip, add or remove from a picker of global and project labels. */
export function LabelEditor(p: Props) {
	const { t } = useTranslation();
	const [picking, setPicking] = useState(false);
	const remove = useRemoveArtifactLabel(p.project, p.repo);
	return (
		<div className="flex flex-wrap items-center gap-1">
			{p.labels.map((l) => (
				<LabelChip
					key={l.id}
					label={l}
					removeLabel={t("artifacts.labels.remove", { label: l.name })}
					onRemove={
						p.canRemove
							? () => remove.mutate({ digest: p.digest, labelId: l.id })
							: undefined
					}
				/>
			))}
			{(p.canAdd || (p.canRemove && p.labels.length > 0)) && (
				<button
					type="button"
					onClick={() => setPicking(true)}
					aria-label={t("artifacts.labels.editFor", { digest: p.digest })}
					className="whitespace-nowrap rounded border border-dashed border-slate-400 px-1.5 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-500 dark:hover:bg-slate-800"
				>
					{t("artifacts.labels.edit")}
				</button>
			)}
			<ErrorMessage error={remove.error} />
			{picking && <LabelPicker {...p} onClose={() => setPicking(false)} />}
		</div>
	);
}

/** How many labels of each scope the picker lists; typing narrows them on the server. */
const pickerPageSize = 50;

function LabelPicker(p: Props & { onClose: () => void }) {
	const { t } = useTranslation();
	const [filter, setFilter] = useState("");
	// The server filters by name (any label of either scope can be found, however many there are), once typing pauses.
	const name = useDebounced(filter.trim(), 300) || undefined;
	const global = useLabels({
		scope: "g",
		page: 1,
		pageSize: pickerPageSize,
		name,
		sort: "name",
	});
	const local = useLabels(
		{
			scope: "p",
			projectId: p.projectId,
			page: 1,
			pageSize: pickerPageSize,
			name,
			sort: "name",
		},
		p.projectId !== undefined,
	);
	const add = useAddArtifactLabel(p.project, p.repo);
	const remove = useRemoveArtifactLabel(p.project, p.repo);
	const attached = new Set(p.labels.map((l) => l.id));
	// A project label query that never runs (no project id yet) is not "loading".
	const loading =
		global.isPending || (p.projectId !== undefined && local.isPending);
	const all = [...(global.data?.items ?? []), ...(local.data?.items ?? [])];
	const more =
		(global.data ? global.data.total - global.data.items.length : 0) +
		(local.data ? local.data.total - local.data.items.length : 0);
	const pending = add.isPending || remove.isPending;
	const toggle = (l: Label) =>
		(attached.has(l.id) ? remove : add).mutate({
			digest: p.digest,
			labelId: l.id,
		});
	return (
		<Dialog open title={t("artifacts.labels.pickerTitle")} onClose={p.onClose}>
			<label className="mb-3 block text-sm">
				<span className="font-medium">{t("artifacts.labels.filter")}</span>
				<input
					type="search"
					value={filter}
					onChange={(e) => setFilter(e.target.value)}
					autoFocus
					className={`mt-1 w-full ${inputClass}`}
				/>
			</label>
			<ErrorMessage
				error={global.error ?? local.error ?? add.error ?? remove.error}
			/>
			{loading && <p className="text-sm">{t("common.loading")}</p>}
			{!loading && all.length === 0 && (
				<p className="text-sm text-slate-600 dark:text-slate-300">
					{name
						? t("artifacts.labels.noMatch")
						: t("artifacts.labels.noneToPick")}
				</p>
			)}
			<ul className="max-h-80 space-y-1 overflow-y-auto">
				{all.map((l) => (
					<li key={l.id}>
						<label className="flex items-center gap-2 rounded px-1 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
							<input
								type="checkbox"
								checked={attached.has(l.id)}
								disabled={
									(attached.has(l.id) ? !p.canRemove : !p.canAdd) || pending
								}
								onChange={() => toggle(l)}
							/>
							<LabelChip label={l} />
							<span className="text-xs text-slate-600 dark:text-slate-300">
								{l.scope === "g"
									? t("artifacts.labels.global")
									: t("artifacts.labels.project")}
							</span>
						</label>
					</li>
				))}
			</ul>
			{more > 0 && (
				<p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
					{t("artifacts.labels.more", { count: more })}
				</p>
			)}
		</Dialog>
	);
}
