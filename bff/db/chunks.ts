/**
 * Most values one statement binds: SQLite allows 32,766 variables and Postgres 65,535, and a manifest may name
 * thousands of digests, so `IN (…)` lists and multi-row inserts go in slices of this many.
 */
const sqlChunk = 500;

/** `items` without repeats, in slices of `sqlChunk`. */
export function chunks<T>(items: Iterable<T>, size = sqlChunk): T[][] {
	const unique = [...new Set(items)];
	const out: T[][] = [];
	for (let i = 0; i < unique.length; i += size)
		out.push(unique.slice(i, i + size));
	return out;
}
