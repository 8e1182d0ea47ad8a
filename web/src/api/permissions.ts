import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";

/** What the signed-in user may do in a project (Harbor's relative permissions), used to offer only what they may do. */
export type Permission = { resource: string; action: string };

export const permissionKeys = {
	all: ["permissions"] as const,
	project: (projectId: number) =>
		["permissions", "project", projectId] as const,
};

export const getProjectPermissions = (projectId: number) =>
	api.get<Permission[]>(
		`/api/v2.0/users/current/permissions${query({ scope: `/project/${projectId}`, relative: true })}`,
	);

/** Whether `perms` (none while loading) grant `action` on `resource`. */
export const allows = (
	perms: readonly Permission[] | undefined,
	resource: string,
	action: string,
) => !!perms?.some((p) => p.resource === resource && p.action === action);

export const projectPermissionsQuery = (projectId: number) =>
	queryOptions({
		queryKey: permissionKeys.project(projectId),
		queryFn: () => getProjectPermissions(projectId),
		staleTime: 30_000,
	});

/**
 * `can('repository', 'delete')` for the project; false while loading, so nothing is offered before it is known.
 * The server still refuses whatever the user may not do.
 */
export function useProjectPermissions(projectId: number | undefined) {
	const q = useQuery({
		...projectPermissionsQuery(projectId ?? 0),
		enabled: projectId !== undefined,
	});
	const can = (resource: string, action: string) =>
		allows(q.data, resource, action);
	return { ...q, can };
}
