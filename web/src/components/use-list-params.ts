import { useCallback } from "react";
import { useSearchParams } from "react-router";

/**
 * A list's page, page size, filter and sort, kept in the URL so a copied link reproduces the view.
 * `sort` is Harbor's syntax (`name`, `-creation_time`); `filters` are any other named URL parameters.
 */
type ListDefaults = { pageSize?: number; sort?: string };

/** A list's page, page size, sort and filters as a URL gives them (also read before the page renders, to prefetch). */
export function readListParams(
	params: URLSearchParams,
	defaults: ListDefaults = {},
) {
	const page = Math.max(1, Number(params.get("page") ?? 1) || 1);
	const pageSize = Math.min(
		100,
		Math.max(
			1,
			Number(params.get("page_size") ?? defaults.pageSize ?? 15) || 15,
		),
	);
	const sort = params.get("sort") ?? defaults.sort ?? "";
	const filter = (name: string) => params.get(name) ?? "";
	return { page, pageSize, sort, filter };
}
export type ListParams = ReturnType<typeof readListParams>;

export function useListParams(defaults: ListDefaults = {}) {
	const [params, setParams] = useSearchParams();
	const { page, pageSize, sort, filter } = readListParams(params, defaults);

	/** Changes some parameters; any change but the page itself goes back to page 1. */
	const update = useCallback(
		(changes: Record<string, string | number | undefined>) => {
			setParams(
				(prev) => {
					const next = new URLSearchParams(prev);
					for (const [k, v] of Object.entries(changes)) {
						if (v === undefined || v === "") next.delete(k);
						else next.set(k, String(v));
					}
					if (!("page" in changes)) next.delete("page");
					return next;
				},
				{ replace: true },
			);
		},
		[setParams],
	);

	/** The DataTable's paging and sorting props, to spread: `<DataTable {...list.tableProps} … />`. */
	const tableProps = {
		page,
		pageSize,
		onPage: (p: number) => update({ page: p }),
		sort,
		onSort: (s: string) => update({ sort: s }),
	};
	/** For a list that lets the user choose its page size (`<DataTable onPageSize={list.setPageSize} …>`): back to page 1. */
	const setPageSize = (size: number) =>
		update({
			page_size: size === (defaults.pageSize ?? 15) ? undefined : size,
		});
	return { page, pageSize, sort, filter, update, tableProps, setPageSize };
}
