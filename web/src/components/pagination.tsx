import { useTranslation } from "react-i18next";

/** The page sizes a list offers when it lets the user choose (Harbor's artifact lists offer these). */
export const pageSizeChoices = [15, 25, 50, 100] as const;

/**
 * Page controls under a server-paged list; with `onPageSize`, a choice of page size too (a size not among the choices,
 * from an old link, is listed as well so the select shows what the list uses).
 */
export function Pagination({
	page,
	pageSize,
	total,
	onPage,
	onPageSize,
}: {
	page: number;
	pageSize: number;
	total: number;
	onPage: (p: number) => void;
	onPageSize?: (size: number) => void;
}) {
	const { t } = useTranslation();
	const pages = Math.max(1, Math.ceil(total / pageSize));
	const sizes = [...new Set([...pageSizeChoices, pageSize])].sort(
		(a, b) => a - b,
	);
	const sizeSelect = onPageSize && (
		<label className="ml-auto flex items-center gap-2 text-slate-600 dark:text-slate-300">
			{t("common.pageSize")}
			<select
				value={pageSize}
				onChange={(e) => onPageSize(Number(e.target.value))}
				className="rounded border border-slate-300 bg-white px-1 py-0.5 text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
			>
				{sizes.map((n) => (
					<option key={n} value={n}>
						{n}
					</option>
				))}
			</select>
		</label>
	);
	if (total <= pageSize && page === 1) {
		return (
			<div className="mt-3 flex flex-wrap items-center gap-2 text-sm">
				<p className="text-slate-600 dark:text-slate-300">
					{t("common.total", { count: total })}
				</p>
				{sizeSelect}
			</div>
		);
	}
	const btn =
		"rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40 dark:border-slate-600";
	return (
		<nav
			aria-label={t("common.pagination")}
			className="mt-3 flex flex-wrap items-center gap-2 text-sm"
		>
			<span className="text-slate-600 dark:text-slate-300">
				{t("common.total", { count: total })}
			</span>
			<button
				type="button"
				className={btn}
				disabled={page <= 1}
				onClick={() => onPage(1)}
				aria-label={t("common.firstPage")}
			>
				«
			</button>
			<button
				type="button"
				className={btn}
				disabled={page <= 1}
				onClick={() => onPage(page - 1)}
				aria-label={t("common.previousPage")}
			>
				‹
			</button>
			<span data-testid="page-indicator">
				{t("common.pageOf", { page, pages })}
			</span>
			<button
				type="button"
				className={btn}
				disabled={page >= pages}
				onClick={() => onPage(page + 1)}
				aria-label={t("common.nextPage")}
			>
				›
			</button>
			<button
				type="button"
				className={btn}
				disabled={page >= pages}
				onClick={() => onPage(pages)}
				aria-label={t("common.lastPage")}
			>
				»
			</button>
			{sizeSelect}
		</nav>
	);
}
