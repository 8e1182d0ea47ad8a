import { RE2JS } from "re2js";
import { z } from "zod";
import { parseEndpoint } from "../../audit/syslog.ts";
import type { Db } from "../../db/database.ts";
import { createSettingsStore } from "./store.ts";

/** Harbor caps these numbers at ten digits (its console's field width). */
const positive = z.number().int().min(1).max(9_999_999_999);
const text = z.string().max(4096);
const ldapScope = z.number().int().min(0).max(2);

/** What a setting is: its schema, Harbor's default, and whether it is a secret (sealed at rest, never answered). */
export type Entry<S extends z.ZodType> = {
	schema: S;
	default: z.output<S>;
	secret?: true;
	/** Why a value Harbor accepts is refused here: it would switch on something Wharf does not do yet. */
	unsupported?(value: z.output<S>): string | null;
	/** Why the value does not fit the other settings as they will be after the update (checked on every update). */
	consistent?(value: z.output<S>, next: Record<string, unknown>): string | null;
};
const entry = <S extends z.ZodType>(
	schema: S,
	dflt: z.output<S>,
	more: Omit<Entry<S>, "schema" | "default"> = {},
): Entry<S> => ({ schema, default: dflt, ...more });

function isJsonObject(v: string, values?: "strings") {
	try {
		const o: unknown = JSON.parse(v);
		return (
			typeof o === "object" &&
			o !== null &&
			!Array.isArray(o) &&
			(values !== "strings" ||
				Object.values(o).every((x) => typeof x === "string"))
		);
	} catch {
		return false;
	}
}

function isRegex(v: string) {
	try {
		RE2JS.compile(v);
		return true;
	} catch {
		return false;
	}
}

/**
 * Every key of Harbor's `Configurations` (and `scan_all_policy`, which Harbor and its Terraform provider also PUT), with
 * Harbor's names, defaults and rules. Keys whose features arrive later (LDAP, OIDC, UAA, auth proxy, scan-all) are kept
 * so tools can set them ahead; other slices read settings through the cache in `settings-cache.ts`.
 */
