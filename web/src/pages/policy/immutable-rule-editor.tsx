import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type ImmutableRule,
	type ImmutableRuleInput,
	immutableRuleInput,
	inputOf,
	useCreateImmutableRule,
	useUpdateImmutableRule,
} from "../../api/immutable-rules.ts";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { SelectorFields } from "./selector-fields.tsx";

const blank: ImmutableRuleInput = {
	repoDecoration: "repoMatches",
	repoPattern: "**",
	tagDecoration: "matches",
	tagPattern: "",
};

/** Adds a rule to the project, or edits one (`rule` given): which repositories, which tags, by doublestar patterns. */
export function ImmutableRuleEditor({
	project,
	rule,
	onClose,
}: {
	project: string;
	rule?: ImmutableRule;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const [form, setForm] = useState<ImmutableRuleInput>(
		rule ? inputOf(rule) : blank,
	);
	const [touched, setTouched] = useState(false);
	const create = useCreateImmutableRule(project);
	const update = useUpdateImmutableRule(project);
	const mutation = rule ? update : create;
	const parsed = immutableRuleInput.safeParse(form);
	const set = (patch: Partial<ImmutableRuleInput>) =>
		setForm((f) => ({ ...f, ...patch }));
	const required = (v: string) =>
		touched && !v.trim() ? t("immutable.patternRequired") : null;

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTouched(true);
		if (!parsed.success) return;
		if (rule)
			update.mutate({ rule, input: parsed.data }, { onSuccess: onClose });
		else create.mutate(parsed.data, { onSuccess: onClose });
	};

	return (
		<Dialog
			open
			title={rule ? t("immutable.editTitle") : t("immutable.addTitle")}
			onClose={onClose}
		>
			<form onSubmit={submit} noValidate>
				<SelectorFields
					legend={t("immutable.repositories")}
					decorationLabel={t("immutable.repoDecoration")}
					decoration={form.repoDecoration}
					decorations={[
						["repoMatches", t("immutable.repoMatches")],
						["repoExcludes", t("immutable.repoExcludes")],
					]}
					onDecoration={(repoDecoration) => set({ repoDecoration })}
					patternLabel={t("immutable.repoPattern")}
					pattern={form.repoPattern}
					onPattern={(repoPattern) => set({ repoPattern })}
					error={required(form.repoPattern)}
					hint={t("immutable.repoHint")}
				/>
				<SelectorFields
					legend={t("immutable.tags")}
					decorationLabel={t("immutable.tagDecoration")}
					decoration={form.tagDecoration}
					decorations={[
						["matches", t("immutable.tagMatches")],
						["excludes", t("immutable.tagExcludes")],
					]}
					onDecoration={(tagDecoration) => set({ tagDecoration })}
					patternLabel={t("immutable.tagPattern")}
					pattern={form.tagPattern}
					autoFocus
					onPattern={(tagPattern) => set({ tagPattern })}
					error={required(form.tagPattern)}
					hint={t("immutable.tagHint")}
				/>
				<DialogActions
					error={mutation.error}
					pending={mutation.isPending}
					submitLabel={rule ? t("common.save") : t("immutable.addSubmit")}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}
