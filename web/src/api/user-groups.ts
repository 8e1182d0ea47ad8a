import { useMutation, useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams } from "./list-placeholder.ts";
import { memberKeys } from "./members.ts";
import { z } from "./zod.ts";

/** Harbor's UserGroup: 1 LDAP (by DN), 2 HTTP, 3 OIDC. */
export type UserGroup = {
	id: number;
	group_name: string;
	group_type: number;
	ldap_group_dn: string;
};
export const groupTypeIds = [1, 2, 3] as const;

export type UserGroupListParams = PageParams & { group_name?: string };

export const userGroupKeys = {
	all: ["user-groups"] as const,
	list: (p: UserGroupListParams) => ["user-groups", "list", p] as const,
};

export const getUserGroups = (p: UserGroupListParams) =>
	api.page<UserGroup>(
		`/api/v2.0/usergroups${query({ page: p.page, page_size: p.pageSize, group_name: p.group_name })}`,
	);

export const userGroupsQuery = (p: UserGroupListParams) =>
	listQuery(userGroupKeys.list(p), () => getUserGroups(p), ["group_name"]);

export const useUserGroups = (p: UserGroupListParams) =>
	useQuery(userGroupsQuery(p));

/** A new group: an LDAP group by its DN (its name, when left empty, from the directory), others by name. */
export const userGroupCreationSchema = z
	.object({
		group_type: z.number().int().min(1).max(3),
		group_name: z.string().trim().max(255),
		ldap_group_dn: z.string().trim().max(4096),
	})
	.refine(
		(g) => (g.group_type === 1 ? g.ldap_group_dn !== "" : g.group_name !== ""),
		{ message: "an LDAP group needs its DN, others a name" },
	);
export type UserGroupCreation = z.infer<typeof userGroupCreationSchema>;

export const createUserGroup = (g: UserGroupCreation) => {
	const { group_type, group_name, ldap_group_dn } =
		userGroupCreationSchema.parse(g);
	return api.send("POST", "/api/v2.0/usergroups", {
		group_type,
		...(group_name ? { group_name } : {}),
		...(group_type === 1 ? { ldap_group_dn } : {}),
	});
};

export const deleteUserGroup = (id: number) =>
	api.send("DELETE", `/api/v2.0/usergroups/${id}`);

// A group's deletion also ends its project memberships.
const useUserGroupMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [userGroupKeys.all, memberKeys.all]);
export const useCreateUserGroup = () => useUserGroupMutation(createUserGroup);
export const useDeleteUserGroup = () => useUserGroupMutation(deleteUserGroup);

/** Harbor's LdapConf as a ping tries it; the search password, when left out, is the stored one. */
export type LdapPingSettings = Partial<{
	ldap_url: string;
	ldap_search_dn: string;
	ldap_search_password: string;
	ldap_base_dn: string;
	ldap_filter: string;
	ldap_uid: string;
	ldap_scope: number;
	ldap_connection_timeout: number;
	ldap_verify_cert: boolean;
}>;
export type LdapPingResult = { success: boolean; message: string };

export const pingLdap = (settings: LdapPingSettings) =>
	api.send<LdapPingResult>("POST", "/api/v2.0/ldap/ping", settings);

/** Changes nothing: the result is the mutation's data. */
export const usePingLdap = () => useMutation({ mutationFn: pingLdap });
