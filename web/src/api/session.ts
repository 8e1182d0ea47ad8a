import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from './client.ts';

export type CurrentUser = {
  user_id: number;
  username: string;
  email: string;
  realname: string;
  sysadmin_flag: boolean;
  creation_time: string;
};

export const sessionKeys = { current: ['session', 'current'] as const };

export const getCurrentUser = async (): Promise<CurrentUser | null> => {
  try {
    return await api.get<CurrentUser>('/api/v2.0/users/current');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
};

export const currentUserQuery = queryOptions({ queryKey: sessionKeys.current, queryFn: getCurrentUser, staleTime: 60_000 });
export const useCurrentUser = () => useQuery(currentUserQuery);

export const signIn = (principal: string, password: string) =>
  api.send('POST', '/c/login', new URLSearchParams({ principal, password }));

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { principal: string; password: string }) => signIn(v.principal, v.password),
    // Wait for the signed-in user before anyone navigates: the guard must not see the old "signed out" answer.
    onSuccess: () => qc.fetchQuery({ ...currentUserQuery, staleTime: 0 }),
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.get('/c/log_out'),
    onSuccess: () => { qc.clear(); },
  });
}
