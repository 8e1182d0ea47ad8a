import { badRequest } from './errors.ts';

/**
 * Harbor's `q` syntax: `k=v` exact, `k=~v` fuzzy, `k=[min~max]` range, `k={a b}` any of, `k=(a b)` all of.
 * Values may be quoted; times are written "2020-04-09 02:36:00". Keys are checked by each list against what it supports.
 */
export type Condition =
  | { key: string; op: 'exact'; value: string }
  | { key: string; op: 'fuzzy'; value: string }
  | { key: string; op: 'range'; min?: string; max?: string }
  | { key: string; op: 'or'; values: string[] }
  | { key: string; op: 'and'; values: string[] };

const unquote = (v: string) => v.trim().replace(/^(["'])(.*)\1$/, '$2');
const listOf = (v: string) => (v.match(/"[^"]*"|'[^']*'|[^\s]+/g) ?? []).map(unquote);

/** Splits on commas that are not inside brackets or quotes. */
function splitTop(q: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < q.length; i++) {
    const ch = q[i];
    if (quote) { if (ch === quote) quote = null; continue; }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('[({'.includes(ch)) depth++;
    else if ('])}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) { parts.push(q.slice(start, i)); start = i + 1; }
  }
  parts.push(q.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseQuery(q: unknown, allowed: readonly string[]): Condition[] {
  if (q === undefined || q === '') return [];
  if (typeof q !== 'string') throw badRequest('q must be a single string');
  return splitTop(q).map((part): Condition => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw badRequest(`invalid query: ${part}`);
    const key = part.slice(0, eq).trim();
    if (!allowed.includes(key)) throw badRequest(`unsupported query key: ${key} (supported: ${allowed.join(', ')})`);
    const raw = part.slice(eq + 1).trim();
    if (raw.startsWith('~')) return { key, op: 'fuzzy', value: unquote(raw.slice(1)) };
    if (raw.startsWith('[') && raw.endsWith(']')) {
      const [min, max] = raw.slice(1, -1).split('~').map(unquote);
      return { key, op: 'range', min: min || undefined, max: max || undefined };
    }
    if (raw.startsWith('{') && raw.endsWith('}')) return { key, op: 'or', values: listOf(raw.slice(1, -1)) };
    if (raw.startsWith('(') && raw.endsWith(')')) return { key, op: 'and', values: listOf(raw.slice(1, -1)) };
    return { key, op: 'exact', value: unquote(raw) };
  });
}

export type SortKey = { key: string; desc: boolean };

/** `sort=field1,-field2`, limited to the fields a list can sort on. */
export function parseSort(sort: unknown, allowed: readonly string[]): SortKey[] {
  if (sort === undefined || sort === '') return [];
  if (typeof sort !== 'string') throw badRequest('sort must be a single string');
  return sort.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const desc = s.startsWith('-');
    const key = desc ? s.slice(1) : s;
    if (!allowed.includes(key)) throw badRequest(`unsupported sort key: ${key} (supported: ${allowed.join(', ')})`);
    return { key, desc };
  });
}

/** Harbor writes times in `q` as "2020-04-09 02:36:00" (UTC); stored times are ISO strings. */
export const queryTimeToIso = (v: string) => {
  const d = new Date(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(' ', 'T')}Z` : v);
  if (Number.isNaN(d.getTime())) throw badRequest(`invalid time in query: ${v}`);
  return d.toISOString();
};
