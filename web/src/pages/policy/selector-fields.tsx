import type { ReactNode } from "react";
import { Field } from "../../components/field.tsx";
import { Choice } from "./choice.tsx";

/**
 * One selector of a policy's rule (immutability, retention): which repositories or which tags, matched or excluded
 * (`decorations`), by a pattern, and where the policy offers it the pattern's `kind`; `children` add what else the
 * selector holds (retention's untagged switch).
 */
export function SelectorFields<D extends string>(p: {
	legend: string;
	decorationLabel: string;
	decorations: [D, string][];
	decoration: D;
	onDecoration: (d: D) => void;
	kind?: {
		label: string;
		value: string;
		options: [string, string][];
		onChange: (kind: string) => void;
	};
	patternLabel: string;
	pattern: string;
	onPattern: (pattern: string) => void;
	error: string | null;
	hint: string;
	autoFocus?: boolean;
	children?: ReactNode;
}) {
	return (
		<fieldset className="mb-2">
			<legend className="mb-1 text-sm font-semibold">{p.legend}</legend>
			<div className={p.kind ? "grid gap-x-3 sm:grid-cols-2" : undefined}>
				<Choice
					label={p.decorationLabel}
					value={p.decoration}
					options={p.decorations}
					onChange={(v) => p.onDecoration(v as D)}
				/>
				{p.kind && (
					<Choice
						label={p.kind.label}
						value={p.kind.value}
						options={p.kind.options}
						onChange={p.kind.onChange}
					/>
				)}
			</div>
			<Field
				label={p.patternLabel}
				value={p.pattern}
				maxLength={1024}
				required
				spellCheck={false}
				autoFocus={p.autoFocus}
				onChange={(e) => p.onPattern(e.target.value)}
				error={p.error}
				hint={p.hint}
			/>
			{p.children}
		</fieldset>
	);
}
