/** How sizes and times read in the console, in the user's language. */
const units = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(n: number | null | undefined): string {
	if (n === null || n === undefined || n < 0) return "—";
	let v = n;
	let u = 0;
	while (v >= 1024 && u < units.length - 1) {
		v /= 1024;
		u += 1;
	}
	return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** To the minute, or to the second with `seconds` (entries a minute apart, such as the audit log's, are told apart). */
export function formatTime(
	iso: string | null | undefined,
	lang: string,
	{ seconds = false }: { seconds?: boolean } = {},
): string {
	if (!iso || iso.startsWith("0001-")) return "—";
	const d = new Date(iso);
	return Number.isNaN(d.getTime())
		? "—"
		: d.toLocaleString(lang, {
				dateStyle: "medium",
				timeStyle: seconds ? "medium" : "short",
			});
}

/** `sha256:abcdef…` shortened for tables; the full digest stays in a title and the copy button. */
export const shortDigest = (digest: string) =>
	digest.replace(/^(sha\d+:)([0-9a-f]{12})[0-9a-f]*$/, "$1$2");
