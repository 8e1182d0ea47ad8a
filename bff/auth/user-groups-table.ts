import type { Generated } from "kysely";

/** The `user_groups` table (migration 0022): Harbor's user groups; `group_key` (unique per type) is an LDAP group's DN in normal form, another's name. */
export interface UserGroupsTable {
	id: Generated<number>;
	group_name: string;
	/** 1 LDAP, 2 HTTP, 3 OIDC. */
	group_type: number;
	ldap_group_dn: string;
	group_key: string;
	creation_time: string;
	update_time: string;
}
