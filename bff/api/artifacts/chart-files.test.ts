import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { helmChart } from "../../test/api-fixtures.ts";
import {
	ChartTooLargeError,
	chartDependencies,
	readChartFiles,
} from "./chart-files.ts";
import { parseCopySource } from "./service.ts";

describe("chart files", () => {
	it("reads only the top folder's files and a v1 chart's requirements", async () => {
		const tgz = await helmChart("c", {
			"values.yaml": "a: 1\n",
			"charts/sub/values.yaml": "b: 2\n",
			"requirements.yaml":
				'dependencies:\n  - name: db\n    version: 1.0.0\n    repository: "@stable"\n',
		});
		const files = await readChartFiles(Readable.from([tgz]), [
			"values.yaml",
			"readme.md",
			"chart.yaml",
			"requirements.yaml",
		]);
		expect(files.get("values.yaml")).toBe("a: 1\n");
		expect(files.has("readme.md")).toBe(false);
		expect(chartDependencies(files)).toEqual([
			{ name: "db", version: "1.0.0", repository: "@stable" },
		]);
	});

	it("stops gunzip past the decompressed cap, even with the wanted files behind it", async () => {
		const tgz = await helmChart("c", {
			"zeros.bin": "\0".repeat(4 * 1024 * 1024),
			"README.md": "# c\n",
		});
		await expect(
			readChartFiles(Readable.from([tgz]), ["readme.md"], 1024 * 1024),
		).rejects.toBeInstanceOf(ChartTooLargeError);
		expect(
			(
				await readChartFiles(
					Readable.from([tgz]),
					["readme.md"],
					8 * 1024 * 1024,
				)
			).get("readme.md"),
		).toBe("# c\n");
	});

	it("keeps what it read from a broken archive", async () => {
		const files = await readChartFiles(
			Readable.from([Buffer.from("not gzip")]),
			["values.yaml"],
		);
		expect(files.size).toBe(0);
	});
});

describe("copy source", () => {
	it("parses project/repo:tag and project/repo@digest, and refuses the rest", () => {
		expect(parseCopySource("lib/a/b:v1")).toEqual({
			project: "lib",
			repository: "lib/a/b",
			reference: "v1",
			tag: "v1",
		});
		const d = `sha256:${"a".repeat(64)}`;
		expect(parseCopySource(`lib/app@${d}`)).toEqual({
			project: "lib",
			repository: "lib/app",
			reference: d,
			tag: null,
		});
		expect(() => parseCopySource("lib/app")).toThrow();
		expect(() => parseCopySource("app:v1")).toThrow();
	});
});
