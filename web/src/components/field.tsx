import { type InputHTMLAttributes, useId } from "react";

/** The console's text box and select: size, border and colours (a site adds its width and margin). */
// A disabled box looks it: greyed, not a white field inviting typing.
export const inputClass =
	"rounded border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-600 dark:disabled:bg-slate-900 dark:disabled:text-slate-300";

/** A labelled input with a hint or the reason its value is wrong, said before anything is sent. */
export function Field({
	label,
	error,
	hint,
	...input
}: InputHTMLAttributes<HTMLInputElement> & {
	label: string;
	error?: string | null;
	hint?: string;
}) {
	const id = useId();
	const note = `${id}-note`;
	return (
		<div className="mb-3">
			<label htmlFor={id} className="block text-sm font-medium">
				{label}
			</label>
			<input
				id={id}
				aria-invalid={error ? true : undefined}
				aria-describedby={error || hint ? note : undefined}
				className={`mt-1 w-full ${inputClass}`}
				{...input}
			/>
			{(error || hint) && (
				<p
					id={note}
					className={`mt-1 text-xs ${error ? "text-red-700 dark:text-red-300" : "text-slate-600 dark:text-slate-300"}`}
				>
					{error ?? hint}
				</p>
			)}
		</div>
	);
}
