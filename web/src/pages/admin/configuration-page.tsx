import { type FormEvent, type ReactNode, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type Configurations,
	type ConfigValue,
	type ScanAllPolicy,
	useConfigurations,
	useUpdateConfigurations,
} from "../../api/configurations.ts";
import { usePingOidc } from "../../api/oidc.ts";
import {
	type Banner,
	bannerTypes,
	parseBanner,
	serializeBanner,
} from "../../api/system-info.ts";
import { type LdapPingSettings, usePingLdap } from "../../api/user-groups.ts";
import { Button } from "../../components/button.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { inputClass as baseInputClass } from "../../components/field.tsx";
import { formatBytes } from "../../components/format.ts";
import { Skeleton } from "../../components/skeleton.tsx";
import {
	type StorageDraft,
	storageDraftBytes,
	toStorageDraft,
} from "../../components/storage-limit.ts";
import { StorageLimitInput } from "../../components/storage-limit-input.tsx";
import { withCurrent } from "../../components/with-current.ts";
import { SystemCveAllowlist } from "./system-cve-allowlist.tsx";

/** The redirect URI to register at the OIDC provider (the OIDC group's hint names it). */
const oidcCallback = `${window.location.origin}/c/oidc/callback`;

type Kind =
	| "boolean"
	| "number"
	| "choice"
	| "storage"
	| "banner"
	| "text"
	| "secret"
	| "schedule";
type Setting = {
	key: string;
	kind: Kind;
	choices?: string[];
	unit?: "days" | "minutes" | "seconds";
};

const text = (...keys: string[]): Setting[] =>
	keys.map((key) => ({ key, kind: "text" }));
const flags = (...keys: string[]): Setting[] =>
	keys.map((key) => ({ key, kind: "boolean" }));

/**
 * The settings Harbor's configuration pages group together. Only those the server answers are shown (secrets, which it
 * never answers, always: write-only, left empty to keep); any other key it answers lands under "Other", shown by the
 * type of its value, so a new server setting is never hidden. Groups of features still to come say so in their hint.
 */
const groups: { id: string; settings: Setting[] }[] = [
	{
		id: "authentication",
		settings: [
			{
				key: "auth_mode",
				kind: "choice",
				choices: ["db_auth", "ldap_auth", "oidc_auth"],
			},
			...flags("primary_auth_mode", "self_registration"),
		],
	},
	{
		id: "projects",
		settings: [
			{
				key: "project_creation_restriction",
				kind: "choice",
				choices: ["everyone", "adminonly"],
			},
			{ key: "quota_per_project_enable", kind: "boolean" },
			{ key: "storage_per_project", kind: "storage" },
		],
	},
	{
		id: "robots",
		settings: [
			{ key: "robot_token_duration", kind: "number", unit: "days" },
			{ key: "robot_name_prefix", kind: "text" },
		],
	},
	{
		id: "sessions",
		settings: [
			{ key: "token_expiration", kind: "number", unit: "minutes" },
			{ key: "session_timeout", kind: "number", unit: "minutes" },
		],
	},
	{
		id: "system",
		settings: [
			{ key: "read_only", kind: "boolean" },
			{ key: "notification_enable", kind: "boolean" },
			{ key: "banner_message", kind: "banner" },
		],
	},
	{
		id: "audit",
		settings: [
			...text("disabled_audit_log_event_types", "audit_log_forward_endpoint"),
			{ key: "skip_audit_log_database", kind: "boolean" },
		],
	},
	{
		id: "scanning",
		settings: [
			{ key: "scan_all_policy", kind: "schedule" },
			{ key: "scanner_skip_update_pulltime", kind: "boolean" },
		],
	},
	{
		id: "ldap",
		settings: [
			...text("ldap_url", "ldap_search_dn"),
			{ key: "ldap_search_password", kind: "secret" },
			...text("ldap_base_dn", "ldap_filter", "ldap_uid"),
			{ key: "ldap_scope", kind: "number" },
			{ key: "ldap_timeout", kind: "number", unit: "seconds" },
			{ key: "ldap_verify_cert", kind: "boolean" },
			...text(
				"ldap_group_base_dn",
				"ldap_group_search_filter",
				"ldap_group_attribute_name",
			),
			{ key: "ldap_group_search_scope", kind: "number" },
			...text("ldap_group_admin_dn", "ldap_group_membership_attribute"),
			{ key: "ldap_group_attach_parallel", kind: "boolean" },
		],
	},
	{
		id: "oidc",
		settings: [
			...text("oidc_name", "oidc_endpoint", "oidc_client_id"),
			{ key: "oidc_client_secret", kind: "secret" },
			...text(
				"oidc_groups_claim",
				"oidc_admin_group",
				"oidc_group_filter",
				"oidc_scope",
				"oidc_user_claim",
				"oidc_extra_redirect_parms",
			),
			...flags("oidc_verify_cert", "oidc_auto_onboard", "oidc_logout"),
		],
	},
	{
		id: "uaa",
		settings: [
			...text("uaa_endpoint", "uaa_client_id"),
			{ key: "uaa_client_secret", kind: "secret" },
			{ key: "uaa_verify_cert", kind: "boolean" },
		],
	},
	{
		id: "authproxy",
		settings: [
			...text(
				"http_authproxy_endpoint",
				"http_authproxy_tokenreview_endpoint",
				"http_authproxy_admin_groups",
				"http_authproxy_admin_usernames",
				"http_authproxy_server_certificate",
			),
			...flags("http_authproxy_verify_cert", "http_authproxy_skip_search"),
		],
	},
];
const known = new Set(groups.flatMap((g) => g.settings.map((s) => s.key)));
const kindOf = (v: ConfigValue): Kind =>
	typeof v === "boolean"
		? "boolean"
		: typeof v === "number"
			? "number"
			: "text";

