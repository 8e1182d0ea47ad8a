import { z } from "zod";
import { checkGlob, nameMatcher } from "../../replication/filters.ts";
import { badRequest } from "../errors.ts";

/** Harbor allows at most this many immutable tag rules in a project. */
export const maxRulesPerProject = 15;

export type Selector = {
	kind: "doublestar";
	decoration: string;
	pattern: string;
};
export type RuleSelectors = { tag: Selector; repository: Selector };

const selector = (decorations: [string, string]) =>
	z.object({
		// harbor-cli sends no kind: doublestar is the only one.
		kind: z
			.literal("doublestar", { message: 'kind must be "doublestar"' })
			.optional(),
		decoration: z.enum(decorations, {
			message: `decoration must be "${decorations[0]}" or "${decorations[1]}"`,
		}),
		pattern: z.string().trim().min(1, "pattern is required").max(1024),
		extras: z.string().optional(),
	});

/**
 * Harbor's ImmutableRule as a body: one tag selector (`matches` / `excludes`) and one repository selector
 * (`repoMatches` / `repoExcludes`), both doublestar globs; Harbor reads only the first of each, so more is refused
 * rather than silently ignored. `action` and `template` may be left out; any other value than Harbor's is a mistake.
 */
export const ruleBody = z.object({
	id: z.number().int().nonnegative().optional(),
	priority: z.number().int().min(0).max(1_000_000).optional(),
	disabled: z.boolean().optional(),
	action: z
		.literal("immutable", { message: 'action must be "immutable"' })
		.optional(),
	template: z
		.literal("immutable_template", {
			message: 'template must be "immutable_template"',
		})
		.optional(),
	params: z.record(z.string(), z.unknown()).optional(),
	tag_selectors: z
		.array(selector(["matches", "excludes"]))
		.length(1, "tag_selectors must hold exactly one selector"),
	scope_selectors: z
		.object({
			repository: z
				.array(selector(["repoMatches", "repoExcludes"]))
				.length(1, "scope_selectors.repository must hold exactly one selector"),
		})
		.strict(),
});
export type RuleBody = z.infer<typeof ruleBody>;

/** The selectors of a valid body; a pattern that is no glob is a 400 naming it. */
export function selectorsOf(body: RuleBody): RuleSelectors {
	const pick = (
		s: RuleBody["tag_selectors"][number],
		what: string,
	): Selector => {
		try {
			checkGlob(s.pattern);
		} catch (e) {
			throw badRequest(
				`${what} pattern ${JSON.stringify(s.pattern)} is not a valid doublestar pattern: ${(e as Error).message}`,
			);
		}
		return { kind: "doublestar", decoration: s.decoration, pattern: s.pattern };
	};
	return {
		tag: pick(body.tag_selectors[0], "tag"),
		repository: pick(body.scope_selectors.repository[0], "repository"),
	};
}

/** Selectors as stored: one fixed key order, so the same rule is the same text (the table's unique key). */
export const storedTagSelectors = (s: RuleSelectors) => JSON.stringify([s.tag]);
export const storedScopeSelectors = (s: RuleSelectors) =>
	JSON.stringify({ repository: [s.repository] });

/** Whether a tag of a repository (its name without the project, as Harbor matches it) falls under the rule. */
export type TagTest = (repository: string, tag: string) => boolean;

/** As Harbor's matcher: the repository selector, then the tag selector, each inverted by its `excludes` decoration. */
export function ruleTest(s: RuleSelectors): TagTest {
	const repo = nameMatcher(s.repository.pattern);
	const tag = nameMatcher(s.tag.pattern);
	const repoExcludes = s.repository.decoration === "repoExcludes";
	const tagExcludes = s.tag.decoration === "excludes";
	return (repository, name) =>
		repo(repository) !== repoExcludes && tag(name) !== tagExcludes;
}
