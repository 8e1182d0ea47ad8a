import {
	type ColumnDef,
	flexRender,
	getCoreRowModel,
	useReactTable,
} from "@tanstack/react-table";
import { Fragment, type ReactNode, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "./error-message.tsx";
import { Pagination } from "./pagination.tsx";
import { Skeleton } from "./skeleton.tsx";

/** A column may name the Harbor `sort` key it sorts by; clicking its header toggles ascending/descending. */
export type Column<T> = ColumnDef<T, unknown> & {
	meta?: { sortKey?: string; className?: string };
};

type Props<T> = {
	label: string;
	columns: Column<T>[];
	rows: T[] | undefined;
	rowKey: (row: T) => string | number;
	isPending: boolean;
	/**
	 * The rows shown are the previous page's while this one loads (the query's `isPlaceholderData`, after a page, sort
	 * or filter change): they are dimmed and the table is marked busy until the answer comes.
	 */
	isPlaceholderData?: boolean;
	error?: unknown;
	/** Shown when the list is empty (total 0, or no total and no rows): say what to do next. */
	empty: ReactNode;
	total?: number;
	page?: number;
	pageSize?: number;
	onPage?: (p: number) => void;
	/** Offers a choice of page size (15, 25, 50, 100) under the list. */
	onPageSize?: (size: number) => void;
	sort?: string;
	onSort?: (sort: string) => void;
	/** Extra content under a row (an index's platforms), shown when it returns something. */
	expanded?: (row: T) => ReactNode;
	rowTestId?: string;
	/** Classes for a row that stands out (a row the run deletes). */
	rowClassName?: (row: T) => string | undefined;
};

/**
 * Whether the box is narrower than what it holds (a wide table at 390 px), kept up to date as either changes size.
 */
function useOverflowing() {
	const ref = useRef<HTMLDivElement>(null);
	const [overflowing, setOverflowing] = useState(false);
	useEffect(() => {
		const box = ref.current;
		if (!box || typeof ResizeObserver === "undefined") return;
		const check = () => setOverflowing(box.scrollWidth > box.clientWidth + 1);
		const observer = new ResizeObserver(check);
		observer.observe(box);
		if (box.firstElementChild) observer.observe(box.firstElementChild);
		check();
		return () => observer.disconnect();
	}, []);
	return { ref, overflowing };
}

/**
 * The console's table: server-paged, sortable headers, skeleton rows while loading, an empty state, the API's error.
 * A table wider than the screen says it scrolls sideways, and its box takes the keyboard focus to scroll it. A row's
 * actions (the `actions` column's buttons) line up with its text.
 */
export function DataTable<T>(p: Props<T>) {
	const { t } = useTranslation();
	const scroll = useOverflowing();
	const table = useReactTable({
		data: p.rows ?? [],
		columns: p.columns,
		getCoreRowModel: getCoreRowModel(),
		manualPagination: true,
		manualSorting: true,
	});
	const colCount = p.columns.length;
	const rowCount = p.rows?.length ?? 0;
	const paged =
		p.total !== undefined &&
		p.page !== undefined &&
		p.pageSize !== undefined &&
		p.onPage !== undefined;
	// A page past the end (its last row deleted, or an old link) is empty while the list is not: the pagination stays,
	// with a way back, instead of an empty state that would say there is nothing.
	const listEmpty = p.total !== undefined ? p.total === 0 : rowCount === 0;
	const lastPage = paged ? Math.max(1, Math.ceil(p.total! / p.pageSize!)) : 1;
	const pastEnd =
		paged && !p.isPending && !p.error && rowCount === 0 && p.total! > 0;
	const stale = !!p.isPlaceholderData && !p.isPending;
	return (
		<div>
			<ErrorMessage error={p.error} />
			{scroll.overflowing && (
				<p
					data-testid="scroll-hint"
					className="mb-1 text-xs text-slate-600 dark:text-slate-300"
				>
					{t("common.scrollHint")}
				</p>
			)}
			{/* relative: absolutely positioned text (sr-only) inside a wide table stays in this scroll box, not the page's. */}
			<div
				ref={scroll.ref}
				className="relative overflow-x-auto"
				{...(scroll.overflowing
					? {
							tabIndex: 0,
							role: "region",
							"aria-label": t("common.scrollRegion", { table: p.label }),
						}
					: {})}
			>
				<table aria-label={p.label} className="w-full text-left text-sm">
					<thead className="border-b border-slate-300 dark:border-slate-700">
						{table.getHeaderGroups().map((hg) => (
							<tr key={hg.id}>
								{hg.headers.map((h) => {
									const meta = (h.column.columnDef as Column<T>).meta;
									const key = meta?.sortKey;
									const dir =
										key && p.sort === key
											? "ascending"
											: key && p.sort === `-${key}`
												? "descending"
												: undefined;
									const content = flexRender(
										h.column.columnDef.header,
										h.getContext(),
									);
									return (
										<th
											key={h.id}
											scope="col"
											className={`py-2 pr-3 font-medium ${meta?.className ?? ""}`}
											aria-sort={dir ?? (key ? "none" : undefined)}
										>
											{key && p.onSort ? (
												<button
													type="button"
													className="inline-flex items-center gap-1 whitespace-nowrap hover:underline"
													onClick={() =>
														p.onSort!(p.sort === key ? `-${key}` : key)
													}
												>
													{content}
													<span aria-hidden="true">
														{dir === "ascending"
															? "▲"
															: dir === "descending"
																? "▼"
																: "↕"}
													</span>
												</button>
											) : (
												content
											)}
										</th>
									);
								})}
							</tr>
						))}
					</thead>
					<tbody
						aria-busy={stale || undefined}
						className={stale ? "opacity-60 transition-opacity" : undefined}
					>
						{p.isPending &&
							Array.from({ length: 5 }, (_, i) => (
								// biome-ignore lint/a11y/noAriaHiddenOnFocusable: a placeholder row holds nothing focusable.
								<tr
									// biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity but their place.
									key={`skeleton-${i}`}
									aria-hidden="true"
									data-testid="skeleton-row"
								>
									<td colSpan={colCount} className="py-2">
										<Skeleton className="h-4" />
									</td>
								</tr>
							))}
						{!p.isPending &&
							table.getRowModel().rows.map((row) => {
								const extra = p.expanded?.(row.original);
								return (
									<Fragment key={p.rowKey(row.original)}>
										<tr
											className={`border-b border-slate-200 align-top dark:border-slate-800 ${p.rowClassName?.(row.original) ?? ""}`}
											data-testid={p.rowTestId}
										>
											{row.getVisibleCells().map((cell) => (
												// A button's own padding (py-1.5) would set its text below the row's: in the actions cell a button
												// takes it back (as a wrapper of several does with -my-1.5 itself).
												<td
													key={cell.id}
													className={`py-2 pr-3 ${cell.column.id === "actions" ? "[&>button]:-my-1.5" : ""} ${(cell.column.columnDef as Column<T>).meta?.className ?? ""}`}
												>
													{flexRender(
														cell.column.columnDef.cell,
														cell.getContext(),
													)}
												</td>
											))}
										</tr>
										{extra && (
											<tr className="border-b border-slate-200 dark:border-slate-800">
												<td
													colSpan={colCount}
													className="bg-slate-100/60 py-2 pl-6 dark:bg-slate-900"
												>
													{extra}
												</td>
											</tr>
										)}
									</Fragment>
								);
							})}
					</tbody>
				</table>
			</div>
			{!p.isPending && !p.error && rowCount === 0 && listEmpty && p.empty}
			{pastEnd && (
				<p
					data-testid="past-end"
					className="my-4 text-sm text-slate-600 dark:text-slate-300"
				>
					{t("common.pastEnd")}{" "}
					<button
						type="button"
						className="text-[#0f4c81] underline dark:text-sky-300"
						onClick={() => p.onPage!(lastPage)}
					>
						{t("common.toLastPage")}
					</button>
				</p>
			)}
			{paged && p.total! > 0 && (
				<Pagination
					page={p.page!}
					pageSize={p.pageSize!}
					total={p.total!}
					onPage={p.onPage!}
					onPageSize={p.onPageSize}
				/>
			)}
			<span className="sr-only" aria-live="polite">
				{p.isPending ? t("common.loading") : stale ? t("common.updating") : ""}
			</span>
		</div>
	);
}
