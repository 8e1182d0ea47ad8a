import { NavLink } from "react-router";

/** Tabs that are links: each tab has its own URL, so a tab can be bookmarked and shared. */
export function Tabs({
	label,
	tabs,
}: {
	label: string;
	tabs: { to: string; label: string; end?: boolean }[];
}) {
	return (
		<nav
			aria-label={label}
			className="mb-4 flex flex-wrap gap-1 border-b border-slate-300 dark:border-slate-700"
		>
			{tabs.map((tab) => (
				<NavLink
					key={tab.to}
					to={tab.to}
					end={tab.end}
					className={({ isActive }) =>
						`-mb-px border-b-2 px-3 py-2 text-sm ${isActive ? "border-[#0f4c81] font-medium text-[#0f4c81] dark:border-sky-300 dark:text-sky-300" : "border-transparent hover:border-slate-400"}`
					}
				>
					{tab.label}
				</NavLink>
			))}
		</nav>
	);
}
