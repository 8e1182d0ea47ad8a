import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useCopyArtifact } from "../../api/artifacts.ts";
import { useProjects } from "../../api/projects.ts";
import { paths } from "../../app/paths.ts";
import { Button } from "../../components/button.tsx";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field } from "../../components/field.tsx";
import { shortDigest } from "../../components/format.ts";
import { named } from "../../components/named.tsx";
import { useDebounced } from "../../components/use-debounced.ts";

type Source = { project: string; repo: string; digest: string };

/**
 * Harbor's "Copy": the artifact (its whole tree: an index's platforms, its signatures) goes into a repository of another
 * (or the same) project under the same digest, and gets the tag given. The target's push permission is the server's
 * to check: a refusal shows in the dialog.
 */
function CopyArtifactDialog({
	source,
	onClose,
}: {
	source: Source;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const listId = useId();
	const [project, setProject] = useState("");
	const [repo, setRepo] = useState(source.repo);
	const [tag, setTag] = useState("");
	const settled = useDebounced(project.trim(), 300);
	const projects = useProjects({
		page: 1,
		pageSize: 10,
		q: settled || undefined,
	});
	const copy = useCopyArtifact(source);
	const to = copy.variables?.to;
	if (copy.isSuccess && to) {
		return (
			<>
				<p role="status" className="text-sm">
					{t("artifacts.copy.done", {
						target: `${to.project}/${to.repo}${to.tag ? `:${to.tag}` : ""}`,
					})}{" "}
					<Link
						to={paths.artifact.href(
							to.project,
							to.repo,
							to.tag || source.digest,
						)}
						className="text-[#0f4c81] underline dark:text-sky-300"
					>
						{t("artifacts.copy.open")}
					</Link>
				</p>
				<div className="mt-4 flex justify-end">
					<Button onClick={onClose}>{t("common.close")}</Button>
				</div>
			</>
		);
	}
	return (
		<form
			onSubmit={(e) => {
				e.preventDefault();
				copy.mutate({
					digest: source.digest,
					to: { project: project.trim(), repo: repo.trim(), tag: tag.trim() },
				});
			}}
		>
			<p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
				{t("artifacts.copy.intro", {
					source: `${source.project}/${source.repo}@${shortDigest(source.digest)}`,
				})}
			</p>
			<Field
				label={t("artifacts.copy.project")}
				value={project}
				onChange={(e) => setProject(e.target.value)}
				list={listId}
				required
				autoComplete="off"
			/>
			<datalist id={listId}>
				{projects.data?.items.map((p) => (
					<option key={p.project_id} value={p.name} />
				))}
			</datalist>
			<Field
				label={t("artifacts.copy.repo")}
				value={repo}
				onChange={(e) => setRepo(e.target.value)}
				required
				hint={t("artifacts.copy.repoHint")}
			/>
			<Field
				label={t("artifacts.copy.tag")}
				value={tag}
				onChange={(e) => setTag(e.target.value)}
				hint={t("artifacts.copy.tagHint")}
			/>
			<DialogActions
				error={copy.error}
				pending={copy.isPending}
				disabled={!project.trim() || !repo.trim()}
				submitLabel={t("artifacts.copy.submit")}
				onCancel={onClose}
			/>
		</form>
	);
}

/** Opens the copy dialog for one artifact; its name says which (several sit in a list). */
export function CopyArtifactButton({
	source,
	compact,
}: {
	source: Source;
	compact?: boolean;
}) {
	const { t } = useTranslation();
	const [open, setOpen] = useState(false);
	return (
		<>
			<Button
				variant="secondary"
				className={compact ? "px-2! py-0.5! text-xs" : ""}
				onClick={() => setOpen(true)}
			>
				{named(t("artifacts.copy.button"), shortDigest(source.digest))}
			</Button>
			<Dialog
				open={open}
				title={t("artifacts.copy.title")}
				onClose={() => setOpen(false)}
			>
				{open && (
					<CopyArtifactDialog source={source} onClose={() => setOpen(false)} />
				)}
			</Dialog>
		</>
	);
}
