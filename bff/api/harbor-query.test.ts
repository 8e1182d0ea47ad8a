import { describe, expect, it } from "vitest";
import { parseQuery, parseSort, queryTimeToIso } from "./harbor-query.ts";

describe("Harbor's q syntax", () => {
	const keys = [
		"name",
		"public",
		"operation",
		"op_time",
		"tags",
		"labels",
		"Level",
		"ProjectID",
	];
	it("reads exact, fuzzy, range, any-of and all-of conditions", () => {
		expect(parseQuery("name=~foo,public=true", keys)).toEqual([
			{ key: "name", op: "fuzzy", value: "foo" },
			{ key: "public", op: "exact", value: "true" },
		]);
		expect(
			parseQuery(
				"operation={create delete},op_time=[2024-01-01 00:00:00~2024-02-01 00:00:00]",
				keys,
			),
		).toEqual([
			{ key: "operation", op: "or", values: ["create", "delete"] },
			{
				key: "op_time",
				op: "range",
				min: "2024-01-01 00:00:00",
				max: "2024-02-01 00:00:00",
			},
		]);
		expect(parseQuery("labels=(1 2),tags=*", keys)).toEqual([
			{ key: "labels", op: "and", values: ["1", "2"] },
			{ key: "tags", op: "exact", value: "*" },
		]);
		expect(parseQuery('name="a,b"', keys)).toEqual([
			{ key: "name", op: "exact", value: "a,b" },
		]);
	});

	it("reads ranges open at either end, with their ends trimmed and unquoted", () => {
		expect(parseQuery("op_time=[2024-01-01 00:00:00~]", keys)).toEqual([
			{
				key: "op_time",
				op: "range",
				min: "2024-01-01 00:00:00",
				max: undefined,
			},
		]);
		expect(parseQuery('op_time=[~ "2024-01-01T00:00:00" ]', keys)).toEqual([
			{
				key: "op_time",
				op: "range",
				min: undefined,
				max: "2024-01-01T00:00:00",
			},
		]);
	});

	it("reads lists split on spaces, dropping empty members", () => {
		expect(parseQuery("operation={create  delete }", keys)).toEqual([
			{ key: "operation", op: "or", values: ["create", "delete"] },
		]);
		expect(parseQuery("operation={}", keys)).toEqual([
			{ key: "operation", op: "or", values: [] },
		]);
	});

	it("reads a leading backslash as the escape of an exact value", () => {
		expect(parseQuery("name=\\~foo", keys)).toEqual([
			{ key: "name", op: "exact", value: "~foo" },
		]);
		expect(parseQuery("name=\\[a~b]", keys)).toEqual([
			{ key: "name", op: "exact", value: "[a~b]" },
		]);
	});

	it("unescapes q a second time, as Harbor does for clients that encode it twice", () => {
		// harbor-cli's ProjectQString after the query string's own decoding.
		expect(parseQuery("Level%3Dproject%2CProjectID%3D2", keys)).toEqual([
			{ key: "Level", op: "exact", value: "project" },
			{ key: "ProjectID", op: "exact", value: "2" },
		]);
		// @hapic/harbor's findOne: URLSearchParams wrote `~` as %7E.
		expect(parseQuery("name=%7Eapp", keys)).toEqual([
			{ key: "name", op: "fuzzy", value: "app" },
		]);
		// Go's QueryUnescape: `+` is a space, `%2B` a plus.
		expect(parseQuery("name=proj%2Bbot", keys)).toEqual([
			{ key: "name", op: "exact", value: "proj+bot" },
		]);
		expect(parseQuery("op_time=[2024-01-01+00:00:00~]", keys)).toEqual([
			{
				key: "op_time",
				op: "range",
				min: "2024-01-01 00:00:00",
				max: undefined,
			},
		]);
	});

	it("reads a q that does not unescape as it came", () => {
		expect(parseQuery("name=~100%", keys)).toEqual([
			{ key: "name", op: "fuzzy", value: "100%" },
		]);
		expect(parseQuery("name=~%E0%A4%A", keys)).toEqual([
			{ key: "name", op: "fuzzy", value: "%E0%A4%A" },
		]);
	});

	it("keeps the last condition of a key given twice, as Harbor does", () => {
		expect(parseQuery("name=a,public=true,name=~b", keys)).toEqual([
			{ key: "public", op: "exact", value: "true" },
			{ key: "name", op: "fuzzy", value: "b" },
		]);
	});

	it("refuses what Harbor refuses, with Harbor's messages", () => {
		const noPair =
			/^the query string must contain "=" and the key\/value cannot be empty$/;
		expect(() => parseQuery("garbage", keys)).toThrow(noPair);
		expect(() => parseQuery("=v", keys)).toThrow(noPair);
		expect(() => parseQuery("name=", keys)).toThrow(noPair);
		expect(() => parseQuery("name=a,", keys)).toThrow(noPair);
		expect(() => parseQuery("name=~", keys)).toThrow(
			'invalid query string value: ~: fuzzy match value must start with "~" and contain at least 1 other characters',
		);
		const badRange =
			/range must start with "\[", end with "\]" and contains only one "~"/;
		expect(() => parseQuery("op_time=[a~b", keys)).toThrow(badRange);
		expect(() => parseQuery("op_time=[a]", keys)).toThrow(badRange);
		expect(() => parseQuery("op_time=[a~b~c]", keys)).toThrow(badRange);
		expect(() => parseQuery("op_time=[ ~ ]", keys)).toThrow(
			"invalid query string value: [ ~ ]: min and max at least one should be set in range",
		);
		expect(() => parseQuery("operation={a b", keys)).toThrow(
			'or list must start with "{" and end with "}"',
		);
		expect(() => parseQuery("labels=(1 2", keys)).toThrow(
			'and list must start with "(" and end with ")"',
		);
	});

	it("refuses keys the list does not support, with a clear message", () => {
		expect(() => parseQuery("owner=x", keys)).toThrow(
			/unsupported query key: owner/,
		);
	});

	it("reads sort fields with a minus for descending", () => {
		expect(parseSort("name,-creation_time", ["name", "creation_time"])).toEqual(
			[
				{ key: "name", desc: false },
				{ key: "creation_time", desc: true },
			],
		);
	});
	it("skips sort fields the list cannot sort on, as Harbor does", () => {
		expect(parseSort("password,-name", ["name"])).toEqual([
			{ key: "name", desc: true },
		]);
		expect(parseSort("op_time:desc", ["op_time"])).toEqual([]);
		expect(parseSort(",-,", ["name"])).toEqual([]);
	});

	it("reads Harbor query times as UTC, with a space or a T", () => {
		expect(queryTimeToIso("2024-01-01 00:00:00")).toBe(
			"2024-01-01T00:00:00.000Z",
		);
		expect(queryTimeToIso("2024-01-01T00:00:00")).toBe(
			"2024-01-01T00:00:00.000Z",
		);
		expect(() => queryTimeToIso("yesterday")).toThrow(/invalid time in query/);
	});
});
