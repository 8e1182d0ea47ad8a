import { inputClass } from "./field.tsx";
import { useDebouncedFilter } from "./use-debounced-filter.ts";

/**
 * A list's text filter: what is typed reaches the URL (through `onCommit`) once typing pauses, and the box follows the
 * URL when it changes from elsewhere (back, a link that clears it, another repository), so an old filter is never
 * written back. `hideLabel`: the label is for screen readers only (the placeholder says it on screen).
 */
export function FilterInput({
	label,
	value,
	onCommit,
	placeholder,
	className = "w-64",
	hideLabel,
}: {
	label: string;
	value: string;
	onCommit: (v: string) => void;
	placeholder?: string;
	className?: string;
	hideLabel?: boolean;
}) {
	const [draft, setDraft] = useDebouncedFilter(value, onCommit);
	return (
		<label className="block text-sm">
			<span className={hideLabel ? "sr-only" : "block font-medium"}>
				{label}
			</span>
			<input
				type="search"
				value={draft}
				placeholder={placeholder}
				onChange={(e) => setDraft(e.target.value)}
				className={`${hideLabel ? "" : "mt-1 "}max-w-full ${inputClass} ${className}`}
			/>
		</label>
	);
}
