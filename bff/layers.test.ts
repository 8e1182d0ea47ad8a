import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * DESIGN.md "Layers, and what may import what": an arrow never runs back up. `wharf.ts` (the composition root) → `api/`
 * → `auth/`, `jobs/`, `audit/` → `core/` → `db/`, with the typed error family (`http/errors.ts`) below `auth/` and
 * `api/`. Tests (`*.test.ts`, `bff/test/`) and benches compose whole servers and stand outside the layers.
 */
const bff = path.dirname(new URL(import.meta.url).pathname);

/** One import: the importing file and what it names, both relative to bff/ (a package stays a bare name). */
type Edge = { from: string; to: string; typeOnly: boolean };

/** Every import in a source text: static, re-exports, side effects, `import('…')` and `import('…').Type` alike. */
function importsIn(source: string): { spec: string; typeOnly: boolean }[] {
	const file = ts.createSourceFile(
		"x.ts",
		source,
		ts.ScriptTarget.Latest,
		true,
	);
	const found: { spec: string; typeOnly: boolean }[] = [];
	const visit = (node: ts.Node) => {
		if (
			ts.isImportDeclaration(node) &&
			ts.isStringLiteral(node.moduleSpecifier)
		) {
			const clause = node.importClause;
			const named =
				clause?.namedBindings && ts.isNamedImports(clause.namedBindings)
					? clause.namedBindings.elements
					: undefined;
			const typeOnly =
				!!clause &&
				(clause.isTypeOnly ||
					(!clause.name &&
						!!named &&
						named.length > 0 &&
						named.every((e) => e.isTypeOnly)));
			found.push({ spec: node.moduleSpecifier.text, typeOnly });
		} else if (
			ts.isExportDeclaration(node) &&
			node.moduleSpecifier &&
			ts.isStringLiteral(node.moduleSpecifier)
		) {
			found.push({
				spec: node.moduleSpecifier.text,
				typeOnly: node.isTypeOnly,
			});
		} else if (
			ts.isImportTypeNode(node) &&
			ts.isLiteralTypeNode(node.argument) &&
			ts.isStringLiteral(node.argument.literal)
		) {
			found.push({ spec: node.argument.literal.text, typeOnly: true });
		} else if (
			ts.isCallExpression(node) &&
			node.expression.kind === ts.SyntaxKind.ImportKeyword &&
			node.arguments[0] &&
			ts.isStringLiteral(node.arguments[0])
		) {
			found.push({ spec: node.arguments[0].text, typeOnly: false });
		}
		ts.forEachChild(node, visit);
	};
	visit(file);
	return found;
}

const filesOf = (dir: string): string[] =>
	readdirSync(dir).flatMap((f) => {
		const p = path.join(dir, f);
		return statSync(p).isDirectory()
			? filesOf(p)
			: /\.tsx?$/.test(f)
				? [p]
				: [];
	});

/** The import graph of the tree under bff/, outside the tests and benches. */
function realGraph(): Edge[] {
	return filesOf(bff)
		.filter((f) => !isOutsideLayers(path.relative(bff, f)))
		.flatMap((f) => {
			const from = path.relative(bff, f).split(path.sep).join("/");
			return importsIn(readFileSync(f, "utf8")).map(({ spec, typeOnly }) => ({
				from,
				typeOnly,
				to: spec.startsWith(".")
					? path
							.relative(bff, path.resolve(path.dirname(f), spec))
							.split(path.sep)
							.join("/")
					: spec,
			}));
		});
}

const isOutsideLayers = (file: string) =>
	/\.test\.tsx?$/.test(file) || /^(test|bench)\//.test(file);
const under = (folder: string) => (file: string) =>
	file.startsWith(`${folder}/`);
/** A store persists; it knows no HTTP. */
const isStore = (file: string) => /(^|\/)([\w-]+-)?store\.ts$/.test(file);
/** What a slice keeps beside it for `db/schema.ts` to compose: its table types. */
const isTableTypes = (file: string) =>
	/(^|\/)([\w-]+-)?tables?\.ts$/.test(file);
const isHttpPackage = (to: string) =>
	/^(express|http-proxy-middleware|helmet|pino-http)(\/|$)/.test(to);
const isBffModule = (to: string) => !to.startsWith("..") && /\.tsx?$/.test(to);

type Rule = {
	name: string;
	applies: (from: string) => boolean;
	refuses: (edge: Edge) => boolean;
};
const rules: Rule[] = [
	{
		name: "auth/ imports nothing from api/",
		applies: under("auth"),
		refuses: (e) => under("api")(e.to),
	},
	{
		name: "core/ imports neither auth/ nor api/",
		applies: under("core"),
		refuses: (e) => under("auth")(e.to) || under("api")(e.to),
	},
	{
		name: "http/ (the typed errors) imports nothing from api/ or auth/",
		applies: under("http"),
		refuses: (e) => under("api")(e.to) || under("auth")(e.to),
	},
	{
		name: "a store imports no Express",
		applies: isStore,
		refuses: (e) => isHttpPackage(e.to),
	},
	{
		name: "db/ imports nothing above it, but db/schema.ts may compose the table types slices keep beside them",
		applies: under("db"),
		refuses: (e) =>
			isBffModule(e.to) &&
			!under("db")(e.to) &&
			!(e.from === "db/schema.ts" && e.typeOnly && isTableTypes(e.to)),
	},
];

