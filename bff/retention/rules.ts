import { RE2JS } from "re2js";
import { z } from "zod";
import { checkGlob, nameMatcher } from "../replication/filters.ts";

/** Harbor allows at most this many rules in a retention policy. */
export const maxRules = 15;

/**
 * Harbor's public templates (GET /retentions/metadatas): each retains, among the artifacts its selectors pick, the K most
 * recently pushed or pulled, those pushed or pulled in the last N days, or all of them.
 */
export const templates = {
	latestPushedK: {
		display: "retain the most recently pushed # artifacts",
		unit: "COUNT",
	},
	latestPulledN: {
		display: "retain the most recently pulled # artifacts",
		unit: "COUNT",
	},
	nDaysSinceLastPush: {
		display: "retain the artifacts pushed within the last # days",
		unit: "DAYS",
	},
	nDaysSinceLastPull: {
		display: "retain the artifacts pulled within the last # days",
		unit: "DAYS",
	},
	always: { display: "retain always", unit: null },
} as const;
export type Template = keyof typeof templates;
const templateNames = Object.keys(templates) as [Template, ...Template[]];

/**
 * Selector kinds: Harbor's `doublestar` globs and, beyond Harbor (its users' #12877), `regex`: RE2 syntax as Go's
 * regexp, matched against the whole name, in linear time whatever the pattern (a project admin's pattern cannot
 * stall the server).
 */
export const selectorKinds = ["doublestar", "regex"] as const;
export type SelectorKind = (typeof selectorKinds)[number];

export type Selector = {
	kind: SelectorKind;
	decoration: string;
	pattern: string;
};
export type TagSelector = Selector & { untagged: boolean };

const selector = (decorations: [string, string]) =>
	z.object({
		kind: z
			.enum(selectorKinds, { message: 'kind must be "doublestar" or "regex"' })
			.optional(),
		decoration: z.enum(decorations, {
			message: `decoration must be "${decorations[0]}" or "${decorations[1]}"`,
		}),
		pattern: z.string().trim().min(1, "pattern is required").max(1024),
		extras: z.string().max(1024).optional(),
	});

/** A count or a number of days: Harbor's clients send numbers; a numeric string is read as one. */
const param = z
	.union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
	.pipe(
		z
			.number()
			.int("must be a whole number")
			.min(0, "must not be negative")
			.max(1_000_000, "must be at most 1000000"),
	);

export const ruleBody = z.object({
	id: z.number().int().optional(),
	priority: z.number().int().optional(),
	disabled: z.boolean().optional(),
	action: z
		.literal("retain", { message: 'action must be "retain"' })
		.optional(),
	template: z.enum(templateNames, {
		message: `template must be one of ${templateNames.join(", ")}`,
	}),
	params: z.record(z.string(), z.unknown()).nullish(),
	tag_selectors: z
		.array(selector(["matches", "excludes"]))
		.length(1, "tag_selectors must hold exactly one selector"),
	scope_selectors: z.object({
		repository: z
			.array(selector(["repoMatches", "repoExcludes"]))
			.length(1, "scope_selectors.repository must hold exactly one selector"),
	}),
});

export const triggerBody = z.object({
	kind: z.literal("Schedule", { message: 'trigger kind must be "Schedule"' }),
	settings: z
		.object({ cron: z.string().trim().max(128).nullish() })
		.passthrough()
		.nullish(),
	references: z.unknown().optional(),
});

/** Harbor's RetentionPolicy as a body: `or` of at most 15 rules, a schedule, and the project it belongs to. */
export const policyBody = z.object({
	id: z.number().int().optional(),
	algorithm: z.literal("or", { message: 'algorithm must be "or"' }).optional(),
	rules: z
		.array(ruleBody)
		.max(maxRules, `a retention policy holds at most ${maxRules} rules`),
	trigger: triggerBody.nullish(),
	scope: z.object({
		level: z.literal("project", { message: 'scope level must be "project"' }),
		ref: z
			.number()
			.int()
			.positive("scope ref must be a project id")
			.max(2_147_483_647, "scope ref must be a project id"),
	}),
});
export type PolicyBody = z.infer<typeof policyBody>;

/** A rule as stored and evaluated. */
export type Rule = {
	priority: number;
	disabled: boolean;
	template: Template;
	/** The count or days of the template; 0 for `always`. */
	n: number;
	tag: TagSelector;
	repository: Selector;
};

