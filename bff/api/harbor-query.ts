import { badRequest } from "./errors.ts";

/**
 * Harbor's `q` syntax (src/lib/q): `k=v` exact, `k=~v` fuzzy, `k=[min~max]` range (either end may be left open),
 * `k={a b}` any of, `k=(a b)` all of; `k=\~v` is an exact `~v`. Values may be quoted (Wharf's console quotes every
 * value, so a quoted value may hold commas, spaces and brackets); times are written "2020-04-09 02:36:00". Keys are
 * checked by each list against what it supports: Harbor silently ignores a key it cannot filter on, Wharf says so.
 */
export type Condition =
	| { key: string; op: "exact"; value: string }
	| { key: string; op: "fuzzy"; value: string }
	| { key: string; op: "range"; min?: string; max?: string }
	| { key: string; op: "or"; values: string[] }
	| { key: string; op: "and"; values: string[] };

const unquote = (v: string) => v.trim().replace(/^(["'])(.*)\1$/, "$2");
const listOf = (v: string) =>
	(v.match(/"[^"]*"|'[^']*'|[^\s]+/g) ?? []).map(unquote);

/**
 * Harbor unescapes `q` once more after the query string's own decoding (Go's url.QueryUnescape: `+` is a space), so
 * clients send it encoded twice (harbor-cli's `Level%253Dproject`); a `q` that does not unescape is read as it came.
 */
function unescapeAgain(q: string): string {
	try {
		return decodeURIComponent(q.replace(/\+/g, " "));
	} catch {
		return q;
	}
}

/** Splits on commas that are not inside brackets or quotes. */
function splitTop(q: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let quote: string | null = null;
	let start = 0;
	for (let i = 0; i < q.length; i++) {
		const ch = q[i];
		if (quote) {
			if (ch === quote) quote = null;
			continue;
		}
		if (ch === '"' || ch === "'") quote = ch;
		else if ("[({".includes(ch)) depth++;
		else if ("])}".includes(ch)) depth--;
		else if (ch === "," && depth === 0) {
			parts.push(q.slice(start, i));
			start = i + 1;
		}
	}
	parts.push(q.slice(start));
	return parts.map((p) => p.trim());
}

/** Harbor's message for a value it cannot read: the value, then why. */
const invalidValue = (raw: string, why: string) =>
	badRequest(`invalid query string value: ${raw}: ${why}`);

function parseValue(key: string, raw: string): Condition {
	switch (raw[0]) {
		case "~":
			if (raw.length < 2)
				throw invalidValue(
					raw,
					'fuzzy match value must start with "~" and contain at least 1 other characters',
				);
			return { key, op: "fuzzy", value: unquote(raw.slice(1)) };
		case "[": {
			if (!raw.endsWith("]") || raw.split("~").length !== 2) {
				throw invalidValue(
					raw,
					'range must start with "[", end with "]" and contains only one "~"',
				);
			}
			const [min, max] = raw.slice(1, -1).split("~").map(unquote);
			if (!min && !max)
				throw invalidValue(
					raw,
					"min and max at least one should be set in range",
				);
			return { key, op: "range", min: min || undefined, max: max || undefined };
		}
		case "{":
			if (!raw.endsWith("}"))
				throw invalidValue(raw, 'or list must start with "{" and end with "}"');
			return { key, op: "or", values: listOf(raw.slice(1, -1)) };
		case "(":
			if (!raw.endsWith(")"))
				throw invalidValue(
					raw,
					'and list must start with "(" and end with ")"',
				);
			return { key, op: "and", values: listOf(raw.slice(1, -1)) };
		case "\\":
			return { key, op: "exact", value: raw.slice(1) };
		default:
			return { key, op: "exact", value: unquote(raw) };
	}
}

export function parseQuery(
	q: unknown,
	allowed: readonly string[],
): Condition[] {
	if (q === undefined || q === "") return [];
	if (typeof q !== "string") throw badRequest("q must be a single string");
	// A key given twice keeps its last condition, as Harbor's keyword map does.
	const byKey = new Map<string, Condition>();
	for (const part of splitTop(unescapeAgain(q))) {
		const eq = part.indexOf("=");
		const key = part.slice(0, eq).trim();
		const raw = part.slice(eq + 1).trim();
		if (eq < 0 || !key || !raw)
			throw badRequest(
				'the query string must contain "=" and the key/value cannot be empty',
			);
		const condition = parseValue(key, raw);
		if (!allowed.includes(key))
			throw badRequest(
				`unsupported query key: ${key} (supported: ${allowed.join(", ")})`,
			);
		byKey.delete(key);
		byKey.set(key, condition);
	}
	return [...byKey.values()];
}

export type SortKey = { key: string; desc: boolean };

/**
 * `sort=field1,-field2`. A field the list cannot sort on is skipped, as Harbor's ORM skips it: only the order changes
 * (harbor-cli documents `--sort "op_time:desc"`, which Harbor ignores), where an ignored `q` key would widen the list.
 */
export function parseSort(
	sort: unknown,
	allowed: readonly string[],
): SortKey[] {
	if (sort === undefined || sort === "") return [];
	if (typeof sort !== "string")
		throw badRequest("sort must be a single string");
	return sort
		.split(",")
		.map((s) => s.trim())
		.flatMap((s) => {
			const desc = s.startsWith("-");
			const key = desc ? s.slice(1) : s;
			return allowed.includes(key) ? [{ key, desc }] : [];
		});
}

/**
 * Harbor writes times in `q` as "2020-04-09 02:36:00" and reads "2020-04-09T02:36:00" too, both UTC; stored times
 * are ISO strings.
 */
export const queryTimeToIso = (v: string) => {
	const d = new Date(
		/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$/.test(v)
			? `${v.replace(" ", "T")}Z`
			: v,
	);
	if (Number.isNaN(d.getTime()))
		throw badRequest(`invalid time in query: ${v}`);
	return d.toISOString();
};
