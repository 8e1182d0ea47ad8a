import type { ButtonHTMLAttributes } from "react";

const variants = {
	primary: "bg-[#0f4c81] text-white hover:bg-[#0c3d68]",
	secondary:
		"border border-slate-300 bg-white text-slate-900 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700",
	danger: "bg-red-700 text-white hover:bg-red-800",
	ghost:
		"text-[#0f4c81] hover:bg-slate-100 dark:text-sky-300 dark:hover:bg-slate-800",
} as const;

/** The console's button; `type` defaults to "button" so nothing submits by accident. */
export function Button({
	variant = "primary",
	className = "",
	type = "button",
	...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & {
	variant?: keyof typeof variants;
}) {
	return (
		<button
			type={type}
			className={`rounded px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50 ${variants[variant]} ${className}`}
			{...rest}
		/>
	);
}
