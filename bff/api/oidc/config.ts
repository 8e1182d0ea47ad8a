import type { OidcConfig } from "../../auth/oidc.ts";
import type { SecretBox } from "../../auth/secrets.ts";
import type { Settings } from "../configurations/settings.ts";
import type { SettingsCache } from "../configurations/settings-cache.ts";

const stringsOf = (json: string): Record<string, string> => {
	try {
		const o: unknown = JSON.parse(json);
		return typeof o === "object" && o !== null && !Array.isArray(o)
			? (Object.fromEntries(
					Object.entries(o).filter(([, v]) => typeof v === "string"),
				) as Record<string, string>)
			: {};
	} catch {
		return {};
	}
};

/** The OIDC settings as sign-in takes them, the client secret opened. */
export function oidcConfigOf(s: Settings, box: SecretBox): OidcConfig {
	return {
		name: s.oidc_name,
		endpoint: s.oidc_endpoint,
		clientId: s.oidc_client_id,
		clientSecret: s.oidc_client_secret ? box.open(s.oidc_client_secret) : "",
		scope: s.oidc_scope,
		verifyCert: s.oidc_verify_cert,
		autoOnboard: s.oidc_auto_onboard,
		userClaim: s.oidc_user_claim,
		groupsClaim: s.oidc_groups_claim,
		adminGroup: s.oidc_admin_group,
		groupFilter: s.oidc_group_filter,
		extraRedirectParams: stringsOf(s.oidc_extra_redirect_parms),
		logout: s.oidc_logout,
	};
}

/** The OIDC settings while auth_mode is oidc_auth (what sign-in asks), else null. */
export const oidcWhileOn =
	(settings: SettingsCache, box: SecretBox) =>
	async (): Promise<OidcConfig | null> => {
		const s = await settings.get();
		return s.auth_mode === "oidc_auth" ? oidcConfigOf(s, box) : null;
	};
