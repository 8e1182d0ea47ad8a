import { describe, expect, it } from "vitest";
import { bandwidthKb } from "./bandwidth.ts";

describe("bandwidth limit", () => {
	it("takes -1 (unlimited) or a whole number of KB/s above 0", () => {
		expect(bandwidthKb("-1")).toBe(-1);
		expect(bandwidthKb(" 2048 ")).toBe(2048);
		expect(bandwidthKb(String(2 ** 31 - 1))).toBe(2 ** 31 - 1);
	});

	it("refuses 0, other negatives, fractions, words, nothing and more than an int32", () => {
		for (const s of ["0", "-2", "1.5", "fast", "", " ", "1e3", String(2 ** 31)])
			expect(bandwidthKb(s), s).toBeNull();
	});
});
