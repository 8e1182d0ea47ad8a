import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type Label,
	labelInput,
	useCreateLabel,
	useUpdateLabel,
} from "../../api/labels.ts";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field } from "../../components/field.tsx";
import { LabelChip } from "../../components/label-chip.tsx";
import { palette } from "./label-palette.ts";

export type LabelScope = { scope: "g" } | { scope: "p"; projectId: number };

/** Creates a label in a scope, or edits one (`label` given): name, description and a colour from the palette. */
export function LabelEditor({
	scope,
	label,
	onClose,
}: {
	scope: LabelScope;
	label?: Label;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const [name, setName] = useState(label?.name ?? "");
	const [description, setDescription] = useState(label?.description ?? "");
	const [color, setColor] = useState(label?.color ?? palette[0].hex);
	const [touched, setTouched] = useState(false);
	const create = useCreateLabel();
	const update = useUpdateLabel();
	const mutation = label ? update : create;

	const parsed = labelInput.safeParse({ name, description, color });
	const nameError = touched && !name.trim() ? t("labels.nameRequired") : null;

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTouched(true);
		if (!parsed.success) return;
		const done = { onSuccess: onClose };
		if (label) update.mutate({ id: label.id, input: parsed.data }, done);
		else create.mutate({ scope, input: parsed.data }, done);
	};

	return (
		<Dialog
			open
			title={label ? t("labels.editTitle") : t("labels.createTitle")}
			onClose={onClose}
		>
			<form onSubmit={submit} noValidate>
				<Field
					label={t("labels.name")}
					value={name}
					maxLength={128}
					autoFocus
					required
					onChange={(e) => setName(e.target.value)}
					onBlur={() => setTouched(true)}
					error={nameError}
					hint={t("labels.nameHint")}
				/>
				<Field
					label={t("labels.description")}
					value={description}
					maxLength={1024}
					onChange={(e) => setDescription(e.target.value)}
				/>
				<fieldset className="mb-3">
					<legend className="text-sm font-medium">{t("labels.color")}</legend>
					<div className="mt-1 flex flex-wrap gap-2">
						{palette.map((c) => (
							<label key={c.hex} className="relative block h-7 w-7">
								{/* The radio itself covers its swatch (invisible), so the swatch is what is clicked and the radio what is read. */}
								<input
									type="radio"
									name="label-color"
									value={c.hex}
									checked={color.toLowerCase() === c.hex}
									onChange={() => setColor(c.hex)}
									className="peer absolute inset-0 m-0 h-full w-full cursor-pointer opacity-0"
									aria-label={t(`labels.colorName.${c.name}`)}
								/>
								<span
									aria-hidden="true"
									style={{ backgroundColor: c.hex }}
									className="pointer-events-none block h-7 w-7 rounded-full border border-slate-400 peer-checked:ring-2 peer-checked:ring-[#0f4c81] peer-checked:ring-offset-2 peer-focus-visible:outline peer-focus-visible:outline-2 dark:peer-checked:ring-sky-300 dark:ring-offset-slate-900"
								/>
							</label>
						))}
					</div>
				</fieldset>
				<p className="mb-3 flex items-center gap-2 text-sm">
					<span className="text-slate-600 dark:text-slate-300">
						{t("labels.preview")}
					</span>
					<LabelChip
						label={{ name: name || t("labels.name"), description, color }}
					/>
				</p>
				<DialogActions
					error={mutation.error}
					pending={mutation.isPending}
					submitLabel={label ? t("common.save") : t("common.create")}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}
