import { useId } from "react";
import { inputClass } from "../../components/field.tsx";

/** A labelled select of `[value, text]` options (the policy editors' decorations, kinds and templates). */
export function Choice({
	label,
	value,
	options,
	onChange,
}: {
	label: string;
	value: string;
	options: [string, string][];
	onChange: (v: string) => void;
}) {
	const id = useId();
	return (
		<div className="mb-3">
			<label htmlFor={id} className="block text-sm font-medium">
				{label}
			</label>
			<select
				id={id}
				className={`${inputClass} mt-1 w-full`}
				value={value}
				onChange={(e) => onChange(e.target.value)}
			>
				{options.map(([v, text]) => (
					<option key={v} value={v}>
						{text}
					</option>
				))}
			</select>
		</div>
	);
}
