import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** STYLE.md: an area never imports another area's internals; what several areas share lives in components/. */
const pages = path.dirname(new URL(import.meta.url).pathname);
const areas = readdirSync(pages).filter((f) =>
	statSync(path.join(pages, f)).isDirectory(),
);

const filesOf = (dir: string): string[] =>
	readdirSync(dir).flatMap((f) => {
		const p = path.join(dir, f);
		return statSync(p).isDirectory()
			? filesOf(p)
			: /\.tsx?$/.test(f)
				? [p]
				: [];
	});

// Static imports, re-exports (`export … from`) and dynamic `import('…')` alike, in either quote (the formatter picks one).
const importSpecs = (source: string) =>
	[...source.matchAll(/(?:from\s+|import\s*\(\s*)(['"])([^'"]+)\1/g)].map(
		([, , spec]) => spec,
	);

/** The relative imports of `file` (in `area`), and those of them that land in another area's folder. */
function importsOf(
	file: string,
	area: string,
	source = readFileSync(file, "utf8"),
) {
	const relative = importSpecs(source).filter((spec) => spec.startsWith("."));
	const crossings = relative.flatMap((spec) => {
		const target = path.relative(pages, path.resolve(path.dirname(file), spec));
		const targetArea = target.split(path.sep)[0];
		return !target.startsWith("..") &&
			areas.includes(targetArea) &&
			targetArea !== area
			? [`${path.relative(pages, file)} → ${target}`]
			: [];
	});
	return { relative, crossings };
}

describe("console areas", () => {
	it("import nothing from another area's folder", () => {
		const crossings: string[] = [];
		let relativeImports = 0;
		for (const area of areas) {
			for (const file of filesOf(path.join(pages, area))) {
				const found = importsOf(file, area);
				relativeImports += found.relative.length;
				crossings.push(...found.crossings);
			}
		}
		// The scan saw the areas and their imports: an empty list below is not an empty scan.
		expect(areas.length).toBeGreaterThan(3);
		expect(relativeImports).toBeGreaterThan(50);
		expect(crossings).toEqual([]);
	});

	it("finds a crossing when there is one, in each form of import", () => {
		const file = path.join(pages, "robots", "sample.tsx");
		const sample = [
			"import { Layers } from '../repositories/layers.tsx';",
			"export { Overview } from '../repositories/overview.tsx';",
			"const page = lazy(() => import('../admin/users-page.tsx'));",
			"import { Button } from '../../components/button.tsx';",
			"import { PermissionPicker } from './permission-picker.tsx';",
			'import { Members } from "../webhooks/webhooks-tab.tsx";',
		].join("\n");
		expect(importsOf(file, "robots", sample)).toEqual({
			relative: [
				"../repositories/layers.tsx",
				"../repositories/overview.tsx",
				"../admin/users-page.tsx",
				"../../components/button.tsx",
				"./permission-picker.tsx",
				"../webhooks/webhooks-tab.tsx",
			],
			crossings: [
				`robots${path.sep}sample.tsx → ${path.join("repositories", "layers.tsx")}`,
				`robots${path.sep}sample.tsx → ${path.join("repositories", "overview.tsx")}`,
				`robots${path.sep}sample.tsx → ${path.join("admin", "users-page.tsx")}`,
				`robots${path.sep}sample.tsx → ${path.join("webhooks", "webhooks-tab.tsx")}`,
			],
		});
	});
});
