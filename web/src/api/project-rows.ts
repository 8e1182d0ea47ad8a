import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "./client.ts";
import { allows, type Permission } from "./permissions.ts";
import { projectKeys } from "./projects.ts";
import type { StorageQuota } from "./quotas.ts";

/**
 * What the project list shows beside a page of `/projects`, from the console's one-request endpoint: the storage
 * limit (-1: unlimited) and use, null where the caller may not read the quota, and what the caller may do in it.
 */
export type ProjectRow = {
	project_id: number;
	quota: StorageQuota | null;
	permissions: Permission[];
};

/** Only the projects the caller may see come back; the others are simply absent. */
export const getProjectRows = (ids: number[]) =>
	api.get<ProjectRow[]>(
		`/api/console/project-rows?project_id=${ids.join(",")}`,
	);

export const projectRowsQuery = (ids: number[]) =>
	queryOptions({
		queryKey: projectKeys.rows(ids),
		queryFn: () => getProjectRows(ids),
		select: (list) => new Map(list.map((row) => [row.project_id, row])),
	});

/** `can(id, 'project', 'delete')` is false while loading, so nothing is offered before it is known. */
export function useProjectRows(ids: number[]) {
	const q = useQuery({ ...projectRowsQuery(ids), enabled: ids.length > 0 });
	const can = (projectId: number, resource: string, action: string) =>
		allows(q.data?.get(projectId)?.permissions, resource, action);
	return { ...q, can };
}
