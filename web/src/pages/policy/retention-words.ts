import type { TFunction } from "i18next";
import {
	picksUntagged,
	type RetentionRule,
	type RetentionTemplate,
	retentionTemplates,
} from "../../api/retention.ts";

/** "retain the most recently pushed 3 artifacts": a template with its number, in words. */
export const templateWords = (
	t: TFunction,
	template: RetentionTemplate,
	n: number | undefined,
) =>
	template === "always"
		? t("retention.template.always")
		: t(`retention.template.${template}`, { count: n ?? 0 });

const selectorWords = (
	t: TFunction,
	s: { kind?: string; decoration: string; pattern: string } | undefined,
) =>
	s
		? t(`retention.words.${s.decoration}${s.kind === "regex" ? "Regex" : ""}`, {
				pattern: s.pattern,
			})
		: "";

/**
 * A rule in plain words, as Harbor's portal lists it: "For the repositories matching **, retain the most recently
 * pushed 3 artifacts with tags matching **, untagged included".
 */
export const ruleWords = (t: TFunction, r: RetentionRule) =>
	t("retention.words", {
		repositories: selectorWords(t, r.scope_selectors.repository[0]),
		template: templateWords(t, r.template, r.params[r.template]),
		tags: selectorWords(t, r.tag_selectors[0]),
		untagged: t(
			picksUntagged(r) ? "retention.words.untagged" : "retention.words.tagged",
		),
	});

const isTemplate = (s: string): s is RetentionTemplate =>
	(retentionTemplates as readonly string[]).includes(s);

/**
 * Why a run kept or deleted an artifact, in the user's words: the server says it in English ("retained by rule 1
 * (latestPushedK 3)", "retained by no rule", "immutable tag v1", "deletion failed: …"); anything else is shown as said.
 */
export function whyWords(t: TFunction, why: string): string {
	const rule = /^retained by rule (\d+) \((\w+)(?: (\d+))?\)$/.exec(why);
	if (rule && isTemplate(rule[2]))
		return t("retention.why.rule", {
			n: rule[1],
			template: templateWords(t, rule[2], Number(rule[3] ?? 0)),
		});
	if (why === "retained by no rule") return t("retention.why.none");
	const immutable = /^immutable tag (.+)$/.exec(why);
	if (immutable) return t("retention.why.immutable", { tag: immutable[1] });
	const failed = /^deletion failed: (.*)$/s.exec(why);
	if (failed) return t("retention.why.failed", { message: failed[1] });
	return why;
}
