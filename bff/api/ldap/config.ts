import type { LdapConfig } from "../../auth/ldap.ts";
import type { SecretBox } from "../../auth/secrets.ts";
import type { Settings } from "../configurations/settings.ts";
import type { SettingsCache } from "../configurations/settings-cache.ts";

/** The LDAP settings as the directory client takes them, the search password opened. */
export function ldapConfigOf(s: Settings, box: SecretBox): LdapConfig {
	return {
		url: s.ldap_url,
		searchDn: s.ldap_search_dn,
		searchPassword: s.ldap_search_password
			? box.open(s.ldap_search_password)
			: "",
		baseDn: s.ldap_base_dn,
		filter: s.ldap_filter,
		uid: s.ldap_uid,
		scope: s.ldap_scope,
		timeoutSeconds: s.ldap_timeout,
		verifyCert: s.ldap_verify_cert,
		groupBaseDn: s.ldap_group_base_dn,
		groupFilter: s.ldap_group_search_filter,
		groupNameAttribute: s.ldap_group_attribute_name,
		groupScope: s.ldap_group_search_scope,
		groupAdminDn: s.ldap_group_admin_dn,
		groupMembershipAttribute: s.ldap_group_membership_attribute,
	};
}

/** The LDAP settings while auth_mode is ldap_auth (what sign-in asks), else null. */
export const ldapWhileOn =
	(settings: SettingsCache, box: SecretBox) =>
	async (): Promise<LdapConfig | null> => {
		const s = await settings.get();
		return s.auth_mode === "ldap_auth" ? ldapConfigOf(s, box) : null;
	};