/**
 * Harbor's banner, read and written by the shell's own rules (`parseBanner`: a missing `closable` is false; fields the
 * form does not edit, such as the dates, are kept as they were). No banner yet: a new one starts closable.
 */
const toBanner = (v: string): Banner =>
	parseBanner(v) ?? { message: "", type: "info", closable: true, extra: {} };

type Draft = string | boolean | StorageDraft | Banner;
function toDraftValue(s: Setting, v: ConfigValue | undefined): Draft {
	if (s.kind === "secret" || v === undefined) return "";
	if (s.kind === "schedule") return (v as ScanAllPolicy).type;
	return s.kind === "storage"
		? toStorageDraft(Number(v))
		: s.kind === "banner"
			? toBanner(String(v))
			: s.kind === "boolean"
				? Boolean(v)
				: String(v);
}
/** The value to send, or null while the field holds something that is not a value of its type. */
function fromDraftValue(s: Setting, d: Draft): ConfigValue | null {
	// A schedule turned on starts at 00:00 UTC, as Harbor's.
	if (s.kind === "schedule")
		return d === "daily"
			? { type: "daily", parameter: { daily_time: 0 } }
			: { type: "none" };
	if (s.kind === "storage") return storageDraftBytes(d as StorageDraft);
	if (s.kind === "banner") return serializeBanner(d as Banner);
	if (s.kind === "number")
		return (d as string).trim() !== "" && Number.isFinite(Number(d))
			? Number(d)
			: null;
	return d as string | boolean;
}

/** /admin/configuration: the system settings, grouped; one PUT of the changed keys. */
export default function ConfigurationPage() {
	const { t } = useTranslation();
	const config = useConfigurations();
	// Kept here: after a save the form below starts again from the server's answer, and the notice must outlive it.
	const [saved, setSaved] = useState(false);
	return (
		<section>
			<h1 className="mb-1 text-2xl font-semibold">
				{t("nav.admin.configuration")}
			</h1>
			<p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
				{t("admin.config.intro")}
			</p>
			<ErrorMessage error={config.error} />
			{config.isPending && <Skeleton className="h-64" />}
			{/* Keyed by the answer's time: after a save the form starts again from what the server now holds. */}
			{config.data && (
				<SettingsForm
					key={config.dataUpdatedAt}
					config={config.data}
					saved={saved}
					onSaved={setSaved}
				/>
			)}
			<SystemCveAllowlist />
		</section>
	);
}

