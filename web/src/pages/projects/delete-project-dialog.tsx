import { useTranslation } from "react-i18next";
import { useDeleteProject, useProjectDeletable } from "../../api/projects.ts";
import { Button } from "../../components/button.tsx";
import { Dialog } from "../../components/dialog.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { knownServerWords } from "../../components/server-words.ts";

/**
 * Deleting a project: asks Harbor first whether it can be deleted (`_deletable`) and, when it cannot, says why instead
 * of offering the button. The DELETE may still be refused (412) if something was pushed meanwhile: that reason is shown too.
 */
export function DeleteProjectDialog({
	project,
	onClose,
}: {
	project: { project_id: number; name: string } | null;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const check = useProjectDeletable(project?.project_id);
	const remove = useDeleteProject();
	const close = () => {
		remove.reset();
		onClose();
	};
	const name = project?.name ?? "";
	const blocked = check.data && !check.data.deletable;

	return (
		<Dialog
			open={project !== null}
			title={t("projects.delete.title", { name })}
			onClose={close}
		>
			<div className="text-sm" aria-live="polite">
				{check.isPending && <p>{t("projects.delete.checking")}</p>}
				{check.data?.deletable && (
					<p>{t("projects.delete.confirm", { name })}</p>
				)}
				{blocked && (
					<p
						role="alert"
						data-testid="not-deletable"
						className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
					>
						{/* The server's reason already says it cannot be deleted: shown once, in plain words when the console knows it. */}
						{knownServerWords(check.data!.message, t) ??
							(check.data!.message ||
								t("projects.delete.blockedNoReason", { name }))}
					</p>
				)}
			</div>
			<ErrorMessage error={check.error ?? remove.error} />
			<div className="mt-5 flex justify-end gap-2">
				<Button variant="secondary" onClick={close}>
					{blocked ? t("common.close") : t("common.cancel")}
				</Button>
				{!blocked && (
					<Button
						variant="danger"
						disabled={!check.data?.deletable || remove.isPending}
						onClick={() =>
							project && remove.mutate(project.project_id, { onSuccess: close })
						}
					>
						{t("common.delete")}
					</Button>
				)}
			</div>
		</Dialog>
	);
}
