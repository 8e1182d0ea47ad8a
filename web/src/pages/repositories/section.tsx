import type { ReactNode } from "react";

/** A titled part of the artifact page; its heading names it for assistive technology. */
export function Section({
	id,
	title,
	children,
}: {
	id: string;
	title: string;
	children: ReactNode;
}) {
	return (
		<section
			aria-labelledby={id}
			className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
		>
			<h2 id={id} className="mb-3 text-lg font-semibold">
				{title}
			</h2>
			{children}
		</section>
	);
}
