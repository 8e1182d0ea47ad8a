import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	inputOf,
	type Scanner,
	type ScannerInput,
	scannerAuths,
	scannerInput,
	useCreateScanner,
	usePingScanner,
	useUpdateScanner,
} from "../../api/scanners.ts";
import { ConnectionTest } from "../../components/connection-test.tsx";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field, inputClass } from "../../components/field.tsx";

const blank: ScannerInput = {
	name: "",
	description: "",
	url: "",
	auth: "",
	access_credential: "",
	skip_certVerify: false,
	use_internal_addr: false,
	disabled: false,
};

/**
 * Registers a scanner adapter, or edits one (`scanner` given): name, URL, how Wharf authenticates to it, certificate
 * checks. The credential is write-only: on edit an empty box keeps the stored one. "Test connection" asks the adapter
 * for its metadata with what is typed; saving asks too, so nothing that does not answer is saved.
 */
export function ScannerEditor({
	scanner,
	onClose,
}: {
	scanner?: Scanner;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const id = useId();
	const [form, setForm] = useState<ScannerInput>(
		scanner ? inputOf(scanner) : blank,
	);
	const [touched, setTouched] = useState(false);
	const create = useCreateScanner();
	const update = useUpdateScanner();
	const ping = usePingScanner();
	const mutation = scanner ? update : create;
	const stored = !!scanner?.access_credential && scanner.auth === form.auth;

	const set = (changes: Partial<ScannerInput>) => {
		setForm((f) => ({ ...f, ...changes }));
		ping.reset();
	};
	const parsed = scannerInput.safeParse(form);
	const nameError =
		touched && !form.name.trim() ? t("scanners.nameRequired") : null;
	const urlError =
		touched && !form.url.trim() ? t("scanners.urlRequired") : null;

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTouched(true);
		if (!parsed.success) return;
		if (scanner)
			update.mutate(
				{ uuid: scanner.uuid, input: parsed.data },
				{ onSuccess: onClose },
			);
		else create.mutate(parsed.data, { onSuccess: onClose });
	};
	const test = () => {
		setTouched(true);
		if (parsed.success)
			ping.mutate({
				uuid: stored ? scanner?.uuid : undefined,
				input: parsed.data,
			});
	};

	return (
		<Dialog
			open
			wide
			title={scanner ? t("scanners.editTitle") : t("scanners.createTitle")}
			onClose={onClose}
		>
			<form onSubmit={submit} noValidate>
				<Field
					label={t("scanners.name")}
					value={form.name}
					maxLength={255}
					autoFocus
					required
					error={nameError}
					onChange={(e) => set({ name: e.target.value })}
					onBlur={() => setTouched(true)}
				/>
				<Field
					label={t("scanners.description")}
					value={form.description}
					maxLength={1024}
					onChange={(e) => set({ description: e.target.value })}
				/>
				<Field
					label={t("scanners.url")}
					value={form.url}
					required
					error={urlError}
					placeholder="http://trivy-adapter:8080"
					hint={t("scanners.urlHint")}
					onChange={(e) => set({ url: e.target.value })}
				/>
				<div className="mb-3">
					<label htmlFor={`${id}-auth`} className="block text-sm font-medium">
						{t("scanners.auth")}
					</label>
					<select
						id={`${id}-auth`}
						className={`${inputClass} mt-1 w-full`}
						value={form.auth}
						onChange={(e) =>
							set({ auth: e.target.value as ScannerInput["auth"] })
						}
					>
						{scannerAuths.map((a) => (
							<option key={a} value={a}>
								{t(`scanners.authName.${a || "none"}`)}
							</option>
						))}
					</select>
				</div>
				{form.auth && (
					<Field
						label={t("scanners.credential")}
						type="password"
						value={form.access_credential}
						autoComplete="new-password"
						placeholder={stored ? t("scanners.credentialKept") : ""}
						hint={t(`scanners.credentialHint.${form.auth}`)}
						onChange={(e) => set({ access_credential: e.target.value })}
					/>
				)}
				<div className="mb-3 flex items-start gap-2">
					<input
						id={`${id}-verify`}
						type="checkbox"
						className="mt-1"
						checked={!form.skip_certVerify}
						onChange={(e) => set({ skip_certVerify: !e.target.checked })}
					/>
					<label htmlFor={`${id}-verify`} className="text-sm">
						{t("scanners.verifyCert")}
					</label>
				</div>
				<div className="mb-3">
					<div className="flex items-start gap-2">
						<input
							id={`${id}-internal`}
							type="checkbox"
							className="mt-1"
							checked={form.use_internal_addr}
							aria-describedby={`${id}-internal-hint`}
							onChange={(e) => set({ use_internal_addr: e.target.checked })}
						/>
						<label htmlFor={`${id}-internal`} className="text-sm">
							{t("scanners.internalAddr")}
						</label>
					</div>
					<p
						id={`${id}-internal-hint`}
						className="ml-6 text-xs text-slate-600 dark:text-slate-300"
					>
						{t("scanners.internalAddrHint")}
					</p>
				</div>
				<ConnectionTest
					test={ping}
					onTest={test}
					words={{
						test: t("scanners.test"),
						testing: t("scanners.testing"),
						ok: t("scanners.testOk"),
						failed: t("scanners.testFailed"),
					}}
				/>
				<DialogActions
					error={mutation.error}
					pending={mutation.isPending}
					submitLabel={scanner ? t("common.save") : t("scanners.add")}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}
