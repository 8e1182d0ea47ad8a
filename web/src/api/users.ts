import { useQuery } from "@tanstack/react-query";
import { api, harborQ, match, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams } from "./list-placeholder.ts";
import { z } from "./zod.ts";

/** Harbor's UserResp (also what `/users/current` answers: session.ts's CurrentUser is this type). */
export type User = {
	user_id: number;
	username: string;
	email: string;
	realname: string;
	comment: string;
	sysadmin_flag: boolean;
	/** A system admin by the sign-in's directory (a member of LDAP's admin group), not by the flag. */
	admin_role_in_auth?: boolean;
	/** Beyond Harbor: a disabled account signs in nowhere, and its sessions and tokens have ended. */
	disable?: boolean;
	/** An OIDC user's link to the provider; `secret` (the CLI secret) only in one's own record. */
	oidc_user_meta?: { subiss: string; secret?: string };
	creation_time: string;
	update_time: string;
};

/** Whether the user may do what system admins do: by the flag, or by the directory's admin group (as Harbor's console). */
export const isSystemAdmin = (
	u: Pick<User, "sysadmin_flag" | "admin_role_in_auth"> | null | undefined,
) => !!u && (u.sysadmin_flag || !!u.admin_role_in_auth);

export type UserListParams = PageParams & { username?: string };

export const userKeys = {
	all: ["users"] as const,
	list: (p: UserListParams) => ["users", "list", p] as const,
};

export const getUsers = (p: UserListParams) =>
	api.page<User>(
		`/api/v2.0/users${query({ page: p.page, page_size: p.pageSize, q: harborQ({ username: match.fuzzy(p.username) }), sort: p.sort })}`,
	);

export const usersQuery = (p: UserListParams) =>
	listQuery(userKeys.list(p), () => getUsers(p), ["username"]);

export const useUsers = (p: UserListParams) => useQuery(usersQuery(p));

/** Harbor's UserCreationReq; the server checks every rule, the form only hints. */
export const userCreationSchema = z.object({
	username: z.string().min(1),
	email: z.string().min(1),
	realname: z.string().min(1),
	password: z.string().min(1),
	comment: z.string().optional(),
});
export type UserCreation = z.infer<typeof userCreationSchema>;

export const createUser = (u: UserCreation) =>
	api.send("POST", "/api/v2.0/users", userCreationSchema.parse(u));

export const setSysadmin = (id: number, sysadmin: boolean) =>
	api.send("PUT", `/api/v2.0/users/${id}/sysadmin`, {
		sysadmin_flag: sysadmin,
	});

/** As a system admin: no old password needed. */
export const resetPassword = (id: number, newPassword: string) =>
	api.send("PUT", `/api/v2.0/users/${id}/password`, {
		new_password: newPassword,
	});

export const setDisabled = (id: number, disable: boolean) =>
	api.send("PUT", `/api/v2.0/users/${id}/disable`, { disable });

export const deleteUser = (id: number) =>
	api.send("DELETE", `/api/v2.0/users/${id}`);

/** A mutation that refreshes every user list when it succeeds. */
const useUserMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [userKeys.all]);

export const useCreateUser = () => useUserMutation(createUser);
export const useSetSysadmin = () =>
	useUserMutation((v: { id: number; sysadmin: boolean }) =>
		setSysadmin(v.id, v.sysadmin),
	);
export const useResetPassword = () =>
	useUserMutation((v: { id: number; password: string }) =>
		resetPassword(v.id, v.password),
	);
export const useSetDisabled = () =>
	useUserMutation((v: { id: number; disable: boolean }) =>
		setDisabled(v.id, v.disable),
	);
export const useDeleteUser = () => useUserMutation(deleteUser);

/**
 * Harbor's password rule (8–128 characters with an upper-case letter, a lower-case letter and a digit) as hints shown
 * while typing; the server decides.
 */
export const passwordHints = (pw: string) => ({
	length: pw.length >= 8 && pw.length <= 128,
	upper: /[A-Z]/.test(pw),
	lower: /[a-z]/.test(pw),
	digit: /[0-9]/.test(pw),
});
