import type { Label } from "../api/labels.ts";
import { chipColors } from "./label-colors.ts";

/**
 * A label as a coloured chip, wherever labels show (label lists, artifact rows, the label picker). Its name and
 * description are user content and only ever shown as text. With `onRemove` it carries a ✕ named by `removeLabel`.
 */
export function LabelChip({
	label,
	onRemove,
	removeLabel,
}: {
	label: Pick<Label, "name" | "description" | "color">;
	onRemove?: () => void;
	removeLabel?: string;
}) {
	const colors = chipColors(label.color);
	return (
		<span
			title={label.description || undefined}
			data-testid="label-chip"
			className={`inline-flex max-w-full items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${colors ? "" : "bg-slate-200 text-slate-900 dark:bg-slate-700 dark:text-slate-100"}`}
			style={
				colors
					? { backgroundColor: colors.background, color: colors.text }
					: undefined
			}
		>
			<span className="truncate">{label.name}</span>
			{onRemove && (
				<button
					type="button"
					onClick={onRemove}
					aria-label={removeLabel}
					title={removeLabel}
					className="rounded px-0.5 hover:opacity-70"
				>
					✕
				</button>
			)}
		</span>
	);
}
