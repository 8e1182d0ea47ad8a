import { type FormEvent, type ReactNode, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useRegistries } from "../../api/registries.ts";
import {
	type ReplicationPolicy,
	type TriggerType,
	useCreatePolicy,
	useRegistryInfo,
	useUpdatePolicy,
} from "../../api/replication.ts";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field, inputClass } from "../../components/field.tsx";
import {
	type Decoration,
	emptyRuleForm,
	flattenExample,
	flatteningChoices,
	formProblems,
	fromPolicy,
	type Mode,
	offered,
	type RuleForm,
	toPolicy,
} from "./rule-form.ts";

const hintClass = "mt-1 text-xs text-slate-600 dark:text-slate-300";
const errorClass = "mt-1 text-xs text-red-700 dark:text-red-300";

/**
 * Creates a replication rule, or edits one (`policy` given): mode and endpoint, the source's filters as the source
 * supports them, destination namespace and flattening, trigger, and the copy's switches. What is missing is said
 * before sending; the server's refusals (a cron that does not parse, a name taken) are shown as it words them.
 */
export function RuleEditor({
	policy,
	onClose,
}: {
	policy?: ReplicationPolicy;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const id = useId();
	const [form, setForm] = useState<RuleForm>(() =>
		policy ? fromPolicy(policy) : emptyRuleForm,
	);
	const [tried, setTried] = useState(false);
	const registries = useRegistries({ page: 1, pageSize: 100, sort: "name" });
	const info = useRegistryInfo(form.registryId);
	const can = offered(form.mode, info.data);
	const create = useCreatePolicy();
	const update = useUpdatePolicy();
	const mutation = policy ? update : create;
	const problems = formProblems(form);
	const problem = (field: keyof typeof problems) =>
		tried && problems[field] ? t(problems[field]!) : null;

	const set = (changes: Partial<RuleForm>) => {
		setForm((f) => ({ ...f, ...changes }));
		mutation.reset();
	};
	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTried(true);
		if (Object.keys(problems).length) return;
		const input = toPolicy({
			...form,
			trigger: can.triggers.includes(form.trigger) ? form.trigger : "manual",
		});
		if (policy) update.mutate({ id: policy.id, input }, { onSuccess: onClose });
		else create.mutate(input, { onSuccess: onClose });
	};

	const endpoints = registries.data?.items ?? [];
	const endpointError = problem("registryId");
	return (
		<Dialog
			open
			wide
			title={
				policy
					? t("replication.form.editTitle")
					: t("replication.form.createTitle")
			}
			onClose={onClose}
		>
			<form onSubmit={submit} noValidate>
				<Field
					label={t("replication.form.name")}
					value={form.name}
					maxLength={255}
					autoFocus
					required
					error={problem("name")}
					onChange={(e) => set({ name: e.target.value })}
				/>
				<Field
					label={t("replication.form.description")}
					value={form.description}
					maxLength={1024}
					onChange={(e) => set({ description: e.target.value })}
				/>

				<Choice<Mode>
					legend={t("replication.form.mode")}
					name={`${id}-mode`}
					value={form.mode}
					options={[
						[
							"push",
							t("replication.mode.push"),
							t("replication.form.pushHint"),
						],
						[
							"pull",
							t("replication.mode.pull"),
							t("replication.form.pullHint"),
						],
					]}
					onChange={(mode) => set({ mode })}
				/>

				<div className="mb-3">
					<label
						htmlFor={`${id}-endpoint`}
						className="block text-sm font-medium"
					>
						{form.mode === "push"
							? t("replication.form.destinationRegistry")
							: t("replication.form.sourceRegistry")}
					</label>
					<select
						id={`${id}-endpoint`}
						className={`${inputClass} mt-1 w-full`}
						value={form.registryId ?? ""}
						aria-invalid={endpointError ? true : undefined}
						aria-describedby={`${id}-endpoint-note`}
						onChange={(e) =>
							set({
								registryId: e.target.value ? Number(e.target.value) : null,
							})
						}
					>
						<option value="">{t("replication.form.chooseEndpoint")}</option>
						{endpoints.map((r) => (
							<option key={r.id} value={r.id}>
								{r.name} — {r.url}
							</option>
						))}
					</select>
					<p
						id={`${id}-endpoint-note`}
						className={endpointError ? errorClass : hintClass}
					>
						{endpointError ??
							(registries.isSuccess && !endpoints.length
								? t("replication.form.noEndpoints")
								: t("replication.form.endpointHint"))}
					</p>
				</div>

				<fieldset className="mb-3 rounded border border-slate-300 p-3 dark:border-slate-700">
					<legend className="px-1 text-sm font-medium">
						{t("replication.form.filters")}
					</legend>
					<p className={`${hintClass} mb-2 mt-0`}>
						{t("replication.form.filtersHint")}
					</p>
					{can.filterTypes.has("name") && (
						<Field
							label={t("replication.form.nameFilter")}
							value={form.nameFilter}
							placeholder="library/**"
							spellCheck={false}
							hint={t("replication.form.nameFilterHint")}
							onChange={(e) => set({ nameFilter: e.target.value })}
						/>
					)}
					{can.filterTypes.has("tag") && (
						<FilterWithDecoration
							label={t("replication.form.tagFilter")}
							value={form.tagFilter}
							decoration={form.tagDecoration}
							placeholder="v1.*"
							onChange={(tagFilter, tagDecoration) =>
								set({ tagFilter, tagDecoration })
							}
						/>
					)}
					{can.filterTypes.has("label") && (
						<FilterWithDecoration
							label={t("replication.form.labelFilter")}
							value={form.labels}
							decoration={form.labelDecoration}
							hint={t("replication.form.labelFilterHint")}
							onChange={(labels, labelDecoration) =>
								set({ labels, labelDecoration })
							}
						/>
					)}
					{can.filterTypes.has("resource") && (
						<Choice<string>
							legend={t("replication.form.resource")}
							name={`${id}-resource`}
							value={form.resource}
							options={[
								["", t("replication.resource.all")],
								...can.resourceValues.map((v): [string, string] => [
									v,
									t(`replication.resource.${v}`, { defaultValue: v }),
								]),
							]}
							onChange={(resource) => set({ resource })}
							inline
						/>
					)}
				</fieldset>

				<fieldset className="mb-3 rounded border border-slate-300 p-3 dark:border-slate-700">
					<legend className="px-1 text-sm font-medium">
						{t("replication.form.destination")}
					</legend>
					<Field
						label={t("replication.form.destNamespace")}
						value={form.destNamespace}
						spellCheck={false}
						hint={t("replication.form.destNamespaceHint")}
						onChange={(e) => set({ destNamespace: e.target.value })}
					/>
					<div>
						<label
							htmlFor={`${id}-flatten`}
							className="block text-sm font-medium"
						>
							{t("replication.form.flattening")}
						</label>
						<select
							id={`${id}-flatten`}
							className={`${inputClass} mt-1 w-full`}
							value={form.replaceCount}
							aria-describedby={`${id}-flatten-hint`}
							onChange={(e) => set({ replaceCount: Number(e.target.value) })}
						>
							{flatteningChoices.map((n) => (
								<option key={n} value={n}>
									{t(`replication.flatten.${n}`)}
								</option>
							))}
						</select>
						<p
							id={`${id}-flatten-hint`}
							className={hintClass}
							data-testid="flatten-example"
						>
							{t("replication.form.flattenExample", {
								from: "a/b/c/d/img",
								to: flattenExample(
									form.replaceCount,
									form.destNamespace.trim() || "ns",
								),
							})}
						</p>
					</div>
				</fieldset>

				<div className="mb-3">
					<label
						htmlFor={`${id}-trigger`}
						className="block text-sm font-medium"
					>
						{t("replication.form.trigger")}
					</label>
					<select
						id={`${id}-trigger`}
						className={`${inputClass} mt-1 w-full`}
						value={
							can.triggers.includes(form.trigger) ? form.trigger : "manual"
						}
						onChange={(e) => set({ trigger: e.target.value as TriggerType })}
					>
						{can.triggers.map((tr) => (
							<option key={tr} value={tr}>
								{t(`replication.trigger.${tr}`)}
							</option>
						))}
					</select>
					{form.mode === "pull" && (
						<p className={hintClass}>{t("replication.form.eventPushOnly")}</p>
					)}
				</div>
				{form.trigger === "scheduled" && can.triggers.includes("scheduled") && (
					<Field
						label={t("replication.form.cron")}
						value={form.cron}
						placeholder="0 0 3 * * *"
						spellCheck={false}
						error={problem("cron")}
						hint={t("replication.form.cronHint")}
						onChange={(e) => set({ cron: e.target.value })}
					/>
				)}

				<Field
					label={t("replication.form.speed")}
					value={form.speed}
					inputMode="numeric"
					error={problem("speed")}
					hint={t("replication.form.speedHint")}
					onChange={(e) => set({ speed: e.target.value })}
				/>
				<Check
					label={t("replication.form.override")}
					hint={t("replication.form.overrideHint")}
					checked={form.override}
					onChange={(override) => set({ override })}
				/>
				<Check
					label={t("replication.form.replicateDeletion")}
					hint={t("replication.form.replicateDeletionHint")}
					checked={form.replicateDeletion}
					onChange={(replicateDeletion) => set({ replicateDeletion })}
				/>
				<Check
					label={t("replication.form.copyByChunk")}
					checked={form.copyByChunk}
					disabled={!can.copyByChunk && !form.copyByChunk}
					hint={
						can.copyByChunk || form.registryId === null
							? t("replication.form.copyByChunkHint")
							: t("replication.form.copyByChunkUnsupported")
					}
					onChange={(copyByChunk) => set({ copyByChunk })}
				/>
				<Check
					label={t("replication.form.enabled")}
					checked={form.enabled}
					onChange={(enabled) => set({ enabled })}
				/>
				<DialogActions
					error={mutation.error}
					pending={mutation.isPending}
					submitLabel={policy ? t("common.save") : t("common.create")}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}

/** A radio group with its legend; each option may carry a hint line. */
function Choice<V extends string>({
	legend,
	name,
	value,
	options,
	onChange,
	inline,
}: {
	legend: string;
	name: string;
	value: V;
	options: [V, string, string?][];
	onChange: (v: V) => void;
	inline?: boolean;
}) {
	return (
		<fieldset className="mb-3">
			<legend className="text-sm font-medium">{legend}</legend>
			<div
				className={`mt-1 flex gap-x-4 gap-y-1 ${inline ? "flex-wrap" : "flex-col"}`}
			>
				{options.map(([v, label, hint]) => (
					<label key={v} className="flex items-start gap-2 text-sm">
						<input
							type="radio"
							name={name}
							value={v}
							className="mt-1"
							checked={value === v}
							onChange={() => onChange(v)}
						/>
						<span>
							{label}
							{hint && (
								<span className="block text-xs text-slate-600 dark:text-slate-300">
									{hint}
								</span>
							)}
						</span>
					</label>
				))}
			</div>
		</fieldset>
	);
}

/** A filter pattern and whether it keeps (matches) or drops (excludes) what it names. */
function FilterWithDecoration({
	label,
	value,
	decoration,
	placeholder,
	hint,
	onChange,
}: {
	label: string;
	value: string;
	decoration: Decoration;
	placeholder?: string;
	hint?: string;
	onChange: (value: string, decoration: Decoration) => void;
}) {
	const { t } = useTranslation();
	const id = useId();
	return (
		<div className="mb-3">
			<label htmlFor={id} className="block text-sm font-medium">
				{label}
			</label>
			<div className="mt-1 flex gap-2">
				<select
					aria-label={t("replication.form.decorationOf", { filter: label })}
					className={inputClass}
					value={decoration}
					onChange={(e) => onChange(value, e.target.value as Decoration)}
				>
					<option value="matches">{t("replication.decoration.matches")}</option>
					<option value="excludes">
						{t("replication.decoration.excludes")}
					</option>
				</select>
				<input
					id={id}
					className={`${inputClass} min-w-0 flex-1`}
					value={value}
					placeholder={placeholder}
					spellCheck={false}
					aria-describedby={hint ? `${id}-hint` : undefined}
					onChange={(e) => onChange(e.target.value, decoration)}
				/>
			</div>
			{hint && (
				<p id={`${id}-hint`} className={hintClass}>
					{hint}
				</p>
			)}
		</div>
	);
}

function Check({
	label,
	hint,
	checked,
	disabled,
	onChange,
}: {
	label: string;
	hint?: ReactNode;
	checked: boolean;
	disabled?: boolean;
	onChange: (v: boolean) => void;
}) {
	const id = useId();
	return (
		<div className="mb-3 flex items-start gap-2">
			<input
				id={id}
				type="checkbox"
				className="mt-1"
				checked={checked}
				disabled={disabled}
				aria-describedby={hint ? `${id}-hint` : undefined}
				onChange={(e) => onChange(e.target.checked)}
			/>
			<div>
				<label htmlFor={id} className="text-sm">
					{label}
				</label>
				{hint && (
					<p
						id={`${id}-hint`}
						className="text-xs text-slate-600 dark:text-slate-300"
					>
						{hint}
					</p>
				)}
			</div>
		</div>
	);
}
