import { describe, expect, it } from "vitest";
import { type Candidate, evaluate } from "./evaluate.ts";
import { policyBody, type Rule, RuleError, rulesOf } from "./rules.ts";

const day = 24 * 3600_000;
const now = Date.parse("2026-12-07T12:00:00Z");

/** An artifact pushed `age` days ago (pulled `pulled` days ago, or never). */
const artifact = (
	digest: string,
	tags: string[],
	age: number,
	pulled: number | null = null,
): Candidate => ({
	digest,
	type: "IMAGE",
	tags,
	pushTime: now - age * day,
	pullTime: pulled === null ? null : now - pulled * day,
});

/** Rules as Harbor's portal sends them, through the same validation the API uses. */
const rules = (...list: Record<string, unknown>[]): Rule[] =>
	rulesOf(
		policyBody.parse({ rules: list, scope: { level: "project", ref: 1 } }),
	);
const rule = (
	template: string,
	n: number | null,
	tags = "**",
	opts: {
		untagged?: boolean;
		decoration?: string;
		kind?: string;
		disabled?: boolean;
	} = {},
) => ({
	action: "retain",
	template,
	disabled: !!opts.disabled,
	params: n === null ? {} : { [template]: n },
	tag_selectors: [
		{
			kind: opts.kind ?? "doublestar",
			decoration: opts.decoration ?? "matches",
			pattern: tags,
			extras: JSON.stringify({ untagged: !!opts.untagged }),
		},
	],
	scope_selectors: {
		repository: [
			{ kind: "doublestar", decoration: "repoMatches", pattern: "**" },
		],
	},
});

const judge = (
	cs: Candidate[],
	rs: Rule[],
	immutable: (t: string) => boolean = () => false,
) =>
	Object.fromEntries(
		evaluate(
			cs,
			rs.map((rule, index) => ({ rule, index })),
			now,
			immutable,
		).map((v) => [
			v.candidate.digest,
			v.retain ? `keep: ${v.why}` : `delete: ${v.why}`,
		]),
	);

