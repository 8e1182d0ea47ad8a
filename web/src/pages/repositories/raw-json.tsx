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
				<pre
					data-testid={testId}
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
