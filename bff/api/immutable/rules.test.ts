import { describe, expect, it } from "vitest";
import {
	type RuleSelectors,
	ruleBody,
	ruleTest,
	selectorsOf,
} from "./rules.ts";

const selectors = (
	tag: string,
	repo: string,
	decorations: { tag?: string; repo?: string } = {},
): RuleSelectors => ({
	tag: {
		kind: "doublestar",
		decoration: decorations.tag ?? "matches",
		pattern: tag,
	},
	repository: {
		kind: "doublestar",
		decoration: decorations.repo ?? "repoMatches",
		pattern: repo,
	},
});

describe("an immutable tag rule as a test", () => {
	it("matches the repository (without its project) and the tag with doublestar globs", () => {
		const test = ruleTest(selectors("v*", "team/*"));
		expect(test("team/api", "v1.0")).toBe(true);
		expect(test("team/api", "latest")).toBe(false);
		expect(test("team/api/sub", "v1.0")).toBe(false);
		expect(test("api", "v1.0")).toBe(false);
		const all = ruleTest(selectors("**", "**"));
		expect(all("a/b/c", "anything")).toBe(true);
		const some = ruleTest(selectors("{latest,stable}", "{api,web}"));
		expect([
			some("api", "stable"),
			some("web", "latest"),
			some("db", "latest"),
			some("api", "dev"),
		]).toEqual([true, true, false, false]);
	});

	it("inverts each side with its excludes decoration", () => {
		const test = ruleTest(
			selectors("dev-*", "scratch", { tag: "excludes", repo: "repoExcludes" }),
		);
		expect(test("app", "v1")).toBe(true);
		expect(test("app", "dev-1")).toBe(false);
		expect(test("scratch", "v1")).toBe(false);
	});

	it("refuses a pattern doublestar cannot read, naming it", () => {
		const body = ruleBody.parse({
			tag_selectors: [{ decoration: "matches", pattern: "v[1" }],
			scope_selectors: {
				repository: [{ decoration: "repoMatches", pattern: "**" }],
			},
		});
		expect(() => selectorsOf(body)).toThrow(
			/tag pattern "v\[1" is not a valid doublestar pattern/,
		);
	});
});
