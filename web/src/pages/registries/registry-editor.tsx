import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type AdapterPattern,
	type Registry,
	type RegistryInput,
	registryInput,
	useAdapters,
	useCreateRegistry,
	usePingRegistry,
	useUpdateRegistry,
} from "../../api/registries.ts";
import { ConnectionTest } from "../../components/connection-test.tsx";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field, inputClass } from "../../components/field.tsx";

/** The URL a type starts with: its fixed or first listed endpoint, else nothing to prefill. */
const defaultUrl = (p: AdapterPattern | undefined) =>
	p && p.endpoint_pattern.endpoint_type !== "EndpointPatternTypeStandard"
		? (p.endpoint_pattern.endpoints[0]?.value ?? "")
		: "";
const fixedKey = (p: AdapterPattern | undefined) =>
	p?.credential_pattern.access_key_type === "AccessKeyTypeFix"
		? p.credential_pattern.access_key_data
		: null;

/**
 * Creates an endpoint, or edits one (`registry` given): type, name, URL as the type's pattern allows, credential,
 * certificate checks. "Test connection" pings with what is typed; saving pings too, so nothing unreachable is saved.
 */
export function RegistryEditor({
	registry,
	onClose,
}: {
	registry?: Registry;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const id = useId();
	const adapters = useAdapters();
	const types = Object.keys(adapters.data ?? {});
	const [form, setForm] = useState<RegistryInput>({
		name: registry?.name ?? "",
		type: registry?.type ?? "harbor",
		url: registry?.url ?? "",
		description: registry?.description ?? "",
		access_key: registry?.credential.access_key ?? "",
		access_secret: "",
		insecure: registry?.insecure ?? false,
		ca_certificate: registry?.ca_certificate ?? "",
	});
	const [touched, setTouched] = useState(false);
	const create = useCreateRegistry();
	const update = useUpdateRegistry();
	const ping = usePingRegistry();
	const mutation = registry ? update : create;
	const pattern = adapters.data?.[form.type];
	const endpointType =
		pattern?.endpoint_pattern.endpoint_type ?? "EndpointPatternTypeStandard";
	const keyFixed = fixedKey(pattern);
	const secretIsFile =
		pattern?.credential_pattern.access_secret_type === "AccessSecretTypeFile";

	const set = (changes: Partial<RegistryInput>) => {
		setForm((f) => ({ ...f, ...changes }));
		ping.reset();
	};
	const chooseType = (type: string) => {
		const p = adapters.data?.[type];
		set({
			type,
			url:
				defaultUrl(p) ||
				(endpointType === "EndpointPatternTypeStandard" ? form.url : ""),
			access_key: fixedKey(p) ?? (keyFixed ? "" : form.access_key),
		});
	};
	const input = { ...form, access_key: keyFixed ?? form.access_key };
	const parsed = registryInput.safeParse(input);
	const nameError =
		touched && !form.name.trim() ? t("registries.nameRequired") : null;
	const urlError =
		touched && !form.url.trim() ? t("registries.urlRequired") : null;

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTouched(true);
		if (!parsed.success) return;
		const done = { onSuccess: onClose };
		if (registry) update.mutate({ id: registry.id, input: parsed.data }, done);
		else create.mutate(parsed.data, done);
	};
	const test = () => {
		setTouched(true);
		if (parsed.success) ping.mutate({ id: registry?.id, input: parsed.data });
	};

	return (
		<Dialog
			open
			wide
			title={registry ? t("registries.editTitle") : t("registries.createTitle")}
			onClose={onClose}
		>
			<form onSubmit={submit} noValidate>
				<div className="mb-3">
					<label htmlFor={`${id}-type`} className="block text-sm font-medium">
						{t("registries.type")}
					</label>
					<select
						id={`${id}-type`}
						className={`${inputClass} mt-1 w-full`}
						value={form.type}
						disabled={!!registry}
						onChange={(e) => chooseType(e.target.value)}
					>
						{(types.length ? types : [form.type]).map((type) => (
							<option key={type} value={type}>
								{t(`registries.typeName.${type}`, { defaultValue: type })}
							</option>
						))}
					</select>
				</div>
				<Field
					label={t("registries.name")}
					value={form.name}
					maxLength={255}
					autoFocus
					required
					error={nameError}
					onChange={(e) => set({ name: e.target.value })}
					onBlur={() => setTouched(true)}
				/>
				<Field
					label={t("registries.description")}
					value={form.description}
					maxLength={1024}
					onChange={(e) => set({ description: e.target.value })}
				/>
				{endpointType === "EndpointPatternTypeList" ? (
					<div className="mb-3">
						<label htmlFor={`${id}-url`} className="block text-sm font-medium">
							{t("registries.url")}
						</label>
						<select
							id={`${id}-url`}
							className={`${inputClass} mt-1 w-full`}
							value={form.url}
							onChange={(e) => set({ url: e.target.value })}
						>
							{pattern!.endpoint_pattern.endpoints.map((ep) => (
								<option key={ep.value} value={ep.value}>
									{ep.key} — {ep.value}
								</option>
							))}
						</select>
					</div>
				) : (
					<Field
						label={t("registries.url")}
						value={form.url}
						required
						error={urlError}
						readOnly={endpointType === "EndpointPatternTypeFix"}
						placeholder="https://registry.example.com"
						hint={t("registries.urlHint")}
						onChange={(e) => set({ url: e.target.value })}
					/>
				)}
				<Field
					label={t("registries.accessKey")}
					value={keyFixed ?? form.access_key}
					readOnly={keyFixed !== null}
					autoComplete="off"
					onChange={(e) => set({ access_key: e.target.value })}
				/>
				{secretIsFile ? (
					<div className="mb-3">
						<label
							htmlFor={`${id}-secret`}
							className="block text-sm font-medium"
						>
							{t("registries.accessSecretFile")}
						</label>
						<textarea
							id={`${id}-secret`}
							rows={4}
							className={`${inputClass} mt-1 w-full font-mono`}
							value={form.access_secret}
							placeholder={
								registry?.credential.access_secret
									? t("registries.secretKept")
									: ""
							}
							onChange={(e) => set({ access_secret: e.target.value })}
						/>
					</div>
				) : (
					<Field
						label={t("registries.accessSecret")}
						type="password"
						value={form.access_secret}
						autoComplete="new-password"
						placeholder={
							registry?.credential.access_secret
								? t("registries.secretKept")
								: ""
						}
						onChange={(e) => set({ access_secret: e.target.value })}
					/>
				)}
				<div className="mb-3 flex items-start gap-2">
					<input
						id={`${id}-verify`}
						type="checkbox"
						className="mt-1"
						checked={!form.insecure}
						onChange={(e) => set({ insecure: !e.target.checked })}
					/>
					<label htmlFor={`${id}-verify`} className="text-sm">
						{t("registries.verifyCertLong")}
					</label>
				</div>
				<div className="mb-3">
					<label htmlFor={`${id}-ca`} className="block text-sm font-medium">
						{t("registries.caCertificate")}
					</label>
					<textarea
						id={`${id}-ca`}
						rows={3}
						className={`${inputClass} mt-1 w-full font-mono text-xs`}
						value={form.ca_certificate}
						placeholder="-----BEGIN CERTIFICATE-----"
						aria-describedby={`${id}-ca-hint`}
						onChange={(e) => set({ ca_certificate: e.target.value })}
					/>
					<p
						id={`${id}-ca-hint`}
						className="mt-1 text-xs text-slate-600 dark:text-slate-300"
					>
						{t("registries.caHint")}
					</p>
				</div>
				<ConnectionTest
					test={ping}
					onTest={test}
					words={{
						test: t("registries.test"),
						testing: t("registries.testing"),
						ok: t("registries.testOk"),
						failed: t("registries.testFailed"),
					}}
				/>
				<DialogActions
					error={mutation.error}
					pending={mutation.isPending}
					submitLabel={registry ? t("common.save") : t("common.create")}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}