function SettingsForm({
	config,
	saved,
	onSaved: setSaved,
}: {
	config: Configurations;
	saved: boolean;
	onSaved: (saved: boolean) => void;
}) {
	const { t } = useTranslation();
	const update = useUpdateConfigurations();
	const shown = [
		...groups.map((g) => ({
			id: g.id,
			settings: g.settings.filter(
				(s) => s.key in config || s.kind === "secret",
			),
		})),
		{
			id: "other",
			settings: Object.keys(config)
				.filter((k) => !known.has(k))
				.sort()
				.map((key): Setting => ({ key, kind: kindOf(config[key].value) })),
		},
	].filter((g) => g.settings.length > 0);
	const all = shown.flatMap((g) => g.settings);
	const initial = () =>
		Object.fromEntries(
			all.map((s) => [s.key, toDraftValue(s, config[s.key]?.value)]),
		);
	const editable = (key: string) => config[key]?.editable ?? true;
	const [start] = useState<Record<string, Draft>>(initial);
	const [draft, setDraft] = useState(start);

	const values = all.map((s) => ({
		s,
		value: fromDraftValue(s, draft[s.key]),
	}));
	const invalid = values.some((v) => v.value === null);
	// A setting changed when its field differs from how it started (a banner's JSON may be written in another key order).
	const changes = Object.fromEntries(
		values
			.filter(
				(v) =>
					editable(v.s.key) &&
					v.value !== null &&
					JSON.stringify(draft[v.s.key]) !== JSON.stringify(start[v.s.key]),
			)
			.map((v) => [v.s.key, v.value as ConfigValue]),
	);
	const changed = Object.keys(changes).length;

	const submit = (e: FormEvent) => {
		e.preventDefault();
		if (invalid || changed === 0) return;
		setSaved(false);
		// The promise, not mutate's callback: the refetch after saving replaces this form before a callback would run.
		update.mutateAsync(changes).then(
			() => setSaved(true),
			() => {
				/* shown by update.error */
			},
		);
	};
	const set = (key: string) => (d: Draft) => {
		setSaved(false);
		setDraft((prev) => ({ ...prev, [key]: d }));
	};

	return (
		<form onSubmit={submit} className="space-y-6">
			{shown.map((g) => (
				<fieldset
					key={g.id}
					className="rounded border border-slate-300 bg-white p-4 dark:border-slate-700 dark:bg-slate-900"
				>
					<legend className="px-1 text-lg font-semibold">
						{t(`admin.config.group.${g.id}`)}
					</legend>
					{t(`admin.config.group.${g.id}.hint`, {
						defaultValue: "",
						callback: oidcCallback,
					}) && (
						<p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
							{t(`admin.config.group.${g.id}.hint`, { callback: oidcCallback })}
						</p>
					)}
					<div className="space-y-4">
						{g.settings.map((s) => (
							<SettingField
								key={s.key}
								setting={s}
								editable={editable(s.key)}
								current={config[s.key]?.value}
								value={draft[s.key]}
								onChange={set(s.key)}
								changed={s.key in changes}
							/>
						))}
					</div>
					{g.id === "ldap" && <LdapPing draft={draft} />}
					{g.id === "oidc" && <OidcPing draft={draft} />}
				</fieldset>
			))}
			<ErrorMessage error={update.error} />
			<div className="sticky bottom-0 flex items-center gap-3 border-t border-slate-300 bg-slate-50 py-3 dark:border-slate-700 dark:bg-slate-950">
				<Button
					type="submit"
					disabled={invalid || changed === 0 || update.isPending}
				>
					{t("common.save")}
				</Button>
				<Button
					variant="secondary"
					disabled={changed === 0}
					onClick={() => {
						update.reset();
						setDraft(start);
					}}
				>
					{t("admin.config.discard")}
				</Button>
				<p
					role="status"
					data-testid="settings-status"
					className="text-sm text-slate-600 dark:text-slate-300"
				>
					{saved
						? t("admin.config.saved")
						: changed > 0
							? t("admin.config.changed", { count: changed })
							: ""}
				</p>
			</div>
		</form>
	);
}

const inputClass = `${baseInputClass} disabled:bg-slate-100 dark:disabled:bg-slate-900`;

/** "Test LDAP server": the form's LDAP settings as they stand, saved or not (the search password, left empty, is the stored one). */
function LdapPing({ draft }: { draft: Record<string, Draft> }) {
	const { t } = useTranslation();
	const ping = usePingLdap();
	const str = (k: string) =>
		typeof draft[k] === "string" ? (draft[k] as string) : undefined;
	const num = (k: string) =>
		str(k)?.trim() && Number.isFinite(Number(str(k)))
			? Number(str(k))
			: undefined;
	const settings: LdapPingSettings = {
		ldap_url: str("ldap_url"),
		ldap_search_dn: str("ldap_search_dn"),
		ldap_base_dn: str("ldap_base_dn"),
		ldap_filter: str("ldap_filter"),
		ldap_uid: str("ldap_uid"),
		ldap_scope: num("ldap_scope"),
		ldap_connection_timeout: num("ldap_timeout"),
		ldap_verify_cert:
			typeof draft.ldap_verify_cert === "boolean"
				? draft.ldap_verify_cert
				: undefined,
		...(str("ldap_search_password")
			? { ldap_search_password: str("ldap_search_password") }
			: {}),
	};
	const result = ping.data;
	return (
		<div className="mt-4 flex flex-wrap items-center gap-3">
			<Button
				variant="secondary"
				disabled={ping.isPending}
				onClick={() => ping.mutate(settings)}
			>
				{t("admin.config.ldapPing")}
			</Button>
			<p
				role="status"
				className={`text-sm ${result && !result.success ? "text-red-700 dark:text-red-300" : "text-emerald-800 dark:text-emerald-300"}`}
			>
				{ping.isPending
					? t("admin.config.ldapPing.pending")
					: result
						? t(
								result.success
									? "admin.config.ldapPing.ok"
									: "admin.config.ldapPing.failed",
								{ message: result.message },
							)
						: ""}
			</p>
			<ErrorMessage error={ping.error} />
		</div>
	);
}

