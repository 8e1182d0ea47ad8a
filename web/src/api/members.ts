import {
	keepPreviousData,
	queryOptions,
	useQuery,
} from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery } from "./list-placeholder.ts";
import { permissionKeys } from "./permissions.ts";
import { projectKeys } from "./projects.ts";
import { z } from "./zod.ts";

/** Harbor's ProjectMemberEntity; `entity_type` 'u' for a user, 'g' for a group. */
export type Member = {
	id: number;
	project_id: number;
	entity_name: string;
	entity_type: string;
	entity_id: number;
	role_id: number;
	role_name: string;
};

/** Harbor's roles: 1 project admin, 4 maintainer, 2 developer, 3 guest, 5 limited guest (in the order the console lists them). */
export const roleIds = [1, 4, 2, 3, 5] as const;

export type MemberListParams = {
	page: number;
	pageSize: number;
	entityname?: string;
};

export const memberKeys = {
	all: ["members"] as const,
	list: (projectId: number, p: MemberListParams) =>
		["members", projectId, p] as const,
	userSearch: (part: string) => ["members", "user-search", part] as const,
	groupSearch: (part: string) => ["members", "group-search", part] as const,
};

// Projects are addressed by id: an all-digit project name would otherwise be read as an id.
export const getMembers = (projectId: number, p: MemberListParams) =>
	api.page<Member>(
		`/api/v2.0/projects/${projectId}/members${query({ page: p.page, page_size: p.pageSize, entityname: p.entityname })}`,
	);

export const membersQuery = (projectId: number, p: MemberListParams) =>
	listQuery(memberKeys.list(projectId, p), () => getMembers(projectId, p), [
		"entityname",
	]);

export const useMembers = (
	projectId: number | undefined,
	p: MemberListParams,
) =>
	useQuery({
		...membersQuery(projectId ?? 0, p),
		enabled: projectId !== undefined,
	});

/** Usernames containing `part` (Harbor's `/users/search`, open to every signed-in user), for the add-member suggestions. */
export const searchUsers = (part: string) =>
	api.page<{ user_id: number; username: string }>(
		`/api/v2.0/users/search${query({ username: part, page_size: 10 })}`,
	);

// Suggestions have no scope (only the typed part changes), so the previous ones may always stay while the next load.
export const userSearchQuery = (part: string) =>
	queryOptions({
		queryKey: memberKeys.userSearch(part),
		queryFn: () => searchUsers(part),
		staleTime: 30_000,
		placeholderData: keepPreviousData,
	});

export const useUserSearch = (part: string) =>
	useQuery({ ...userSearchQuery(part), enabled: part.length > 0 });

/** Groups whose names contain `part` (Harbor's `/usergroups/search`, open to every signed-in user), for the add-member suggestions. */
export const searchGroups = (part: string) =>
	api.page<{ id: number; group_name: string; group_type: number }>(
		`/api/v2.0/usergroups/search${query({ groupname: part, page_size: 10 })}`,
	);

export const useGroupSearch = (part: string) =>
	useQuery({
		queryKey: memberKeys.groupSearch(part),
		queryFn: () => searchGroups(part),
		staleTime: 30_000,
		placeholderData: keepPreviousData,
		enabled: part.length > 0,
	});

/** Harbor's ProjectMember: a user by username, a known group by id, or an LDAP group by its DN (added to the user groups when new). */
export const memberCreationSchema = z.union([
	z.object({
		username: z.string().min(1),
		role_id: z.number().int().min(1).max(5),
	}),
	z.object({
		group_id: z.number().int().min(1),
		role_id: z.number().int().min(1).max(5),
	}),
	z.object({
		ldap_group_dn: z.string().trim().min(1),
		role_id: z.number().int().min(1).max(5),
	}),
]);
export type MemberCreation = z.infer<typeof memberCreationSchema>;

export const addMember = (projectId: number, m: MemberCreation) => {
	const parsed = memberCreationSchema.parse(m);
	const member =
		"username" in parsed
			? { member_user: { username: parsed.username } }
			: "group_id" in parsed
				? { member_group: { id: parsed.group_id } }
				: {
						member_group: {
							group_type: 1,
							ldap_group_dn: parsed.ldap_group_dn,
						},
					};
	return api.send("POST", `/api/v2.0/projects/${projectId}/members`, {
		role_id: parsed.role_id,
		...member,
	});
};

export const setMemberRole = (
	projectId: number,
	memberId: number,
	roleId: number,
) =>
	api.send("PUT", `/api/v2.0/projects/${projectId}/members/${memberId}`, {
		role_id: roleId,
	});

export const removeMember = (projectId: number, memberId: number) =>
	api.send("DELETE", `/api/v2.0/projects/${projectId}/members/${memberId}`);

/** Members change the member list, the summary's counts by role, the roles the project list shows, and (for oneself) permissions. */
const useMemberMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [
		memberKeys.all,
		projectKeys.all,
		permissionKeys.all,
	]);

export const useAddMember = (projectId: number) =>
	useMemberMutation((m: MemberCreation) => addMember(projectId, m));
export const useSetMemberRole = (projectId: number) =>
	useMemberMutation((v: { memberId: number; roleId: number }) =>
		setMemberRole(projectId, v.memberId, v.roleId),
	);
export const useRemoveMember = (projectId: number) =>
	useMemberMutation((memberId: number) => removeMember(projectId, memberId));
