import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useUpdateRepository } from "../../api/repositories.ts";
import { Button } from "../../components/button.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { inputClass } from "../../components/field.tsx";
import { Markdown } from "../../components/lazy-markdown.tsx";

/** The repository's description, shown as Markdown (raw HTML is never run) and edited as text where allowed. */
export function DescriptionEditor({
	project,
	repo,
	description,
	canEdit,
}: {
	project: string;
	repo: string;
	description: string;
	canEdit: boolean;
}) {
	const { t } = useTranslation();
	const id = useId();
	const [draft, setDraft] = useState<string | null>(null);
	const update = useUpdateRepository(project, repo);

	if (draft !== null) {
		return (
			<form
				onSubmit={(e) => {
					e.preventDefault();
					update.mutate(
						{ description: draft },
						{ onSuccess: () => setDraft(null) },
					);
				}}
			>
				<label htmlFor={id} className="block text-sm font-medium">
					{t("repositories.descriptionLabel")}
				</label>
				<textarea
					id={id}
					value={draft}
					onChange={(e) => setDraft(e.target.value)}
					rows={8}
					aria-describedby={`${id}-hint`}
					className={`mt-1 w-full font-mono ${inputClass}`}
				/>
				<p
					id={`${id}-hint`}
					className="mt-1 text-xs text-slate-600 dark:text-slate-300"
				>
					{t("repositories.descriptionHint")}
				</p>
				<ErrorMessage error={update.error} />
				<div className="mt-2 flex gap-2">
					<Button type="submit" disabled={update.isPending}>
						{t("common.save")}
					</Button>
					<Button
						variant="secondary"
						onClick={() => {
							update.reset();
							setDraft(null);
						}}
					>
						{t("common.cancel")}
					</Button>
				</div>
			</form>
		);
	}
	return (
		<div
			data-testid="repository-description"
			className="rounded border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
		>
			{description.trim() ? (
				<Markdown text={description} htmlAsText />
			) : (
				<p className="text-sm text-slate-600 dark:text-slate-300">
					{canEdit
						? t("repositories.noDescriptionEdit")
						: t("repositories.noDescription")}
				</p>
			)}
			{canEdit && (
				<Button
					variant="secondary"
					className="mt-3"
					onClick={() => setDraft(description)}
				>
					{t("repositories.editDescription")}
				</Button>
			)}
		</div>
	);
}