/** "Test OIDC provider": the endpoint and certificate check as the form has them, saved or not. */
function OidcPing({ draft }: { draft: Record<string, Draft> }) {
	const { t } = useTranslation();
	const ping = usePingOidc();
	const url =
		typeof draft.oidc_endpoint === "string" ? draft.oidc_endpoint.trim() : "";
	return (
		<div className="mt-4 flex flex-wrap items-center gap-3">
			<Button
				variant="secondary"
				disabled={ping.isPending || !url}
				onClick={() =>
					ping.mutate({ url, verify_cert: draft.oidc_verify_cert !== false })
				}
			>
				{t("admin.config.oidcPing")}
			</Button>
			<p
				role="status"
				className="text-sm text-emerald-800 dark:text-emerald-300"
			>
				{ping.isPending
					? t("admin.config.ldapPing.pending")
					: ping.isSuccess
						? t("admin.config.oidcPing.ok")
						: ""}
			</p>
			<ErrorMessage error={ping.error} />
		</div>
	);
}

/** "read-only" beside a setting's name, outside its label (the reason in its description says it to screen readers). */
function ReadOnlyBadge() {
	const { t } = useTranslation();
	return (
		<span
			aria-hidden="true"
			className="rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700 dark:bg-slate-700 dark:text-slate-200"
		>
			{t("admin.config.readOnly")}
		</span>
	);
}

/** A setting's value as words, for one the server will not let change (a choice by its name, a limit in bytes). */
function fixedText(
	s: Setting,
	v: ConfigValue | undefined,
	t: (key: string, o?: Record<string, unknown>) => string,
): string {
	if (v === undefined) return "";
	if (s.kind === "schedule") v = (v as ScanAllPolicy).type;
	if (s.kind === "choice" || s.kind === "schedule")
		return t(`admin.config.choice.${v}`, { defaultValue: String(v) });
	if (s.kind === "storage")
		return Number(v) < 0 ? t("common.unlimited") : formatBytes(Number(v));
	if (s.kind === "banner") return toBanner(String(v)).message;
	return s.unit
		? `${String(v)} ${t(`admin.config.unit.${s.unit}`)}`
		: String(v);
}

