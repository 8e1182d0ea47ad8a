import { hashKey, type QueryKey, queryOptions } from "@tanstack/react-query";
import type { Paged } from "./client.ts";

/** What only changes the view of one list: its page, page size and sort. A list names its filters on top. */
const paging = ["page", "pageSize", "sort"];

/** The key without its view: the key's last element (the list's params) loses its paging, sort and the named filters. */
const scopeOf = (key: QueryKey, view: readonly string[]): string => {
	const params = key[key.length - 1];
	if (!params || typeof params !== "object" || Array.isArray(params))
		return hashKey(key);
	const kept = Object.fromEntries(
		Object.entries(params).filter(
			([k]) => !paging.includes(k) && !view.includes(k),
		),
	);
	return hashKey([...key.slice(0, -1), kept]);
};

/** Whether two list keys show the same list (same project, repository, level…), whatever their page, sort or filters. */
export const sameScope = (
	a: QueryKey | undefined,
	b: QueryKey,
	view: readonly string[] = [],
): boolean => a !== undefined && scopeOf(a, view) === scopeOf(b, view);

/**
 * A list query's `placeholderData`: the previous page stays on screen while the next page, sort or filter loads, but
 * only for the same list. Another project's or repository's rows never stand in for this one's (pages stay mounted
 * when the palette jumps between repositories): then the list shows skeleton rows. `filters` names the params that
 * only filter (e.g. `['name']`); anything else in the params, and every other key element, is the list's scope.
 */
export const keepPageOf =
	<T>(key: QueryKey, filters: readonly string[] = []) =>
	(
		previous: T | undefined,
		previousQuery: { queryKey: QueryKey } | undefined,
	): T | undefined =>
		sameScope(previousQuery?.queryKey, key, filters) ? previous : undefined;

/** What every paged list takes: the page (from 1), its size and Harbor's sort (`name`, `-creation_time`). */
export type PageParams = { page: number; pageSize: number; sort?: string };

/** The paging part of a list's query string, in Harbor's names (undefined values are left out by `query`). */
export const pageQuery = (p: PageParams) => ({
	page: p.page,
	page_size: p.pageSize,
	sort: p.sort,
});

/** The params of a list key: its last element. */
type ParamsOf<K> = K extends readonly [...unknown[], infer P] ? P : never;

/**
 * A list query: its key (whose last element is the list's params), how to fetch a page, and which params only filter
 * the list (checked against the params' type); the previous page stands in while the next loads, as `keepPageOf` says.
 */
export const listQuery = <K extends readonly [...unknown[], PageParams], T>(
	queryKey: K,
	queryFn: () => Promise<Paged<T>>,
	filters: (keyof ParamsOf<K> & string)[],
) =>
	queryOptions({
		queryKey,
		queryFn,
		placeholderData: keepPageOf<Paged<T>>(queryKey, filters),
	});
