import { useId } from "react";
import { useTranslation } from "react-i18next";
import { inputClass } from "./field.tsx";
import {
	type StorageDraft,
	type StorageUnit,
	storageDraftBytes,
	storageUnits,
} from "./storage-limit.ts";

/**
 * A storage limit: an "unlimited" switch, else an amount and its unit. The same control and the same rule
 * (`storageDraftBytes`) wherever a limit is set: a new project, a project's quota, the default for new projects.
 * `hint` says something about the amount, shown under it.
 */
export function StorageLimitInput({
	label,
	value,
	onChange,
	hint,
}: {
	label: string;
	value: StorageDraft;
	onChange: (d: StorageDraft) => void;
	hint?: string;
}) {
	const { t } = useTranslation();
	const id = useId();
	const invalid = storageDraftBytes(value) === null;
	// The hint is about the amount, so it shows (and describes the amount) only when there is one.
	const described =
		[invalid ? `${id}-error` : "", hint ? `${id}-hint` : ""]
			.filter(Boolean)
			.join(" ") || undefined;
	return (
		<fieldset className="mb-3">
			<legend className="text-sm font-medium">{label}</legend>
			<label className="mt-1 flex items-center gap-2 text-sm">
				<input
					type="checkbox"
					checked={value.unlimited}
					onChange={(e) => onChange({ ...value, unlimited: e.target.checked })}
				/>
				{t("storageLimit.unlimited")}
			</label>
			{!value.unlimited && (
				<div className="mt-2 flex items-start gap-2">
					<div>
						<label htmlFor={`${id}-amount`} className="sr-only">
							{t("storageLimit.amount")}
						</label>
						<input
							id={`${id}-amount`}
							type="number"
							min={0}
							step="any"
							value={value.amount}
							aria-invalid={invalid || undefined}
							aria-describedby={described}
							onChange={(e) => onChange({ ...value, amount: e.target.value })}
							className={`w-32 ${inputClass}`}
						/>
						{invalid && (
							<p
								id={`${id}-error`}
								className="mt-1 text-xs text-red-700 dark:text-red-300"
							>
								{t("storageLimit.invalid")}
							</p>
						)}
					</div>
					<label htmlFor={`${id}-unit`} className="sr-only">
						{t("storageLimit.unit")}
					</label>
					<select
						id={`${id}-unit`}
						value={value.unit}
						onChange={(e) =>
							onChange({ ...value, unit: e.target.value as StorageUnit })
						}
						className={inputClass}
					>
						{storageUnits.map((u) => (
							<option key={u.name} value={u.name}>
								{u.name}
							</option>
						))}
					</select>
				</div>
			)}
			{hint && !value.unlimited && (
				<p
					id={`${id}-hint`}
					className="mt-1 text-xs text-slate-600 dark:text-slate-300"
				>
					{hint}
				</p>
			)}
		</fieldset>
	);
}