/** Thrown for a rule Harbor's clients could send but that makes no sense; the API answers 400 with its message. */
export class RuleError extends Error {}

function checkPattern(s: Selector, what: string) {
	try {
		if (s.kind === "regex") RE2JS.compile(s.pattern);
		else checkGlob(s.pattern);
	} catch (e) {
		throw new RuleError(
			`${what} pattern ${JSON.stringify(s.pattern)} is not a valid ${s.kind} pattern: ${(e as Error).message}`,
		);
	}
}

/** `extras` is Harbor's JSON string `{"untagged":true}`: whether untagged artifacts are picked by the tag selector. */
function untaggedOf(extras: string | undefined): boolean {
	if (!extras) return false;
	let parsed: unknown;
	try {
		parsed = JSON.parse(extras);
	} catch {
		throw new RuleError(
			`tag selector extras must be JSON such as {"untagged":true}, not ${JSON.stringify(extras)}`,
		);
	}
	return (
		!!parsed &&
		typeof parsed === "object" &&
		(parsed as { untagged?: unknown }).untagged === true
	);
}

/** A valid body's rules, checked (patterns, the template's parameter) and in Wharf's form. */
export function rulesOf(body: PolicyBody): Rule[] {
	return body.rules.map((r, i) => {
		const at = `rule ${i + 1}`;
		const t = r.tag_selectors[0];
		const s = r.scope_selectors.repository[0];
		const tag: TagSelector = {
			kind: t.kind ?? "doublestar",
			decoration: t.decoration,
			pattern: t.pattern,
			untagged: untaggedOf(t.extras),
		};
		const repository: Selector = {
			kind: s.kind ?? "doublestar",
			decoration: s.decoration,
			pattern: s.pattern,
		};
		checkPattern(tag, `${at}: tag`);
		checkPattern(repository, `${at}: repository`);
		let n = 0;
		if (r.template !== "always") {
			const parsed = param.safeParse(r.params?.[r.template]);
			if (!parsed.success) {
				throw new RuleError(
					`${at}: params.${r.template} ${r.params?.[r.template] === undefined ? "is required" : parsed.error.issues[0].message}`,
				);
			}
			n = parsed.data;
		}
		return {
			priority: r.priority ?? 0,
			disabled: !!r.disabled,
			template: r.template,
			n,
			tag,
			repository,
		};
	});
}

/** Harbor's RetentionRule JSON for a stored rule (`id` is its place, as Harbor numbers them). */
export function ruleJson(r: Rule, index: number) {
	const extras = JSON.stringify({ untagged: r.tag.untagged });
	return {
		id: index + 1,
		priority: r.priority,
		disabled: r.disabled,
		action: "retain",
		template: r.template,
		params: r.template === "always" ? {} : { [r.template]: r.n },
		tag_selectors: [
			{
				kind: r.tag.kind,
				decoration: r.tag.decoration,
				pattern: r.tag.pattern,
				extras,
			},
		],
		scope_selectors: {
			repository: [
				{
					kind: r.repository.kind,
					decoration: r.repository.decoration,
					pattern: r.repository.pattern,
				},
			],
		},
	};
}

const compiledRegex = new Map<string, (s: string) => boolean>();

/** A selector's pattern as a test of a whole name. */
function matcher(s: Selector): (name: string) => boolean {
	if (s.kind === "doublestar") return nameMatcher(s.pattern);
	let m = compiledRegex.get(s.pattern);
	if (!m) {
		const re = RE2JS.compile(s.pattern);
		m = (name) => re.matches(name);
		if (compiledRegex.size > 1000) compiledRegex.clear();
		compiledRegex.set(s.pattern, m);
	}
	return m;
}

/** Whether a rule's repository selector takes a repository (its name without the project, as Harbor matches it). */
export function repositoryTest(s: Selector): (repository: string) => boolean {
	const m = matcher(s);
	const excludes = s.decoration === "repoExcludes";
	return (repository) => m(repository) !== excludes;
}

/**
 * Whether a rule's tag selector picks an artifact: untagged ones when the selector says so; a tagged one when any of
 * its tags matches (`matches`) or any does not (`excludes`), as Harbor's doublestar selector does.
 */
export function tagTest(s: TagSelector): (tags: readonly string[]) => boolean {
	const m = matcher(s);
	const excludes = s.decoration === "excludes";
	return (tags) =>
		tags.length === 0 ? s.untagged : tags.some((t) => m(t) !== excludes);
}
