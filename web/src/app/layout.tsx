import {
	lazy,
	Suspense,
	useCallback,
	useLayoutEffect,
	useRef,
	useState,
} from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { useCurrentUser } from "../api/session.ts";
import { isSystemAdmin } from "../api/users.ts";
import { sectionOf, visibleSections } from "./nav.ts";
import { usePageTitle } from "./page-title.ts";
import { isApple, usePaletteShortcut } from "./palette-shortcut.ts";
import { paletteBox, paletteInput } from "./palette-style.ts";
import { paths } from "./paths.ts";
import { SearchBox } from "./search-box.tsx";
import { SystemBanner } from "./system-banner.tsx";
import { UserMenu } from "./user-menu.tsx";

// The palette (and cmdk) loads the first time it is opened, not with every page.
const CommandPalette = lazy(() => import("./command-palette.tsx"));

/**
 * The palette's box while its code loads on first use: shown and focused in the same commit as the key that opened it,
 * so what is typed at once lands here, and the palette starts from it (keys typed into nothing were lost).
 */
function PaletteLoading({
	query,
	onQuery,
	onClose,
}: {
	query: string;
	onQuery: (q: string) => void;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const dialog = useRef<HTMLDialogElement>(null);
	const input = useRef<HTMLInputElement>(null);
	useLayoutEffect(() => {
		dialog.current?.showModal();
		input.current?.focus();
	}, []);
	return (
		<dialog
			ref={dialog}
			onClose={onClose}
			aria-label={t("palette.title")}
			className={paletteBox}
		>
			<input
				ref={input}
				value={query}
				onChange={(e) => onQuery(e.target.value)}
				aria-label={t("palette.title")}
				placeholder={t("palette.placeholder")}
				className={paletteInput}
			/>
		</dialog>
	);
}

const topLink = (current: boolean) =>
	`rounded px-3 py-1.5 text-sm ${current ? "bg-white/15 font-medium" : "hover:bg-white/10"}`;
const sideLink = ({ isActive }: { isActive: boolean }) =>
	`block rounded px-3 py-1.5 text-sm ${
		isActive
			? "bg-[#0f4c81] font-medium text-white"
			: "text-slate-800 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800"
	}`;

/**
 * The shell: the top bar (name, navigation, search, the palette's trigger, the user menu), the current section's
 * pages beside the content when it has several (Administration), and the page below. Navigation comes from nav.ts.
 */
export function Layout() {
	const { t } = useTranslation();
	const { data: user } = useCurrentUser();
	const location = useLocation();
	const [paletteOpen, setPaletteOpen] = useState(false);
	const [paletteUsed, setPaletteUsed] = useState(false);
	// What was typed while the palette's code loaded on first use; it starts from it.
	const [typedAhead, setTypedAhead] = useState("");
	const togglePalette = useCallback(() => {
		setPaletteUsed(true);
		setTypedAhead("");
		setPaletteOpen((o) => !o);
	}, []);
	usePaletteShortcut(togglePalette);

	const sysadmin = isSystemAdmin(user);
	const sections = visibleSections(sysadmin);
	const section = sectionOf(location.pathname, sections);
	usePageTitle(location.pathname, section);
	const shortcut = isApple() ? "⌘K" : "Ctrl K";

	return (
		<div className="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
			<a
				href="#main"
				className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-30 focus:rounded focus:bg-white focus:px-3 focus:py-1 focus:text-slate-900"
			>
				{t("nav.skipToContent")}
			</a>
			<header className="flex flex-wrap items-center gap-x-4 gap-y-2 bg-[#0f4c81] px-4 py-2 text-white dark:bg-[#0b3558]">
				<Link to={paths.projects.href()} className="text-lg font-semibold">
					{t("app.name")}
				</Link>
				<nav aria-label={t("nav.main")} className="flex flex-wrap gap-1">
					{sections.map((s) => {
						// A section is current on any of its URLs (its link alone would only match its first page).
						const current = section?.id === s.id;
						return (
							<Link
								key={s.id}
								to={s.href}
								className={topLink(current)}
								aria-current={current ? "true" : undefined}
							>
								{t(s.label)}
							</Link>
						);
					})}
				</nav>
				<SearchBox />
				<button
					type="button"
					onClick={() => {
						setPaletteUsed(true);
						setTypedAhead("");
						setPaletteOpen(true);
					}}
					aria-keyshortcuts="Control+K Meta+K"
					className="flex shrink-0 items-center gap-2 whitespace-nowrap rounded border border-white/30 px-2 py-1 text-sm hover:bg-white/10"
				>
					{t("palette.open")}
					<kbd className="rounded bg-white/15 px-1.5 font-sans text-xs">
						{shortcut}
					</kbd>
				</button>
				<div className="ml-auto">{user && <UserMenu user={user} />}</div>
			</header>
			<SystemBanner />
			{section?.pages ? (
				// Below md the section's pages wrap in a row above the content instead of a sidebar beside it.
				<div className="mx-auto flex max-w-7xl flex-col gap-4 p-4 sm:p-6 md:flex-row md:gap-6">
					<nav aria-label={t(section.label)} className="md:w-48 md:shrink-0">
						<p className="mb-2 px-3 text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-300">
							{t(section.label)}
						</p>
						<ul className="flex flex-wrap gap-1 md:block md:space-y-0.5">
							{section.pages.map((p) => (
								<li key={p.id}>
									<NavLink to={p.href} className={sideLink}>
										{t(p.label)}
									</NavLink>
								</li>
							))}
						</ul>
					</nav>
					<main id="main" className="min-w-0 flex-1">
						<Outlet />
					</main>
				</div>
			) : (
				<main id="main" className="mx-auto max-w-6xl p-4 sm:p-6">
					<Outlet />
				</main>
			)}
			{paletteUsed && (
				<Suspense
					fallback={
						paletteOpen && (
							<PaletteLoading
								query={typedAhead}
								onQuery={setTypedAhead}
								onClose={() => setPaletteOpen(false)}
							/>
						)
					}
				>
					<CommandPalette
						open={paletteOpen}
						initialQuery={typedAhead}
						onClose={() => setPaletteOpen(false)}
						sysadmin={sysadmin}
					/>
				</Suspense>
			)}
		</div>
	);
}