export const settingTable = {
	auth_mode: entry(
		z.enum(["db_auth", "ldap_auth", "uaa_auth", "http_auth", "oidc_auth"]),
		"db_auth",
		{
			unsupported: (v) =>
				v === "db_auth" || v === "ldap_auth" || v === "oidc_auth"
					? null
					: `${v} is not available yet: Wharf signs users in from its own database (db_auth), LDAP (ldap_auth) or OIDC (oidc_auth)`,
			// The console's sign-in button and the provider's discovery need these (Harbor's console asks for them too).
			consistent: (v, next) =>
				v === "oidc_auth" &&
				(!next.oidc_name || !next.oidc_endpoint || !next.oidc_client_id)
					? "oidc_auth needs oidc_name, oidc_endpoint and oidc_client_id"
					: null,
		},
	),
	primary_auth_mode: entry(z.boolean(), false),

	ldap_url: entry(text, ""),
	ldap_search_dn: entry(text, ""),
	ldap_search_password: entry(text, "", { secret: true }),
	ldap_base_dn: entry(text, ""),
	ldap_filter: entry(text, ""),
	ldap_uid: entry(text, "cn"),
	ldap_scope: entry(ldapScope, 2),
	ldap_timeout: entry(z.number().int().min(1).max(3600), 5),
	ldap_verify_cert: entry(z.boolean(), true),
	ldap_group_base_dn: entry(text, ""),
	ldap_group_search_filter: entry(text, ""),
	ldap_group_attribute_name: entry(text, ""),
	ldap_group_search_scope: entry(ldapScope, 2),
	ldap_group_admin_dn: entry(text, ""),
	ldap_group_membership_attribute: entry(text, "memberof"),
	ldap_group_attach_parallel: entry(z.boolean(), false),

	oidc_name: entry(text, ""),
	oidc_endpoint: entry(text, ""),
	oidc_client_id: entry(text, ""),
	oidc_client_secret: entry(text, "", { secret: true }),
	oidc_groups_claim: entry(text, ""),
	oidc_admin_group: entry(text, ""),
	/** A regular expression (RE2): only the groups of the claim it matches become user groups. */
	oidc_group_filter: entry(
		text.refine((v) => v === "" || isRegex(v), {
			message: "must be a regular expression",
		}),
		"",
	),
	oidc_scope: entry(text, ""),
	oidc_user_claim: entry(text, ""),
	oidc_verify_cert: entry(z.boolean(), true),
	oidc_auto_onboard: entry(z.boolean(), false),
	oidc_extra_redirect_parms: entry(
		text.refine((v) => isJsonObject(v, "strings"), {
			message: "must be a JSON object of strings, as a string",
		}),
		"{}",
	),
	oidc_logout: entry(z.boolean(), false),

	uaa_client_id: entry(text, ""),
	uaa_client_secret: entry(text, "", { secret: true }),
	uaa_endpoint: entry(text, ""),
	uaa_verify_cert: entry(z.boolean(), false),

	http_authproxy_endpoint: entry(text, ""),
	http_authproxy_tokenreview_endpoint: entry(text, ""),
	http_authproxy_admin_groups: entry(text, ""),
	http_authproxy_admin_usernames: entry(text, ""),
	http_authproxy_verify_cert: entry(z.boolean(), true),
	http_authproxy_skip_search: entry(z.boolean(), false),
	http_authproxy_server_certificate: entry(z.string().max(65_536), ""),

	project_creation_restriction: entry(
		z.enum(["everyone", "adminonly"]),
		"everyone",
	),
	self_registration: entry(z.boolean(), false),
	read_only: entry(z.boolean(), false),
	notification_enable: entry(z.boolean(), true),
	quota_per_project_enable: entry(z.boolean(), true),
	/** Bytes; -1 is unlimited (Harbor refuses 0). The storage limit new projects get. */
	storage_per_project: entry(
		z
			.number()
			.int()
			.min(-1)
			.max(Number.MAX_SAFE_INTEGER)
			.refine((v) => v !== 0, { message: "must be -1 or more than 0" }),
		-1,
	),
	/** Harbor's banner: empty, or a JSON object {message, type, closable, fromDate, toDate} as a string. */
	banner_message: entry(
		text.refine((v) => v === "" || isJsonObject(v), {
			message: "must be empty or a JSON object as a string",
		}),
		"",
	),

	/** Minutes a registry bearer token lives (the environment gives the first start's value). */
	token_expiration: entry(positive, 30),
	/** Minutes a console session lives while idle (the environment gives the first start's value). */
	session_timeout: entry(positive, 60),
	/** Days; robots created without a duration get this one. */
	robot_token_duration: entry(z.number().int().min(1).max(36_500), 30),
	/** New robots' names begin with it; Harbor trims it and refuses it empty. A `:` would break basic credentials. */
	robot_name_prefix: entry(
		z
			.string()
			.trim()
			.min(1, "must not be empty")
			.max(64)
			.refine((v) => !v.includes(":"), { message: 'must not contain ":"' }),
		"robot$",
	),

	/** host:port of a TCP syslog server that every audit event is forwarded to (RFC 5424), or empty. */
	audit_log_forward_endpoint: entry(
		z
			.string()
			.trim()
			.max(255)
			.refine((v) => v === "" || parseEndpoint(v) !== undefined, {
				message: "must be host:port (e.g. syslog.example.com:514), or empty",
			}),
		"",
	),
	/** With an endpoint, audit events go to syslog only, not to the database (Harbor's rule: no endpoint, no skip). */
	skip_audit_log_database: entry(z.boolean(), false, {
		consistent: (v, next) =>
			v && !next.audit_log_forward_endpoint
				? "audit_log_forward_endpoint must be set first: with no endpoint, skipping the database would lose the audit log"
				: null,
	}),
	/** `<operation>_<resource_type>` names, comma-separated (e.g. `pull_artifact,login_failed_user`): not written to the audit log. */
	disabled_audit_log_event_types: entry(
		z
			.string()
			.max(4096)
			.regex(
				/^([a-z_]+(,[a-z_]+)*)?$/,
				"must be <operation>_<resource_type> names separated by commas",
			),
		"",
	),
	scanner_skip_update_pulltime: entry(z.boolean(), false),
	/** Harbor's legacy scan-all schedule (`daily_time`: seconds after 00:00 UTC); the Terraform provider sends it on every apply. */
	scan_all_policy: entry(
		z
			.object({
				type: z.enum(["none", "daily"]).default("none"),
				parameter: z
					.object({
						daily_time: z.number().int().min(0).max(86_399).optional(),
					})
					.strict()
					.optional(),
			})
			.strict(),
		{ type: "none" },
	),
} as const;

export type SettingName = keyof typeof settingTable;
export type Settings = {
	[K in SettingName]: (typeof settingTable)[K]["default"];
};

export const settingNames = Object.keys(settingTable) as SettingName[];
export const isSettingName = (name: string): name is SettingName =>
	Object.hasOwn(settingTable, name);
export const isSecret = (name: SettingName) => "secret" in settingTable[name];

/** A stored value, or the default when it is absent or no longer valid. Secrets stay sealed. */
function decode<K extends SettingName>(
	name: K,
	stored: string | undefined,
): Settings[K] {
	const e: Entry<z.ZodType> = settingTable[name];
	if (stored === undefined) return e.default as Settings[K];
	try {
		const value: unknown = JSON.parse(stored);
		// A sealed secret is longer than the value the schema measured, and only its opener can check it.
		if (e.secret)
			return (typeof value === "string" ? value : e.default) as Settings[K];
		const r = e.schema.safeParse(value);
		return (r.success ? r.data : e.default) as Settings[K];
	} catch {
		return e.default as Settings[K];
	}
}

/** One setting, read from the database (no cache: for read-only mode, where replicas must agree at once). */
export async function readSetting<K extends SettingName>(
	db: Db,
	name: K,
): Promise<Settings[K]> {
	return decode(name, await createSettingsStore(db).get(name));
}

/** Every setting, defaults filled in. */
export async function readSettings(db: Db): Promise<Settings> {
	const stored = new Map(
		(await createSettingsStore(db).all()).map((r) => [r.name, r.value]),
	);
	return Object.fromEntries(
		settingNames.map((name) => [name, decode(name, stored.get(name))]),
	) as Settings;
}

/** The first start's values from the environment; a value already stored (set by an admin) is kept. */
export async function seedSettings(
	db: Db,
	values: Partial<Settings>,
	time: string,
): Promise<void> {
	await createSettingsStore(db).putMissing(
		Object.fromEntries(
			Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)]),
		),
		time,
	);
}
