/** The largest KB/s Harbor's int32 `speed` and `proxy_speed_kb` hold. */
const maxKb = 2 ** 31 - 1;

/**
 * A bandwidth limit as typed, in KB/s: a whole number above 0, or -1 for unlimited, as replication rules and proxy
 * caches take it. Anything else (0, a fraction, words, nothing) is null: the form says so before sending.
 */
export function bandwidthKb(text: string): number | null {
	const s = text.trim();
	if (!/^-?\d+$/.test(s)) return null;
	const n = Number(s);
	return n === -1 || (n > 0 && n <= maxKb) ? n : null;
}
