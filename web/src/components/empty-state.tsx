import type { ReactNode } from "react";

/** What an empty list says: what this is and what to do next. */
export function EmptyState({
	title,
	children,
}: {
	title: string;
	children?: ReactNode;
}) {
	return (
		<div
			data-testid="empty-state"
			className="my-6 rounded border border-dashed border-slate-300 p-6 text-center dark:border-slate-700"
		>
			<p className="font-medium">{title}</p>
			{children && (
				<div className="mt-2 text-sm text-slate-600 dark:text-slate-300">
					{children}
				</div>
			)}
		</div>
	);
}
