import { describe, expect, it } from "vitest";
import {
	checkFilters,
	destinationRepo,
	matchesFilters,
	type ReplicationFilter,
} from "./filters.ts";

const item = (
	repository: string,
	tags: string[],
	labels: string[] = [],
	artifactType = "image",
) => ({ repository, tags, labels, artifactType });
const f = (
	type: ReplicationFilter["type"],
	value: unknown,
	decoration?: "matches" | "excludes",
): ReplicationFilter => ({
	type,
	value,
	...(decoration ? { decoration } : {}),
});

describe("matchesFilters", () => {
	it.each([
		// [repository, filter, match]
		["library/nginx", "library/**", true],
		["library/a/b", "library/**", true],
		["library/a/b", "library/*", false],
		["library/nginx", "library/*", true],
		["other/nginx", "library/**", false],
		["library/nginx", "{library,other}/nginx", true],
		["other/nginx", "{library,other}/nginx", true],
		["third/nginx", "{library,other}/nginx", false],
		["library/ngin", "library/ngin?", false],
		["library/nginx", "library/ngin?", true],
		["library/nginx", "", true],
	])("name %s against %s: %s", (repository, pattern, match) => {
		expect(
			matchesFilters(item(repository, ["1"]), [f("name", pattern)]).match,
		).toBe(match);
		if (pattern)
			expect(
				matchesFilters(item(repository, ["1"]), [
					f("name", pattern, "excludes"),
				]).match,
			).toBe(!match);
	});

	it("a tag filter keeps only the tags it selects, excludes keeps the others", () => {
		const a = item("p/r", ["v1.0", "v1.1", "v2.0", "latest"]);
		expect(matchesFilters(a, [f("tag", "v1.*")])).toEqual({
			match: true,
			tags: ["v1.0", "v1.1"],
		});
		expect(matchesFilters(a, [f("tag", "v1.*", "excludes")])).toEqual({
			match: true,
			tags: ["v2.0", "latest"],
		});
		expect(matchesFilters(a, [f("tag", "{latest,v2.0}")])).toEqual({
			match: true,
			tags: ["v2.0", "latest"],
		});
		expect(matchesFilters(a, [f("tag", "v3*")])).toEqual({
			match: false,
			tags: [],
		});
		expect(matchesFilters(a, [f("tag", "**", "excludes")])).toEqual({
			match: false,
			tags: [],
		});
	});

	it.each([
		// untagged artifacts: a pattern matching the empty string selects them, excludes inverts
		["**", undefined, true],
		["*", undefined, true],
		["v*", undefined, false],
		["v*", "excludes", true],
		["**", "excludes", false],
	] as const)(
		"an untagged artifact against tag %s %s: %s",
		(pattern, decoration, match) => {
			expect(
				matchesFilters(item("p/r", []), [f("tag", pattern, decoration)]),
			).toEqual({ match, tags: [] });
		},
	);

	it("a label filter needs every listed label; excludes drops artifacts that carry them all", () => {
		const a = item("p/r", ["1"], ["prod", "eu"]);
		expect(matchesFilters(a, [f("label", ["prod"])]).match).toBe(true);
		expect(matchesFilters(a, [f("label", ["prod", "eu"])]).match).toBe(true);
		expect(matchesFilters(a, [f("label", ["prod", "us"])]).match).toBe(false);
		expect(
			matchesFilters(a, [f("label", ["prod", "eu"], "excludes")]).match,
		).toBe(false);
		expect(
			matchesFilters(a, [f("label", ["prod", "us"], "excludes")]).match,
		).toBe(true);
		expect(matchesFilters(a, [f("label", [])]).match).toBe(true);
	});

	it("resource image selects images only; artifact selects everything", () => {
		expect(
			matchesFilters(item("p/r", ["1"], [], "IMAGE"), [f("resource", "image")])
				.match,
		).toBe(true);
		expect(
			matchesFilters(item("p/r", ["1"], [], "CHART"), [f("resource", "image")])
				.match,
		).toBe(false);
		expect(
			matchesFilters(item("p/r", ["1"], [], "CHART"), [
				f("resource", "artifact"),
			]).match,
		).toBe(true);
	});

	it("all filters must pass, and the tags are those every tag filter kept", () => {
		const a = item("library/app", ["v1.0", "v1.0-rc", "v2.0"], ["prod"]);
		expect(
			matchesFilters(a, [
				f("name", "library/**"),
				f("tag", "v1.*"),
				f("tag", "*-rc", "excludes"),
				f("label", ["prod"]),
			]),
		).toEqual({ match: true, tags: ["v1.0"] });
		expect(
			matchesFilters(a, [f("name", "other/**"), f("tag", "v1.*")]).match,
		).toBe(false);
		expect(matchesFilters(a, [])).toEqual({
			match: true,
			tags: ["v1.0", "v1.0-rc", "v2.0"],
		});
	});
});

describe("checkFilters", () => {
	it("accepts Harbor filter bodies and normalises them", () => {
		expect(
			checkFilters([
				{ type: "name", value: "library/**" },
				{ type: "tag", value: "v1.*", decoration: "excludes" },
				{ type: "label", value: ["prod"], decoration: "matches" },
				{ type: "resource", value: "IMAGE" },
			]),
		).toEqual([
			{ type: "name", value: "library/**" },
			{ type: "tag", value: "v1.*", decoration: "excludes" },
			{ type: "label", value: ["prod"], decoration: "matches" },
			{ type: "resource", value: "image" },
		]);
		expect(checkFilters(undefined)).toEqual([]);
	});

	it.each([
		["not a list", { type: "name" }, /must be a list/],
		[
			"an unknown type",
			[{ type: "size", value: 1 }],
			/unknown filter type "size"/,
		],
		[
			"an unclosed bracket",
			[{ type: "name", value: "lib/[ab" }],
			/"lib\/\[ab" is not a valid name pattern/,
		],
		[
			"a non-string glob",
			[{ type: "tag", value: 3 }],
			/tag filter's value must be a glob/,
		],
		[
			"a bad decoration",
			[{ type: "tag", value: "*", decoration: "includes" }],
			/decoration must be/,
		],
		[
			"a bad resource",
			[{ type: "resource", value: "helm" }],
			/one of image, artifact, chart/,
		],
		[
			"labels not a list",
			[{ type: "label", value: "prod" }],
			/list of label names/,
		],
	])("refuses %s", (_what, body, message) => {
		expect(() => checkFilters(body)).toThrow(message);
	});
});

describe("destinationRepo (Harbor flow/stage.go examples)", () => {
	it.each([
		["a/b/c", "n", -1, "n/c"],
		["a/b/c", "n", 0, "n/a/b/c"],
		["a/b/c", "n", 1, "n/b/c"],
		["a/b/c", "n", 2, "n/c"],
		["a/b/c", "n", 3, "n"],
		["c", "n", -1, "n/c"],
		["library/nginx", "mirror", 1, "mirror/nginx"],
		["library/nginx", "", 1, "library/nginx"],
		["library/nginx", "a/b", 0, "a/b/library/nginx"],
	])("%s under %s with %d: %s", (src, ns, count, dst) => {
		expect(destinationRepo(src, ns, count)).toBe(dst);
	});

	it("refuses a replace count beyond the repository path", () => {
		expect(() => destinationRepo("a/b/c", "n", 4)).toThrow(
			/only 3 path components/,
		);
	});
});
