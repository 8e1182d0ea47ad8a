import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	tagNamePattern,
	useAddTag,
	useDeleteTag,
} from "../../api/artifact-tags.ts";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field } from "../../components/field.tsx";

type Props = {
	project: string;
	repo: string;
	digest: string;
	tags: string[];
	/** Tags an immutability rule holds: marked with a lock (deleting one is refused by the server, which says why). */
	locked?: string[];
	canCreate: boolean;
	canDelete: boolean;
	/** Told after a tag is deleted (the artifact page leaves a URL named by that tag). */
	onDeleted?: (tag: string) => void;
};

/** An artifact's tags as chips: remove one (asked first) and add one, each only when allowed. */
export function TagEditor(p: Props) {
	const { t } = useTranslation();
	const [removing, setRemoving] = useState<string | null>(null);
	const [adding, setAdding] = useState(false);
	const del = useDeleteTag(p.project, p.repo);
	return (
		<div className="flex flex-wrap items-center gap-1">
			{p.tags.length === 0 && (
				<span className="text-slate-600 dark:text-slate-300">
					{t("artifacts.tags.none")}
				</span>
			)}
			{p.tags.map((tag) => (
				<span
					key={tag}
					className="inline-flex items-center gap-1 rounded bg-sky-100 px-1.5 py-0.5 font-mono text-xs text-sky-900 dark:bg-sky-900 dark:text-sky-100"
				>
					<span>{tag}</span>
					{p.locked?.includes(tag) && (
						<span
							role="img"
							data-testid="tag-immutable"
							aria-label={t("artifacts.tags.immutable")}
							title={t("artifacts.tags.immutable")}
						>
							🔒
						</span>
					)}
					{p.canDelete && (
						<button
							type="button"
							aria-label={t("artifacts.tags.remove", { tag })}
							title={t("artifacts.tags.remove", { tag })}
							className="rounded px-0.5 hover:bg-sky-200 dark:hover:bg-sky-800"
							onClick={() => {
								del.reset();
								setRemoving(tag);
							}}
						>
							✕
						</button>
					)}
				</span>
			))}
			{p.canCreate && (
				<button
					type="button"
					onClick={() => setAdding(true)}
					aria-label={t("artifacts.tags.addTo", { digest: p.digest })}
					className="whitespace-nowrap rounded border border-dashed border-slate-400 px-1.5 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-500 dark:hover:bg-slate-800"
				>
					{t("artifacts.tags.add")}
				</button>
			)}
			<ConfirmDialog
				open={removing !== null}
				title={t("artifacts.tags.removeTitle")}
				confirmLabel={t("common.delete")}
				pending={del.isPending}
				error={del.error}
				onClose={() => setRemoving(null)}
				onConfirm={() =>
					removing &&
					del.mutate(
						{ digest: p.digest, name: removing },
						{
							onSuccess: () => {
								const tag = removing;
								setRemoving(null);
								p.onDeleted?.(tag);
							},
						},
					)
				}
			>
				{t("artifacts.tags.removeBody", { tag: removing ?? "" })}
			</ConfirmDialog>
			{adding && <AddTagDialog {...p} onClose={() => setAdding(false)} />}
		</div>
	);
}

function AddTagDialog(p: Props & { onClose: () => void }) {
	const { t } = useTranslation();
	const [name, setName] = useState("");
	const add = useAddTag(p.project, p.repo);
	const invalid = name !== "" && !tagNamePattern.test(name);
	const submit = (e: FormEvent) => {
		e.preventDefault();
		if (!name || invalid) return;
		add.mutate({ digest: p.digest, name }, { onSuccess: p.onClose });
	};
	return (
		<Dialog open title={t("artifacts.tags.addTitle")} onClose={p.onClose}>
			<form onSubmit={submit}>
				<Field
					label={t("artifacts.tags.name")}
					value={name}
					onChange={(e) => setName(e.target.value.trim())}
					autoFocus
					required
					hint={t("artifacts.tags.hint")}
					error={invalid ? t("artifacts.tags.invalid") : null}
				/>
				<DialogActions
					error={add.error}
					pending={add.isPending}
					disabled={!name || invalid}
					submitLabel={t("artifacts.tags.addSubmit")}
					onCancel={p.onClose}
				/>
			</form>
		</Dialog>
	);
}
