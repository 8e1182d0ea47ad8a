import { describe, expect, it } from "vitest";
import { chipColors, contrastRatio } from "./label-colors.ts";

describe("label chip colours", () => {
	it("paints #rrggbb and #rgb alike, with the text that contrasts more", () => {
		expect(chipColors("#1d7a46")).toEqual({
			background: "#1d7a46",
			text: "#ffffff",
		});
		expect(chipColors("#fff")).toEqual({ background: "#fff", text: "#000000" });
		expect(chipColors("#000")).toEqual({ background: "#000", text: "#ffffff" });
		expect(chipColors("#BFDBFE")).toEqual({
			background: "#BFDBFE",
			text: "#000000",
		});
	});

	it("picks black or white by the higher WCAG contrast ratio, at least 4.5:1 on these", () => {
		const cases = {
			"#ff0000": "#000000",
			"#0000ff": "#ffffff",
			"#ffff00": "#000000",
			"#777777": "#000000",
		};
		for (const [background, text] of Object.entries(cases)) {
			expect(chipColors(background)?.text, background).toBe(text);
			expect(
				contrastRatio(background, text),
				background,
			).toBeGreaterThanOrEqual(4.5);
		}
	});

	it("leaves anything else to the neutral chip", () => {
		for (const c of [
			"",
			"red",
			"#12345",
			"#ggg",
			"url(x)",
			"#1d7a46; background: url(x)",
		])
			expect(chipColors(c)).toBeNull();
	});
});
