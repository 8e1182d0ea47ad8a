import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	useProjectScanner,
	useScannerCandidates,
	useSetProjectScanner,
} from "../../api/scanners.ts";
import { Button } from "../../components/button.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { inputClass } from "../../components/field.tsx";
import { Skeleton } from "../../components/skeleton.tsx";

/**
 * The scanner this project's images are scanned with (its own choice, else the system default), and for its admins a
 * choice among the enabled registrations.
 */
export function ProjectScanner({
	project,
	canChoose,
}: {
	project: string;
	canChoose: boolean;
}) {
	const { t } = useTranslation();
	const id = useId();
	const current = useProjectScanner(project);
	const candidates = useScannerCandidates(project, canChoose);
	const choose = useSetProjectScanner(project);
	const [picked, setPicked] = useState<string | null>(null);
	const [saved, setSaved] = useState(false);
	const s = current.data;
	const value = picked ?? s?.uuid ?? "";

	return (
		<section className="mb-8 max-w-2xl" aria-labelledby={`${id}-title`}>
			<h3 id={`${id}-title`} className="mb-1 text-base font-semibold">
				{t("scanning.project.title")}
			</h3>
			<ErrorMessage error={current.error ?? candidates.error} />
			{current.isPending ? (
				<Skeleton className="h-6 w-64" />
			) : s ? (
				<p className="text-sm" data-testid="project-scanner">
					{t("scanning.project.current", {
						name: s.name,
						adapter: [s.adapter, s.version].filter(Boolean).join(" ") || "—",
					})}
					{s.is_default && (
						<span className="ml-2 text-xs text-slate-600 dark:text-slate-300">
							{t("scanning.project.isDefault")}
						</span>
					)}
				</p>
			) : (
				!current.error && (
					<p
						className="text-sm text-slate-600 dark:text-slate-300"
						data-testid="project-scanner"
					>
						{t("scanning.project.none")}
					</p>
				)
			)}
			{canChoose && !!candidates.data?.items.length && (
				<div className="mt-3 flex flex-wrap items-end gap-2">
					<div>
						<label htmlFor={`${id}-pick`} className="block text-sm font-medium">
							{t("scanning.project.choose")}
						</label>
						<select
							id={`${id}-pick`}
							className={`${inputClass} mt-1`}
							value={value}
							onChange={(e) => {
								setPicked(e.target.value);
								setSaved(false);
								choose.reset();
							}}
						>
							{!s && <option value="">—</option>}
							{candidates.data.items.map((c) => (
								<option key={c.uuid} value={c.uuid}>
									{c.is_default
										? t("scanning.project.defaultOption", { name: c.name })
										: c.name}
								</option>
							))}
						</select>
					</div>
					<Button
						variant="secondary"
						disabled={!value || value === s?.uuid || choose.isPending}
						onClick={() =>
							choose.mutate(value, {
								onSuccess: () => {
									setPicked(null);
									setSaved(true);
								},
							})
						}
					>
						{t("scanning.project.use")}
					</Button>
				</div>
			)}
			<ErrorMessage error={choose.error} />
			<div
				role="status"
				className="mt-1 text-sm text-emerald-800 dark:text-emerald-300"
			>
				{saved ? t("scanning.project.saved") : ""}
			</div>
		</section>
	);
}
