import { type FormEvent, useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { paths } from "./paths.ts";

/** The top bar's search: submits to the search page (`/search?q=`), and shows the query while the user is there. */
export function SearchBox() {
	const { t } = useTranslation();
	const navigate = useNavigate();
	const location = useLocation();
	const [params] = useSearchParams();
	const onSearchPage = location.pathname === paths.search.path;
	const urlQuery = onSearchPage ? (params.get("q") ?? "") : "";
	const [q, setQ] = useState(urlQuery);
	const id = useId();

	// Follow the URL (back/forward, a link to another search); leaving the search page empties the box.
	useEffect(() => setQ(urlQuery), [urlQuery]);

	const submit = (e: FormEvent) => {
		e.preventDefault();
		const query = q.trim();
		if (query) void navigate(paths.search.href(query));
	};

	// Below 640 px the box takes a row of its own under the bar, so it keeps a usable width.
	return (
		// biome-ignore lint/a11y/useSemanticElements: a form is what submits; role="search" makes it the landmark (<search> is too new for older screen readers).
		<form
			role="search"
			onSubmit={submit}
			className="order-last flex w-full min-w-0 sm:order-none sm:w-auto sm:max-w-sm sm:flex-1"
		>
			<label htmlFor={id} className="sr-only">
				{t("search.box")}
			</label>
			<input
				id={id}
				type="search"
				value={q}
				onChange={(e) => setQ(e.target.value)}
				placeholder={t("search.placeholder")}
				className="w-full min-w-0 rounded-l border border-white/30 bg-white px-2 py-1 text-sm text-slate-900 placeholder:text-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:placeholder:text-slate-300"
			/>
			<button
				type="submit"
				className="shrink-0 whitespace-nowrap rounded-r border border-l-0 border-white/30 bg-white/15 px-3 py-1 text-sm hover:bg-white/25"
			>
				{t("common.search")}
			</button>
		</form>
	);
}
