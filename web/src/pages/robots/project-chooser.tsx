import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useProjects } from "../../api/projects.ts";
import { useDebounced } from "../../components/use-debounced.ts";

/** Picks the projects a system robot covers: search the projects, add them, remove them. */
export function ProjectChooser({
	chosen,
	onChange,
}: {
	chosen: string[];
	onChange: (names: string[]) => void;
}) {
	const { t } = useTranslation();
	const id = useId();
	const [q, setQ] = useState("");
	// The server is asked once typing pauses, as in the label picker.
	const settled = useDebounced(q.trim(), 300);
	const { data, isPending } = useProjects({ page: 1, pageSize: 8, q: settled });
	const small =
		"rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800";
	return (
		<div className="mt-2 rounded border border-slate-300 p-2 dark:border-slate-700">
			<p className="text-sm font-medium">
				{t("robots.projects.chosen", { count: chosen.length })}
			</p>
			{chosen.length > 0 && (
				<ul
					className="mt-1 flex flex-wrap gap-1"
					aria-label={t("robots.projects.chosenList")}
				>
					{chosen.map((name) => (
						<li
							key={name}
							className="inline-flex items-center gap-1 rounded-full bg-slate-200 py-0.5 pl-2 pr-1 text-xs dark:bg-slate-700"
						>
							{name}
							<button
								type="button"
								className="rounded-full px-1 hover:bg-slate-300 dark:hover:bg-slate-600"
								aria-label={t("robots.projects.remove", { name })}
								onClick={() => onChange(chosen.filter((n) => n !== name))}
							>
								✕
							</button>
						</li>
					))}
				</ul>
			)}
			<label htmlFor={id} className="mt-2 block text-sm">
				{t("robots.projects.find")}
			</label>
			<input
				id={id}
				type="search"
				value={q}
				onChange={(e) => setQ(e.target.value)}
				className="mt-1 w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
			/>
			<ul
				className="mt-1 max-h-40 overflow-auto text-sm"
				aria-label={t("robots.projects.results")}
				aria-busy={isPending}
			>
				{data?.items.map((p) => (
					<li
						key={p.project_id}
						className="flex items-center justify-between py-0.5"
					>
						<span>{p.name}</span>
						<button
							type="button"
							className={small}
							disabled={chosen.includes(p.name)}
							onClick={() => onChange([...chosen, p.name])}
						>
							{chosen.includes(p.name)
								? t("robots.projects.added")
								: t("robots.projects.add")}
							<span className="sr-only"> {p.name}</span>
						</button>
					</li>
				))}
				{data && data.items.length === 0 && (
					<li className="text-slate-600 dark:text-slate-300">
						{t("robots.projects.none")}
					</li>
				)}
			</ul>
		</div>
	);
}