describe("retention rules", () => {
	const five = [
		artifact("a", ["v1"], 5),
		artifact("b", ["v2"], 4),
		artifact("c", ["v3"], 3),
		artifact("d", ["v4"], 2),
		artifact("e", ["v5"], 1),
	];

	it("keep the last 3: the three most recently pushed stay, the rest go", () => {
		expect(judge(five, rules(rule("latestPushedK", 3)))).toEqual({
			a: "delete: retained by no rule",
			b: "delete: retained by no rule",
			c: "keep: retained by rule 1 (latestPushedK 3)",
			d: "keep: retained by rule 1 (latestPushedK 3)",
			e: "keep: retained by rule 1 (latestPushedK 3)",
		});
	});

	it("delete untagged after 30 days: tagged always stay, untagged stay for 30 days (the boundary day included)", () => {
		const cs = [
			artifact("tagged-old", ["v1"], 400),
			artifact("untagged-old", [], 31),
			artifact("untagged-30", [], 30),
			artifact("untagged-new", [], 2),
		];
		const r = rules(
			rule("always", null),
			rule("nDaysSinceLastPush", 30, "**", { untagged: true }),
		);
		expect(judge(cs, r)).toEqual({
			"tagged-old": "keep: retained by rule 1 (always)",
			"untagged-old": "delete: retained by no rule",
			"untagged-30": "keep: retained by rule 2 (nDaysSinceLastPush 30)",
			"untagged-new": "keep: retained by rule 2 (nDaysSinceLastPush 30)",
		});
	});

	it("untagged artifacts are kept only by a rule that picks untagged ones (Harbor's behaviour)", () => {
		const cs = [artifact("tagged", ["v1"], 1), artifact("untagged", [], 1)];
		expect(judge(cs, rules(rule("always", null)))).toEqual({
			tagged: "keep: retained by rule 1 (always)",
			untagged: "delete: retained by no rule",
		});
	});

	it("latestPulledN keeps the most recently pulled; never pulled comes last", () => {
		const cs = [
			artifact("never", ["a"], 1),
			artifact("old-pull", ["b"], 9, 8),
			artifact("new-pull", ["c"], 9, 1),
		];
		expect(judge(cs, rules(rule("latestPulledN", 1)))).toEqual({
			never: "delete: retained by no rule",
			"old-pull": "delete: retained by no rule",
			"new-pull": "keep: retained by rule 1 (latestPulledN 1)",
		});
	});

	it("nDaysSinceLastPull counts a never-pulled artifact from its push", () => {
		const cs = [
			artifact("pulled-lately", ["a"], 30, 3),
			artifact("pulled-long-ago", ["b"], 30, 8),
			artifact("new-never-pulled", ["c"], 2),
			artifact("old-never-pulled", ["d"], 8),
		];
		expect(judge(cs, rules(rule("nDaysSinceLastPull", 7)))).toEqual({
			"pulled-lately": "keep: retained by rule 1 (nDaysSinceLastPull 7)",
			"pulled-long-ago": "delete: retained by no rule",
			"new-never-pulled": "keep: retained by rule 1 (nDaysSinceLastPull 7)",
			"old-never-pulled": "delete: retained by no rule",
		});
	});

	it("tag selectors: matches takes an artifact with any matching tag, excludes one with any other tag; a disabled rule keeps nothing", () => {
		const cs = [
			artifact("release", ["v1.0", "latest"], 1),
			artifact("dev", ["dev-7"], 1),
		];
		expect(judge(cs, rules(rule("always", null, "v*")))).toEqual({
			release: "keep: retained by rule 1 (always)",
			dev: "delete: retained by no rule",
		});
		expect(
			judge(
				cs,
				rules(rule("always", null, "dev-*", { decoration: "excludes" })),
			),
		).toEqual({
			release: "keep: retained by rule 1 (always)",
			dev: "delete: retained by no rule",
		});
		expect(
			judge(cs, rules(rule("always", null, "**", { disabled: true }))),
		).toEqual({
			release: "delete: retained by no rule",
			dev: "delete: retained by no rule",
		});
	});

	it("regex selectors (beyond Harbor) match the whole tag", () => {
		const cs = [
			artifact("semver", ["1.2.3"], 1),
			artifact("prefixed", ["x1.2.3"], 1),
		];
		expect(
			judge(
				cs,
				rules(
					rule("always", null, "[0-9]+\\.[0-9]+\\.[0-9]+", { kind: "regex" }),
				),
			),
		).toEqual({
			semver: "keep: retained by rule 1 (always)",
			prefixed: "delete: retained by no rule",
		});
	});

	it("an artifact with an immutable tag is never deleted, and says why", () => {
		const cs = [artifact("old", ["v1"], 10), artifact("new", ["v2"], 1)];
		expect(
			judge(cs, rules(rule("latestPushedK", 1)), (t) => t === "v1"),
		).toEqual({
			old: "keep: immutable tag v1",
			new: "keep: retained by rule 1 (latestPushedK 1)",
		});
	});

	it("the first rule that retains is the one named", () => {
		const cs = [artifact("x", ["v1"], 1)];
		expect(
			judge(cs, rules(rule("latestPushedK", 5), rule("always", null))),
		).toEqual({ x: "keep: retained by rule 1 (latestPushedK 5)" });
	});

	it("refuses what makes no sense, saying which rule and why", () => {
		const bad = (r: Record<string, unknown>) => () => rules(r);
		expect(bad({ ...rule("latestPushedK", null) })).toThrow(
			new RuleError("rule 1: params.latestPushedK is required"),
		);
		expect(
			bad({ ...rule("latestPushedK", 3), params: { latestPushedK: -1 } }),
		).toThrow(/rule 1: params.latestPushedK must not be negative/);
		expect(bad(rule("always", null, "(a", { kind: "regex" }))).toThrow(
			/rule 1: tag pattern "\(a" is not a valid regex pattern/,
		);
		expect(bad(rule("always", null, "[a", {}))).toThrow(
			/rule 1: tag pattern "\[a" is not a valid doublestar pattern/,
		);
		expect(
			bad({
				...rule("always", null),
				tag_selectors: [
					{ decoration: "matches", pattern: "**", extras: "untagged" },
				],
			}),
		).toThrow(/extras must be JSON/);
		// A numeric string is read as the number (some clients send params so).
		expect(
			rules({ ...rule("latestPushedK", 3), params: { latestPushedK: "4" } })[0]
				.n,
		).toBe(4);
		expect(
			policyBody.safeParse({
				rules: [rule("sometimes", 1)],
				scope: { level: "project", ref: 1 },
			}).success,
		).toBe(false);
		expect(
			policyBody.safeParse({
				rules: Array.from({ length: 16 }, () => rule("always", null)),
				scope: { level: "project", ref: 1 },
			}).success,
		).toBe(false);
		expect(
			policyBody.safeParse({
				rules: Array.from({ length: 15 }, () => rule("always", null)),
				scope: { level: "project", ref: 1 },
			}).success,
		).toBe(true);
	});
});
