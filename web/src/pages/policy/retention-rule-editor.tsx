import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	blankRule,
	inputOfRule,
	type RetentionRule,
	type RetentionRuleInput,
	retentionRuleInput,
	retentionTemplates,
	ruleOfInput,
	type SelectorKind,
	selectorKinds,
	templateUnit,
} from "../../api/retention.ts";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field } from "../../components/field.tsx";
import { Choice } from "./choice.tsx";
import { SelectorFields } from "./selector-fields.tsx";

/** What a template counts for an artifact never pulled. */
const pulledHints: Partial<Record<RetentionRuleInput["template"], string>> = {
	nDaysSinceLastPull: "retention.editor.pulledHint",
	latestPulledN: "retention.editor.pulledKHint",
};

/**
 * Adds a retention rule, or edits one (`rule` given): which repositories (matched or excluded, by wildcards or a
 * regular expression), what to retain (a template and its count or days), which tags, and whether untagged artifacts
 * count. The owner saves the whole policy (`onSave`) and shows its `pending` and `error` here.
 */
export function RetentionRuleEditor({
	rule,
	onSave,
	onClose,
	pending,
	error,
}: {
	rule?: RetentionRule;
	onSave: (rule: RetentionRule) => void;
	onClose: () => void;
	pending: boolean;
	error: unknown;
}) {
	const { t } = useTranslation();
	const [form, setForm] = useState<RetentionRuleInput>(
		rule ? inputOfRule(rule) : blankRule,
	);
	const [touched, setTouched] = useState(false);
	const set = (patch: Partial<RetentionRuleInput>) =>
		setForm((f) => ({ ...f, ...patch }));
	const parsed = retentionRuleInput.safeParse(form);
	const problem = (field: keyof RetentionRuleInput, message: string) =>
		touched &&
		!parsed.success &&
		parsed.error.issues.some((i) => i.path[0] === field)
			? message
			: null;
	const unit = templateUnit(form.template);
	const kind = (value: SelectorKind, onChange: (k: SelectorKind) => void) => ({
		label: t("retention.editor.kind"),
		value,
		onChange: (k: string) => onChange(k as SelectorKind),
		options: selectorKinds.map((k): [string, string] => [
			k,
			t(`retention.editor.${k}`),
		]),
	});
	const hint = (k: SelectorKind, glob: string) =>
		k === "regex" ? t("retention.editor.regexHint") : glob;

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTouched(true);
		if (!parsed.success) return;
		onSave(
			ruleOfInput(
				parsed.data,
				rule ? { disabled: rule.disabled, priority: rule.priority } : undefined,
			),
		);
	};

	return (
		<Dialog
			open
			title={
				rule ? t("retention.editor.editTitle") : t("retention.editor.addTitle")
			}
			onClose={onClose}
		>
			<form onSubmit={submit} noValidate>
				<SelectorFields
					legend={t("retention.editor.repositories")}
					decorationLabel={t("retention.editor.repoDecoration")}
					decoration={form.repoDecoration}
					decorations={[
						["repoMatches", t("retention.editor.matching")],
						["repoExcludes", t("retention.editor.excluding")],
					]}
					onDecoration={(repoDecoration) => set({ repoDecoration })}
					kind={kind(form.repoKind, (repoKind) => set({ repoKind }))}
					patternLabel={t("retention.editor.repoPattern")}
					pattern={form.repoPattern}
					onPattern={(repoPattern) => set({ repoPattern })}
					error={problem("repoPattern", t("retention.editor.patternRequired"))}
					hint={hint(form.repoKind, t("retention.editor.repoHint"))}
				/>
				<fieldset className="mb-2">
					<legend className="mb-1 text-sm font-semibold">
						{t("retention.editor.whatToRetain")}
					</legend>
					<Choice
						label={t("retention.editor.template")}
						value={form.template}
						onChange={(v) =>
							set({ template: v as RetentionRuleInput["template"] })
						}
						options={retentionTemplates.map((x) => [
							x,
							t(`retention.choice.${x}`),
						])}
					/>
					{unit && (
						<Field
							label={t(
								unit === "count"
									? "retention.editor.count"
									: "retention.editor.days",
							)}
							type="number"
							min={0}
							step={1}
							inputMode="numeric"
							value={form.n}
							required
							data-autofocus
							onChange={(e) => set({ n: e.target.value })}
							error={problem("n", t("retention.editor.nRequired"))}
							hint={
								pulledHints[form.template] && t(pulledHints[form.template]!)
							}
						/>
					)}
				</fieldset>
				<SelectorFields
					legend={t("retention.editor.tags")}
					decorationLabel={t("retention.editor.tagDecoration")}
					decoration={form.tagDecoration}
					decorations={[
						["matches", t("retention.editor.matching")],
						["excludes", t("retention.editor.excluding")],
					]}
					onDecoration={(tagDecoration) => set({ tagDecoration })}
					kind={kind(form.tagKind, (tagKind) => set({ tagKind }))}
					patternLabel={t("retention.editor.tagPattern")}
					pattern={form.tagPattern}
					onPattern={(tagPattern) => set({ tagPattern })}
					error={problem("tagPattern", t("retention.editor.patternRequired"))}
					hint={hint(form.tagKind, t("retention.editor.tagHint"))}
				>
					<label className="flex items-center gap-2 text-sm">
						<input
							type="checkbox"
							checked={form.untagged}
							onChange={(e) => set({ untagged: e.target.checked })}
						/>
						{t("retention.editor.untagged")}
					</label>
					<p className="mt-1 text-xs text-slate-600 dark:text-slate-300">
						{t("retention.editor.untaggedHint")}
					</p>
				</SelectorFields>
				<DialogActions
					error={error}
					pending={pending}
					submitLabel={
						rule ? t("common.save") : t("retention.editor.addSubmit")
					}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}
