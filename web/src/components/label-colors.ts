/** Any colour a label may hold that the chip paints: #rgb or #rrggbb (labels made through the API may hold anything). */
const hexColor = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** Relative luminance (WCAG) of a #rgb or #rrggbb colour. */
function luminance(hex: string): number {
	const h =
		hex.length === 4
			? [...hex.slice(1)].map((c) => c + c).join("")
			: hex.slice(1);
	const [r, g, b] = [0, 2, 4].map((i) => {
		const c = parseInt(h.slice(i, i + 2), 16) / 255;
		return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrast = (a: number, b: number) =>
	(Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/**
 * Background and text colours for a label: its own colour when it is a plain hex colour, with black or white text,
 * whichever has the higher WCAG contrast ratio against it (black is the only choice that reaches 4.5:1 on a pure red,
 * where the near-black used before fell just short); null for anything else (the chip then uses its neutral colours).
 */
export function chipColors(
	color: string,
): { background: string; text: string } | null {
	const c = color.trim();
	if (!hexColor.test(c)) return null;
	const l = luminance(c);
	return {
		background: c,
		text: contrast(l, 0) >= contrast(l, 1) ? "#000000" : "#ffffff",
	};
}

/** The contrast ratio (WCAG) between two #rgb or #rrggbb colours: 1 to 21. */
export const contrastRatio = (a: string, b: string) =>
	contrast(luminance(a), luminance(b));
