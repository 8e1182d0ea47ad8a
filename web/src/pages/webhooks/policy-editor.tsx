import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	useCreatePolicy,
	useUpdatePolicy,
	useWebhookEvents,
	type WebhookPolicy,
	type WebhookTarget,
} from "../../api/webhooks.ts";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field, inputClass } from "../../components/field.tsx";

/** What the server keeps when the mask comes back: the saved auth header. */
const masked = "******";

/**
 * Creates a webhook policy, or edits one: name, description, the event types, one target (http or Slack, its
 * address, payload format, auth header, whether to verify its certificate), enabled. A saved auth header is never
 * shown: left as it is, it stays; cleared, it goes.
 */
export function PolicyEditor({
	projectId,
	policy,
	onClose,
}: {
	projectId: number;
	policy?: WebhookPolicy;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const events = useWebhookEvents(projectId);
	const target: WebhookTarget = policy?.targets[0] ?? {
		type: "http",
		address: "",
		auth_header: "",
		skip_cert_verify: false,
		payload_format: "Default",
	};
	const [name, setName] = useState(policy?.name ?? "");
	const [description, setDescription] = useState(policy?.description ?? "");
	const [eventTypes, setEventTypes] = useState<string[]>(
		policy?.event_types ?? ["PUSH_ARTIFACT"],
	);
	const [type, setType] = useState(target.type);
	const [address, setAddress] = useState(target.address);
	const [format, setFormat] = useState(target.payload_format);
	const [authHeader, setAuthHeader] = useState(target.auth_header ?? "");
	const [skipVerify, setSkipVerify] = useState(target.skip_cert_verify);
	const [enabled, setEnabled] = useState(policy?.enabled ?? true);
	const [touched, setTouched] = useState(false);
	const create = useCreatePolicy();
	const update = useUpdatePolicy();
	const mutation = policy ? update : create;

	const addressOk = /^https?:\/\/\S+$/.test(address.trim());
	const problems = {
		name: !name.trim() ? t("webhooks.nameRequired") : null,
		address: !addressOk ? t("webhooks.addressInvalid") : null,
		events: eventTypes.length === 0 ? t("webhooks.eventsRequired") : null,
	};
	const shown = (p: string | null) => (touched ? p : null);
	const formats = type === "slack" ? ["Default"] : ["Default", "CloudEvents"];

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTouched(true);
		if (problems.name || problems.address || problems.events) return;
		const input = {
			name: name.trim(),
			description,
			enabled,
			event_types: eventTypes,
			targets: [
				{
					type,
					address: address.trim(),
					auth_header: authHeader,
					skip_cert_verify: skipVerify,
					payload_format: type === "slack" ? ("Default" as const) : format,
				},
				// Targets beyond the first (made through the API) are kept as they are.
				...(policy?.targets.slice(1) ?? []),
			],
		};
		if (policy)
			update.mutate(
				{ projectId, id: policy.id, input },
				{ onSuccess: onClose },
			);
		else create.mutate({ projectId, input }, { onSuccess: onClose });
	};

	const toggle = (e: string) =>
		setEventTypes((v) =>
			v.includes(e) ? v.filter((x) => x !== e) : [...v, e],
		);

	return (
		<Dialog
			open
			wide
			title={policy ? t("webhooks.editTitle") : t("webhooks.createTitle")}
			onClose={onClose}
		>
			<form onSubmit={submit} noValidate>
				<Field
					label={t("webhooks.name")}
					value={name}
					maxLength={255}
					autoFocus
					required
					onChange={(e) => setName(e.target.value)}
					onBlur={() => setTouched(true)}
					error={shown(problems.name)}
				/>
				<Field
					label={t("webhooks.description")}
					value={description}
					maxLength={1024}
					onChange={(e) => setDescription(e.target.value)}
				/>
				<fieldset className="mb-3">
					<legend className="text-sm font-medium">
						{t("webhooks.eventTypes")}
					</legend>
					<div className="mt-1 grid grid-cols-1 gap-1 sm:grid-cols-2">
						{(events.data?.event_type ?? eventTypes).map((e) => (
							<label key={e} className="flex items-center gap-2 text-sm">
								<input
									type="checkbox"
									checked={eventTypes.includes(e)}
									onChange={() => toggle(e)}
								/>
								{t(`webhooks.event.${e}`, { defaultValue: e })}
							</label>
						))}
					</div>
					{shown(problems.events) && (
						<p className="mt-1 text-xs text-red-700 dark:text-red-300">
							{problems.events}
						</p>
					)}
				</fieldset>
				<div className="mb-3 flex flex-wrap gap-3">
					<label className="text-sm font-medium">
						{t("webhooks.notifyType")}
						<select
							className={`ml-2 ${inputClass}`}
							value={type}
							onChange={(e) => setType(e.target.value as WebhookTarget["type"])}
						>
							<option value="http">HTTP</option>
							<option value="slack">Slack</option>
						</select>
					</label>
					<label className="text-sm font-medium">
						{t("webhooks.payloadFormat")}
						<select
							className={`ml-2 ${inputClass}`}
							value={type === "slack" ? "Default" : format}
							disabled={type === "slack"}
							onChange={(e) =>
								setFormat(e.target.value as WebhookTarget["payload_format"])
							}
						>
							{formats.map((f) => (
								<option key={f} value={f}>
									{f}
								</option>
							))}
						</select>
					</label>
				</div>
				<Field
					label={t("webhooks.address")}
					value={address}
					maxLength={2048}
					required
					placeholder="https://ci.example.com/hook"
					onChange={(e) => setAddress(e.target.value)}
					onBlur={() => setTouched(true)}
					error={shown(problems.address)}
				/>
				<Field
					label={t("webhooks.authHeader")}
					value={authHeader}
					maxLength={4096}
					autoComplete="off"
					placeholder="Bearer …"
					onChange={(e) => setAuthHeader(e.target.value)}
					hint={
						authHeader === masked
							? t("webhooks.authHeaderKept")
							: t("webhooks.authHeaderHint")
					}
				/>
				<label className="mb-2 flex items-center gap-2 text-sm">
					<input
						type="checkbox"
						checked={skipVerify}
						onChange={(e) => setSkipVerify(e.target.checked)}
					/>
					{t("webhooks.skipCertVerify")}
				</label>
				<label className="mb-2 flex items-center gap-2 text-sm">
					<input
						type="checkbox"
						checked={enabled}
						onChange={(e) => setEnabled(e.target.checked)}
					/>
					{t("webhooks.enabled")}
				</label>
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
