/** Harbor's severity words, lowest first. */
export const severityOrder = [
	"Unknown",
	"Low",
	"Medium",
	"High",
	"Critical",
] as const;
export type Severity = (typeof severityOrder)[number];

const weights: Record<string, Record<string, number>> = {
	AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
	AC: { L: 0.77, H: 0.44 },
	UI: { N: 0.85, R: 0.62 },
	C: { H: 0.56, L: 0.22, N: 0 },
	I: { H: 0.56, L: 0.22, N: 0 },
	A: { H: 0.56, L: 0.22, N: 0 },
};

/** CVSS 3.1's Roundup: the smallest number with one decimal at or above x, free of floating-point noise. */
function roundUp(x: number): number {
	const i = Math.round(x * 100_000);
	return i % 10_000 === 0 ? i / 100_000 : (Math.floor(i / 10_000) + 1) / 10;
}

/** The base score of a CVSS 3.0 or 3.1 vector (`CVSS:3.1/AV:N/…`), or undefined for anything else. */
export function cvss3BaseScore(vector: string): number | undefined {
	const m = /^CVSS:3\.[01]\/(.*)$/.exec(vector.trim());
	if (!m) return undefined;
	const v = new Map(
		m[1].split("/").map((kv) => kv.split(":") as [string, string]),
	);
	const scope = v.get("S");
	const pr = v.get("PR");
	const w = (k: string) => weights[k][v.get(k) ?? ""];
	const prW =
		pr === "N"
			? 0.85
			: pr === "L"
				? scope === "C"
					? 0.68
					: 0.62
				: pr === "H"
					? scope === "C"
						? 0.5
						: 0.27
					: undefined;
	const all = [w("AV"), w("AC"), w("UI"), w("C"), w("I"), w("A"), prW];
	if ((scope !== "U" && scope !== "C") || all.some((x) => x === undefined))
		return undefined;
	const [av, ac, ui, c, i, a] = all as number[];
	const iss = 1 - (1 - c) * (1 - i) * (1 - a);
	const impact =
		scope === "U"
			? 6.42 * iss
			: 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
	const exploitability = 8.22 * av * ac * (prW as number) * ui;
	if (impact <= 0) return 0;
	return scope === "U"
		? roundUp(Math.min(impact + exploitability, 10))
		: roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

/** CVSS's qualitative rating of a score, in Harbor's words (a score of 0 rates nothing: Unknown). */
export function severityOfScore(score: number): Severity {
	if (score >= 9) return "Critical";
	if (score >= 7) return "High";
	if (score >= 4) return "Medium";
	if (score > 0) return "Low";
	return "Unknown";
}

/** A database's own word for severity (GitHub's MODERATE, Debian's urgency, Ubuntu's priority) in Harbor's. */
export function severityOfWord(word: unknown): Severity | undefined {
	if (typeof word !== "string") return undefined;
	switch (word.trim().toLowerCase()) {
		case "critical":
			return "Critical";
		case "high":
		case "important":
			return "High";
		case "moderate":
		case "medium":
			return "Medium";
		case "low":
		case "minor":
		case "negligible":
		case "unimportant":
			return "Low";
		default:
			return undefined;
	}
}
