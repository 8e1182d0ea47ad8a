import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "./client.ts";

/** Who may create projects: everyone signed in, or system admins only. */
export type CreationRestriction = "everyone" | "adminonly";

/** Harbor's GeneralInfo as the console reads it; signed-in callers also get the addresses, the read-only flag and who may create projects. */
export type SystemInfo = {
	/** How users sign in: `db_auth`, `ldap_auth` or `oidc_auth`. */
	auth_mode?: string;
	/** With `oidc_auth`: the provider's name, for the sign-in page's button. */
	oidc_provider_name?: string;
	external_url?: string;
	registry_url?: string;
	/** A JSON object in a string: `{message, type, closable, fromDate, toDate}`, or empty. Read it with `parseBanner`. */
	banner_message?: string;
	read_only?: boolean;
	self_registration?: boolean;
	project_creation_restriction?: CreationRestriction;
	/** Signed in only: Harbor's `v<release>-<build>`, here `v2.13.0-wharf-<Wharf's version>`. */
	harbor_version?: string;
};

export const systemInfoKeys = { current: ["systeminfo"] as const };

export const getSystemInfo = () => api.get<SystemInfo>("/api/v2.0/systeminfo");

/** The one systeminfo query: everything read from systeminfo selects from it (`useQuery({ ...systemInfoQuery, select })`). */
export const systemInfoQuery = queryOptions({
	queryKey: systemInfoKeys.current,
	queryFn: getSystemInfo,
	staleTime: 60_000,
});

export const useSystemInfo = () => useQuery(systemInfoQuery);

/** What a pull command is built from: the external URL and the registry host. */
export const useRegistryAddress = () =>
	useQuery({
		...systemInfoQuery,
		select: (info: SystemInfo) => ({
			externalUrl: info.external_url ?? window.location.origin,
			host: info.registry_url ?? window.location.host,
		}),
	});

// ---- the banner

/** The banner types Harbor's console offers. */
export const bannerTypes = ["info", "success", "warning", "danger"] as const;

/**
 * Harbor's banner, read. `type` is kept as written (an unknown one shows as info); `extra` holds fields the console
 * does not know, so an edit writes them back unchanged.
 */
export type Banner = {
	message: string;
	type: string;
	closable: boolean;
	fromDate?: string;
	toDate?: string;
	extra: Record<string, unknown>;
};

/**
 * The one reader of `banner_message` (the shell's banner and the configuration page): a JSON object in a string, or
 * null when it is empty, not JSON or not an object. A missing `closable` is false, as in Harbor (only `true` is).
 * The message may be empty (the configuration page edits it); the shell shows nothing then.
 */
export function parseBanner(raw: string | null | undefined): Banner | null {
	if (!raw?.trim()) return null;
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return null;
	}
	if (!value || typeof value !== "object" || Array.isArray(value)) return null;
	const { message, type, closable, fromDate, toDate, ...extra } =
		value as Record<string, unknown>;
	return {
		message: typeof message === "string" ? message : "",
		type: typeof type === "string" && type ? type : "info",
		closable: closable === true,
		...(typeof fromDate === "string" && fromDate ? { fromDate } : {}),
		...(typeof toDate === "string" && toDate ? { toDate } : {}),
		extra,
	};
}

/** The banner as the setting stores it; an empty message is no banner (an empty string). */
export function serializeBanner(b: Banner): string {
	if (!b.message.trim()) return "";
	const { extra, ...known } = b;
	return JSON.stringify({ ...extra, ...known });
}

/** Whether the banner shows at `now`: within its dates when they are set and readable (the last day counts whole). */
export function bannerShowsNow(b: Banner, now = Date.now()): boolean {
	if (!b.message.trim()) return false;
	const from = b.fromDate ? Date.parse(b.fromDate) : NaN;
	const to = b.toDate ? Date.parse(b.toDate) : NaN;
	return !(now < from) && !(now > to + 86_400_000);
}
