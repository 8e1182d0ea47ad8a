import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { matches, operationsByTag, type SwaggerDoc } from "./swagger.ts";

const doc = parse(
	readFileSync(
		new URL(
			"../../../../bff/test/contract/harbor-api-v2.0-swagger.yaml",
			import.meta.url,
		),
		"utf8",
	),
) as SwaggerDoc;

describe("the API explorer's reading of Harbor's swagger", () => {
	const groups = operationsByTag(doc);
	const all = groups.flatMap((g) => g.ops);

	it("lists every operation of the document once, under its tag", () => {
		const count = Object.values(doc.paths ?? {}).reduce(
			(n, item) =>
				n +
				Object.keys(item).filter((k) =>
					["get", "head", "post", "put", "patch", "delete", "options"].includes(
						k,
					),
				).length,
			0,
		);
		expect(all).toHaveLength(count);
		expect(
			groups
				.find((g) => g.tag === "project")
				?.ops.some((o) => o.method === "get" && o.path === "/projects"),
		).toBe(true);
	});

	it("resolves shared parameters and names response schemas", () => {
		const listProjects = all.find((o) => o.operationId === "listProjects")!;
		expect(listProjects.parameters.map((p) => p.name)).toEqual(
			expect.arrayContaining(["X-Request-Id", "page", "page_size", "q"]),
		);
		expect(listProjects.responses.find((r) => r.code === "200")?.schema).toBe(
			"array of Project",
		);
	});

	it("filters by path, summary, operation id or tag, ignoring case", () => {
		const op = all.find((o) => o.operationId === "listProjects")!;
		expect(matches(op, "LISTPROJ")).toBe(true);
		expect(matches(op, "/projects")).toBe(true);
		expect(matches(op, "robotv1")).toBe(false);
	});
});