/** The edges that run back up, as `rule: from → to`. */
const violations = (graph: Edge[]) =>
	graph.flatMap((e) =>
		rules
			.filter((r) => r.applies(e.from) && r.refuses(e))
			.map((r) => `${r.name}: ${e.from} → ${e.to}`),
	);

describe("the server's layers", () => {
	it("run one way in the tree as it is", () => {
		const graph = realGraph();
		// The scan saw the layers and their imports: an empty list below is not an empty scan.
		for (const folder of ["auth", "core", "db", "api"])
			expect(
				graph.some((e) => under(folder)(e.from)),
				folder,
			).toBe(true);
		expect(graph.filter((e) => isStore(e.from)).length).toBeGreaterThan(20);
		expect(
			graph.some((e) => e.from === "db/schema.ts" && isTableTypes(e.to)),
		).toBe(true);
		expect(violations(graph)).toEqual([]);
	});

	it("finds an import that runs back up, for every rule", () => {
		const edge = (from: string, to: string, typeOnly = false): Edge => ({
			from,
			to,
			typeOnly,
		});
		const graph = [
			edge("auth/sessions.ts", "api/errors.ts"),
			edge("auth/sessions.ts", "api/errors.ts", true),
			edge("core/routes/blobs.ts", "auth/policy.ts"),
			edge("core/store.ts", "api/projects/service.ts"),
			edge("http/errors.ts", "auth/policy.ts"),
			edge("api/labels/store.ts", "express"),
			edge("core/store.ts", "express", true),
			edge("gc/store.ts", "http-proxy-middleware"),
			edge("db/database.ts", "api/projects/store.ts"),
			edge("db/schema.ts", "api/labels/table.ts"), // a value import: more than the types
			edge("db/schema.ts", "api/labels/service.ts", true), // not a table's types
			edge("db/migrations/0003-labels.ts", "api/labels/table.ts", true), // only schema.ts composes
			// Allowed: each runs down, or is the one exception.
			edge("auth/sessions.ts", "http/errors.ts"),
			edge("api/errors.ts", "http/errors.ts"),
			edge("api/projects/router.ts", "auth/policy.ts"),
			edge("core/store.ts", "db/schema.ts"),
			edge("api/projects/store.ts", "kysely"),
			edge("db/schema.ts", "api/labels/table.ts", true),
			edge("db/schema.ts", "retention/tables.ts", true),
			edge("db/schema.ts", "auth/robots-table.ts", true),
		];
		expect(violations(graph)).toEqual([
			"auth/ imports nothing from api/: auth/sessions.ts → api/errors.ts",
			"auth/ imports nothing from api/: auth/sessions.ts → api/errors.ts",
			"core/ imports neither auth/ nor api/: core/routes/blobs.ts → auth/policy.ts",
			"core/ imports neither auth/ nor api/: core/store.ts → api/projects/service.ts",
			"http/ (the typed errors) imports nothing from api/ or auth/: http/errors.ts → auth/policy.ts",
			"a store imports no Express: api/labels/store.ts → express",
			"a store imports no Express: core/store.ts → express",
			"a store imports no Express: gc/store.ts → http-proxy-middleware",
			"db/ imports nothing above it, but db/schema.ts may compose the table types slices keep beside them: db/database.ts → api/projects/store.ts",
			"db/ imports nothing above it, but db/schema.ts may compose the table types slices keep beside them: db/schema.ts → api/labels/table.ts",
			"db/ imports nothing above it, but db/schema.ts may compose the table types slices keep beside them: db/schema.ts → api/labels/service.ts",
			"db/ imports nothing above it, but db/schema.ts may compose the table types slices keep beside them: db/migrations/0003-labels.ts → api/labels/table.ts",
		]);
	});

	it("reads every form of import, and tells type-only ones apart", () => {
		const source = [
			"import { forbidden } from '../api/errors.ts';",
			"import type { Db } from '../db/database.ts';",
			"import { type Principal, type Role } from './policy.ts';",
			"import express, { type Request } from 'express';",
			"export { notFound } from '../api/errors.ts';",
			"export type { Sessions } from './sessions.ts';",
			"import './side-effect.ts';",
			"const lazy = () => import('../api/projects/service.ts');",
			"type T = import('../api/labels/table.ts').LabelsTable;",
		].join("\n");
		expect(importsIn(source)).toEqual([
			{ spec: "../api/errors.ts", typeOnly: false },
			{ spec: "../db/database.ts", typeOnly: true },
			{ spec: "./policy.ts", typeOnly: true },
			{ spec: "express", typeOnly: false },
			{ spec: "../api/errors.ts", typeOnly: false },
			{ spec: "./sessions.ts", typeOnly: true },
			{ spec: "./side-effect.ts", typeOnly: false },
			{ spec: "../api/projects/service.ts", typeOnly: false },
			{ spec: "../api/labels/table.ts", typeOnly: true },
		]);
	});
});
