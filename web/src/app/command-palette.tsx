import { Command } from "cmdk";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useSearch } from "../api/search.ts";
import { useDebounced } from "../components/use-debounced.ts";
import { useModalDialog } from "../components/use-modal-dialog.ts";
import { visibleSections } from "./nav.ts";
import { paletteBox, paletteInput } from "./palette-style.ts";
import { paths, repoInProject } from "./paths.ts";

/** Results per kind in the palette; the search page shows them all. */
const shown = 8;

type Entry = { value: string; label: string; detail?: string; href: string };

/**
 * The command palette: jump to a page of the navigation (admin pages for system admins only), or to any project or
 * repository, found through the search API as the user types (debounced). Arrow keys move, Enter goes, Escape closes.
 * A native modal <dialog> traps the focus and gives it a name. Loaded on first use (cmdk stays out of the first load).
 */
export default function CommandPalette({
	open,
	initialQuery = "",
	onClose,
	sysadmin,
}: {
	open: boolean;
	/** What was typed before the palette's code arrived (the first open): the search starts from it. */
	initialQuery?: string;
	onClose: () => void;
	sysadmin: boolean;
}) {
	const { t } = useTranslation();
	// Shown and hidden with `open`, its search box focused once shown; on closing, the focus is left to the browser
	// (no explicit return as in Dialog: after Enter the palette has navigated away).
	const modal = useModalDialog(open, { onClose });

	return (
		// biome-ignore lint/a11y/useKeyWithClickEvents: the click closes on the backdrop; the keyboard's way out is Escape, which <dialog> handles itself.
		<dialog
			ref={modal.ref}
			onClose={modal.onClose}
			aria-label={t("palette.title")}
			// A click on the backdrop (the dialog itself, outside its content) closes it.
			onClick={(e) => {
				if (e.target === e.currentTarget) onClose();
			}}
			className={paletteBox}
		>
			{open && (
				<Palette
					initialQuery={initialQuery}
					onClose={onClose}
					sysadmin={sysadmin}
				/>
			)}
		</dialog>
	);
}

function Palette({
	initialQuery,
	onClose,
	sysadmin,
}: {
	initialQuery: string;
	onClose: () => void;
	sysadmin: boolean;
}) {
	const { t } = useTranslation();
	const navigate = useNavigate();
	const [q, setQ] = useState(initialQuery);
	// Typing goes on after what was typed ahead (the dialog focuses this field as it shows, in the same commit).
	const input = useRef<HTMLInputElement>(null);
	useLayoutEffect(() => {
		const end = input.current?.value.length ?? 0;
		input.current?.setSelectionRange(end, end);
	}, []);
	const typed = q.trim();
	const debounced = useDebounced(typed, 200);
	const search = useSearch(debounced);
	const [selected, setSelected] = useState("");

	// Pages from the navigation data: sections without pages are one entry, sections with pages give each page.
	const pages = useMemo<Entry[]>(
		() =>
			visibleSections(sysadmin).flatMap((s) =>
				s.pages
					? s.pages.map((p) => ({
							value: p.id,
							label: t(p.label),
							detail: t(s.label),
							href: p.href,
						}))
					: [{ value: s.id, label: t(s.label), href: s.href }],
			),
		[sysadmin, t],
	);

	const needle = typed.toLowerCase();
	const matchingPages = pages.filter(
		(p) =>
			!needle || `${p.label} ${p.detail ?? ""}`.toLowerCase().includes(needle),
	);
	// Results answer the settled query; while a newer one is on its way the previous results stay (no flicker).
	const data = typed ? search.data : undefined;
	const projects: Entry[] = (data?.project ?? []).slice(0, shown).map((p) => ({
		value: `project:${p.name}`,
		label: p.name,
		href: paths.project.href(p.name),
	}));
	const repositories: Entry[] = (data?.repository ?? [])
		.slice(0, shown)
		.map((r) => ({
			value: `repository:${r.repository_name}`,
			label: r.repository_name,
			detail: r.project_name,
			href: paths.repository.href(
				r.project_name,
				repoInProject(r.project_name, r.repository_name),
			),
		}));
	const all: Entry[] = [
		...matchingPages,
		...projects,
		...repositories,
		...(typed
			? [
					{
						value: "search-all",
						label: t("palette.searchAll", { q: typed }),
						href: paths.search.href(typed),
					},
				]
			: []),
	];
	const loading = typed !== "" && (typed !== debounced || search.isFetching);

	// When the entries change (results arrived), keep the selection on a present entry, and prefer the first match over
	// the "all results" fallback the user had by default while typing: Enter then goes where the user expects.
	const values = all.map((e) => e.value).join("\n");
	useEffect(() => {
		const list = values ? values.split("\n") : [];
		setSelected((current) =>
			!list.includes(current) || current === "search-all"
				? (list[0] ?? "")
				: current,
		);
	}, [values]);

	const go = (entry: Entry) => {
		onClose();
		void navigate(entry.href);
	};

	const group = (heading: string, entries: Entry[]) =>
		entries.length > 0 && (
			<Command.Group
				heading={heading}
				className="[&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:text-slate-600 dark:[&_[cmdk-group-heading]]:text-slate-300"
			>
				{entries.map((e) => (
					<Command.Item
						key={e.value}
						value={e.value}
						onSelect={() => go(e)}
						className="flex cursor-pointer items-baseline justify-between gap-3 rounded px-3 py-2 text-sm data-[selected=true]:bg-[#0f4c81] data-[selected=true]:text-white"
					>
						<span className="truncate">{e.label}</span>
						{e.detail && (
							<span className="shrink-0 text-xs opacity-90">{e.detail}</span>
						)}
					</Command.Item>
				))}
			</Command.Group>
		);

	return (
		<Command
			label={t("palette.title")}
			shouldFilter={false}
			loop
			value={selected}
			onValueChange={setSelected}
		>
			<Command.Input
				ref={input}
				value={q}
				onValueChange={setQ}
				placeholder={t("palette.placeholder")}
				className={paletteInput}
			/>
			<Command.List
				label={t("palette.results")}
				className="max-h-[60vh] overflow-y-auto p-2"
			>
				{group(t("palette.pages"), matchingPages)}
				{group(t("palette.projects"), projects)}
				{group(t("palette.repositories"), repositories)}
				{group(
					t("palette.search"),
					all.filter((e) => e.value === "search-all"),
				)}
			</Command.List>
			<div className="flex items-center justify-between border-t border-slate-200 px-4 py-2 text-xs text-slate-600 dark:border-slate-700 dark:text-slate-300">
				<span role="status">
					{loading
						? t("palette.searching")
						: search.error && typed
							? search.error.message
							: typed && projects.length + repositories.length === 0 && data
								? t("palette.noResults", { q: typed })
								: ""}
				</span>
				<span>{t("palette.keys")}</span>
			</div>
		</Command>
	);
}
