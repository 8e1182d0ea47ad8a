import { useId } from "react";
import { inputClass } from "./field.tsx";

/**
 * When a job runs by itself, as Harbor's portal asks it: a choice of `types` (None, Hourly, Daily, Weekly, Custom…)
 * and, for Custom, a cron (6 fields, seconds first) with its hint or what is wrong with it. The owner names the
 * choices (`typeText`) and keeps the values; the server judges the cron.
 */
export function ScheduleFields<T extends string>(p: {
	types: readonly T[];
	type: T;
	cron: string;
	onType: (type: T) => void;
	onCron: (cron: string) => void;
	typeLabel: string;
	typeText: (type: T) => string;
	cronLabel: string;
	cronHint?: string;
	cronError?: string | null;
	disabled?: boolean;
}) {
	const id = useId();
	const note = p.cronError ?? p.cronHint;
	return (
		<div className="flex flex-wrap items-start gap-3">
			<div className="flex items-center gap-2 text-sm">
				<label htmlFor={`${id}-type`}>{p.typeLabel}</label>
				<select
					id={`${id}-type`}
					className={inputClass}
					value={p.type}
					disabled={p.disabled}
					onChange={(e) => p.onType(e.target.value as T)}
				>
					{p.types.map((s) => (
						<option key={s} value={s}>
							{p.typeText(s)}
						</option>
					))}
				</select>
			</div>
			{p.type === "Custom" && (
				<div>
					<div className="flex items-center gap-2 text-sm">
						<label htmlFor={`${id}-cron`}>{p.cronLabel}</label>
						<input
							id={`${id}-cron`}
							className={`${inputClass} font-mono`}
							value={p.cron}
							disabled={p.disabled}
							spellCheck={false}
							placeholder="0 0 2 * * *"
							aria-invalid={p.cronError ? true : undefined}
							aria-describedby={note ? `${id}-note` : undefined}
							onChange={(e) => p.onCron(e.target.value)}
						/>
					</div>
					{note && (
						<p
							id={`${id}-note`}
							className={`mt-1 text-xs ${p.cronError ? "text-red-700 dark:text-red-300" : "text-slate-600 dark:text-slate-300"}`}
						>
							{note}
						</p>
					)}
				</div>
			)}
		</div>
	);
}
