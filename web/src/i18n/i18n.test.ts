import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dir = path.dirname(new URL(import.meta.url).pathname);
const load = (lang: string) =>
	Object.fromEntries(
		readdirSync(path.join(dir, lang)).map((f) => [
			f,
			JSON.parse(readFileSync(path.join(dir, lang, f), "utf8")) as Record<
				string,
				string
			>,
		]),
	);

describe("console strings", () => {
	const en = load("en");
	const zh = load("zh-CN");

	it("has the same files and keys in English and 简体中文, none blank", () => {
		expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
		for (const file of Object.keys(en)) {
			expect(Object.keys(zh[file]).sort(), file).toEqual(
				Object.keys(en[file]).sort(),
			);
			for (const [k, v] of [
				...Object.entries(en[file]),
				...Object.entries(zh[file]),
			])
				expect(v.trim(), `${file}: ${k}`).not.toBe("");
		}
	});

	it("keeps each key in one file only, so merging the files loses nothing", () => {
		const seen = new Map<string, string>();
		for (const [file, strings] of Object.entries(en)) {
			for (const k of Object.keys(strings)) {
				expect(
					seen.get(k),
					`${k} in ${file} and ${seen.get(k)}`,
				).toBeUndefined();
				seen.set(k, file);
			}
		}
	});
});
