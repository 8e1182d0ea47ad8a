import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { byName, projectKeys, projectPath } from "./projects.ts";
import type { StorageQuota } from "./quotas.ts";
import type { Registry } from "./registries.ts";

/**
 * Harbor's ProjectSummary: member counts only for those who may list members, the quota only for those who may read it.
 */
export type ProjectSummary = {
	repo_count: number;
	project_admin_count?: number;
	maintainer_count?: number;
	developer_count?: number;
	guest_count?: number;
	limited_guest_count?: number;
	quota?: StorageQuota;
	/** A proxy-cache project's upstream endpoint (its secret masked). */
	registry?: Pick<Registry, "id" | "name" | "url" | "type"> | null;
};

/** By name (`X-Is-Resource-Name`, so an all-digit name is not read as an id): it needs nothing else first. */
export const getProjectSummary = (name: string) =>
	api.get<ProjectSummary>(`${projectPath(name)}/summary`, byName);

export const projectSummaryQuery = (name: string) =>
	queryOptions({
		queryKey: projectKeys.summary(name),
		queryFn: () => getProjectSummary(name),
	});

export const useProjectSummary = (name: string) =>
	useQuery(projectSummaryQuery(name));

/** The console's activity endpoint: pushes and pulls per UTC day (oldest first), and the most-pulled repositories. */
export type ProjectActivity = {
	days: { date: string; pushes: number; pulls: number }[];
	top_repositories: { name: string; pull_count: number }[];
};

export const getProjectActivity = (name: string, days: number) =>
	api.get<ProjectActivity>(
		`${projectPath(name, "/api/console")}/activity${query({ days })}`,
	);

export const projectActivityQuery = (name: string, days: number) =>
	queryOptions({
		queryKey: projectKeys.activity(name, days),
		queryFn: () => getProjectActivity(name, days),
	});

/** The days the summary's activity chart shows. */
export const activityDays = 30;

export const useProjectActivity = (name: string, days = activityDays) =>
	useQuery(projectActivityQuery(name, days));
