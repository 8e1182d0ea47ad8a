import {
	queryOptions,
	useMutation,
	useQuery,
	useQueryClient,
} from "@tanstack/react-query";
import { ApiError, api } from "./client.ts";
// A type only: users.ts (and its zod) stays out of the shell's first load.
import type { User } from "./users.ts";

/** `/users/current` answers Harbor's UserResp, the same shape as a user in the list. */
export type CurrentUser = User;

export const sessionKeys = { current: ["session", "current"] as const };

export const getCurrentUser = async (): Promise<CurrentUser | null> => {
	try {
		return await api.get<CurrentUser>("/api/v2.0/users/current");
	} catch (e) {
		if (e instanceof ApiError && e.status === 401) return null;
		throw e;
	}
};

export const currentUserQuery = queryOptions({
	queryKey: sessionKeys.current,
	queryFn: getCurrentUser,
	staleTime: 60_000,
});
export const useCurrentUser = () => useQuery(currentUserQuery);

export const signIn = (principal: string, password: string) =>
	api.send("POST", "/c/login", new URLSearchParams({ principal, password }));

export function useSignIn() {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (v: { principal: string; password: string }) =>
			signIn(v.principal, v.password),
		// Forget what the previous session loaded (it may have been another user, or answered 401 when the session ran out),
		// then wait for the signed-in user before anyone navigates: the guard must not see the old "signed out" answer.
		onSuccess: () => {
			qc.removeQueries();
			return qc.fetchQuery({ ...currentUserQuery, staleTime: 0 });
		},
	});
}

export function useSignOut() {
	const qc = useQueryClient();
	return useMutation({
		// A POST with the CSRF token: Harbor's GET /c/log_out is answered only when the browser vouches for this site.
		mutationFn: () =>
			api.send<{ redirect_url?: string } | undefined>("POST", "/c/logout"),
		// Signed in through OIDC with oidc_logout on: the provider ends its session too, then sends the browser back.
		onSuccess: (answer) => {
			qc.clear();
			if (answer?.redirect_url) window.location.assign(answer.redirect_url);
		},
	});
}

/**
 * Changing one's own password: the current one and the new one; the server checks Harbor's rule. No zod schema here:
 * this file loads with the shell, and the input is two strings the server validates anyway.
 */
export type PasswordChange = { old_password: string; new_password: string };

export const changePassword = (userId: number, body: PasswordChange) =>
	api.send("PUT", `/api/v2.0/users/${userId}/password`, body);

/** Nothing cached changes with a password (the session stays), so there is nothing to invalidate. */
export const useChangePassword = () =>
	useMutation({
		mutationFn: (v: { userId: number } & PasswordChange) =>
			changePassword(v.userId, {
				old_password: v.old_password,
				new_password: v.new_password,
			}),
	});

/** One's own profile as Harbor's PUT /users/{id} takes it (the username never changes). */
export type ProfileChange = {
	email: string;
	realname: string;
	comment: string;
};

export const updateProfile = (userId: number, body: ProfileChange) =>
	api.send("PUT", `/api/v2.0/users/${userId}`, body);

/** The session's user shows the profile: it is asked again once saved. */
export function useUpdateProfile() {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (v: { userId: number } & ProfileChange) =>
			updateProfile(v.userId, {
				email: v.email,
				realname: v.realname,
				comment: v.comment,
			}),
		onSuccess: () => qc.invalidateQueries({ queryKey: sessionKeys.current }),
	});
}

/** An OIDC sign-in waiting for a username (oidc_auto_onboard off): the name is chosen, the session starts. */
export const onboardOidc = (username: string) =>
	api.send<{ username: string; next: string }>("POST", "/c/oidc/onboard", {
		username,
	});

/** A CLI secret as the server wants it (Harbor's password rule: upper, lower, digit), from the browser's random source. */
export function generateCliSecret(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(21));
	const b64 = btoa(String.fromCharCode(...bytes))
		.replaceAll("+", "-")
		.replaceAll("/", "_");
	return `Cs${b64}9x`;
}

/** An OIDC user's new CLI secret: the old one stops at once; the profile shows the new one. */
export function useSetCliSecret() {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (v: { userId: number; secret: string }) =>
			api.send("PUT", `/api/v2.0/users/${v.userId}/cli_secret`, {
				secret: v.secret,
			}),
		onSuccess: () => qc.invalidateQueries({ queryKey: sessionKeys.current }),
	});
}