/** One setting: its control, what it means, and, when the API may not change it, its value as read-only text and why. */
function SettingField({
	setting: s,
	editable,
	current,
	value,
	onChange,
	changed,
}: {
	setting: Setting;
	editable: boolean;
	/** The value the server holds (what a read-only setting shows). */
	current: ConfigValue | undefined;
	value: Draft;
	onChange: (d: Draft) => void;
	changed: boolean;
}) {
	const { t } = useTranslation();
	const id = useId();
	const label = t(`admin.config.${s.key}`, { defaultValue: s.key });
	const hintKey = `admin.config.${s.key}.hint`;
	const fixed =
		!editable || (s.kind === "choice" && (s.choices?.length ?? 0) < 2);
	// Why a value the server will not change is read-only: its own reason, or the general one.
	const reason = editable
		? ""
		: t(`admin.config.fixed.${s.key}`, {
				defaultValue: t("admin.config.fixed"),
			});
	const hint = [t(hintKey, { defaultValue: "" }), reason]
		.filter(Boolean)
		.join(" ");
	const mark = changed ? (
		<span className="ml-2 text-xs font-normal text-amber-800 dark:text-amber-300">
			{t("admin.config.unsaved")}
		</span>
	) : null;
	const note = hint ? (
		<p
			id={`${id}-hint`}
			className="mt-1 text-xs text-slate-600 dark:text-slate-300"
		>
			{hint}
		</p>
	) : null;
	const describedBy = hint ? `${id}-hint` : undefined;
	let control: ReactNode;

	// Not editable: the value as text in a read-only field that does not look like one to type in, and the reason.
	if (!editable && s.kind !== "boolean") {
		return (
			<div data-testid="fixed-setting">
				<div className="mb-1 flex items-center gap-2">
					<label htmlFor={id} className="text-sm font-medium">
						{label}
					</label>
					<ReadOnlyBadge />
				</div>
				<input
					id={id}
					readOnly
					value={fixedText(s, current, t)}
					aria-describedby={describedBy}
					className="w-72 max-w-full cursor-default rounded border border-dashed border-slate-300 bg-slate-100 px-2 py-1 text-sm text-slate-700 outline-offset-2 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-200"
				/>
				{note}
			</div>
		);
	}

	if (s.kind === "boolean") {
		return (
			<div data-testid={editable ? undefined : "fixed-setting"}>
				<div className="flex items-center gap-2">
					<label className="flex items-center gap-2 text-sm font-medium">
						<input
							type="checkbox"
							checked={value as boolean}
							disabled={fixed}
							aria-describedby={describedBy}
							onChange={(e) => onChange(e.target.checked)}
						/>
						{label}
						{mark}
					</label>
					{!editable && <ReadOnlyBadge />}
				</div>
				{note}
			</div>
		);
	}
	if (s.kind === "storage") {
		return (
			<div>
				<StorageLimitInput
					label={label}
					value={value as StorageDraft}
					onChange={onChange}
				/>
				{mark}
				{note}
			</div>
		);
	}
	if (s.kind === "banner")
		return (
			<BannerField
				label={label}
				value={value as Banner}
				onChange={onChange}
				mark={mark}
				note={note}
			/>
		);
	if (s.kind === "choice" || s.kind === "schedule") {
		const choices =
			s.kind === "schedule" ? ["none", "daily"] : (s.choices ?? []);
		control = (
			<select
				id={id}
				className={inputClass}
				value={value as string}
				disabled={fixed}
				aria-describedby={describedBy}
				onChange={(e) => onChange(e.target.value)}
			>
				{withCurrent(choices, value as string).map((c) => (
					<option key={c} value={c}>
						{t(`admin.config.choice.${c}`, { defaultValue: c })}
					</option>
				))}
			</select>
		);
	} else {
		control = (
			<span className="flex items-center gap-2">
				<input
					id={id}
					className={`${inputClass} ${s.kind === "number" ? "w-32" : "w-72"}`}
					type={
						s.kind === "number"
							? "number"
							: s.kind === "secret"
								? "password"
								: "text"
					}
					autoComplete={s.kind === "secret" ? "new-password" : undefined}
					placeholder={
						s.kind === "secret"
							? t("admin.config.secret.placeholder")
							: undefined
					}
					readOnly={fixed}
					aria-describedby={describedBy}
					value={value as string}
					onChange={(e) => onChange(e.target.value)}
				/>
				{s.unit && (
					<span className="text-sm">{t(`admin.config.unit.${s.unit}`)}</span>
				)}
			</span>
		);
	}
	return (
		<div>
			<label htmlFor={id} className="mb-1 block text-sm font-medium">
				{label}
				{mark}
			</label>
			{control}
			{note}
		</div>
	);
}

function BannerField({
	label,
	value,
	onChange,
	mark,
	note,
}: {
	label: string;
	value: Banner;
	onChange: (b: Banner) => void;
	mark: ReactNode;
	note: ReactNode;
}) {
	const { t } = useTranslation();
	const id = useId();
	return (
		<fieldset>
			<legend className="text-sm font-medium">
				{label}
				{mark}
			</legend>
			<label htmlFor={`${id}-message`} className="mt-1 block text-sm">
				{t("admin.config.banner.message")}
			</label>
			<textarea
				id={`${id}-message`}
				rows={2}
				className={`${inputClass} mt-1 w-full`}
				value={value.message}
				onChange={(e) => onChange({ ...value, message: e.target.value })}
			/>
			<div className="mt-2 flex flex-wrap items-center gap-4">
				<span className="flex items-center gap-2 text-sm">
					<label htmlFor={`${id}-type`}>{t("admin.config.banner.type")}</label>
					<select
						id={`${id}-type`}
						className={inputClass}
						value={value.type}
						onChange={(e) => onChange({ ...value, type: e.target.value })}
					>
						{withCurrent(bannerTypes, value.type).map((ty) => (
							<option key={ty} value={ty}>
								{(bannerTypes as readonly string[]).includes(ty)
									? t(`admin.config.banner.${ty}`)
									: ty}
							</option>
						))}
					</select>
				</span>
				<label className="flex items-center gap-2 text-sm">
					<input
						type="checkbox"
						checked={value.closable}
						onChange={(e) => onChange({ ...value, closable: e.target.checked })}
					/>
					{t("admin.config.banner.closable")}
				</label>
			</div>
			{note}
		</fieldset>
	);
}
