import { describe, expect, it } from "vitest";
import { isChunkLoadError } from "./stale-chunk.ts";

describe("a page that failed to load", () => {
	it("is told apart by each browser's wording", () => {
		expect(
			isChunkLoadError(
				new TypeError(
					"Failed to fetch dynamically imported module: http://x/assets/a-1.js",
				),
			),
		).toBe(true); // Chromium
		expect(
			isChunkLoadError(
				new TypeError(
					"error loading dynamically imported module: http://x/assets/a-1.js",
				),
			),
		).toBe(true); // Firefox
		expect(
			isChunkLoadError(new TypeError("Importing a module script failed.")),
		).toBe(true); // Safari
		expect(
			isChunkLoadError(new Error("Unable to preload CSS for /assets/a-1.css")),
		).toBe(true); // Vite
	});

	it("is not any other error", () => {
		expect(isChunkLoadError(new Error("boom"))).toBe(false);
		expect(isChunkLoadError(undefined)).toBe(false);
		expect(isChunkLoadError({ status: 404 })).toBe(false);
	});
});
