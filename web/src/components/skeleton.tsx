import type { HTMLAttributes } from "react";

/**
 * A grey, pulsing block where something is still loading; sized by `className` (`h-6 w-full`). Hidden from assistive
 * technology: the page says "loading" in words where it matters. A `rounded-*` class in `className` replaces the
 * default `rounded`, so the two never compete.
 */
export function Skeleton({
	className = "",
	...rest
}: HTMLAttributes<HTMLDivElement>) {
	const radius = /(^|\s)rounded-/.test(className) ? "" : "rounded ";
	return (
		<div
			aria-hidden="true"
			className={`animate-pulse ${radius}bg-slate-200 dark:bg-slate-800 ${className}`}
			{...rest}
		/>
	);
}
