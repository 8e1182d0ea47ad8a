/** JSON as pushed, pretty-printed and shown as text, folded until asked for. */
export function RawJson({
	title,
	value,
	testId,
}: {
	title: string;
	value: unknown;
	testId: string;
}) {
	return (
		<details className="rounded border border-slate-200 dark:border-slate-800">
			<summary className="cursor-pointer px-3 py-2 text-sm font-medium">
				{title}
			</summary>
			<div className="border-t border-slate-200 p-3 dark:border-slate-800">
				{/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label names the box when it has the focus. */}
				<pre
					data-testid={testId}
					// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable box must take the focus (axe: scrollable-region-focusable).
					tabIndex={0}
					aria-label={title}
					className="max-h-[32rem] overflow-auto rounded bg-slate-100 p-3 font-mono text-xs dark:bg-slate-800"
				>
					{JSON.stringify(value, null, 2)}
				</pre>
			</div>
		</details>
	);
}
