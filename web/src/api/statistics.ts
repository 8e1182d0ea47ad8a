import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "./client.ts";
import { projectKeys } from "./projects.ts";

/** Harbor's /statistics: what the caller sees; the totals and storage are a system admin's only (0 for others). */
export type Statistics = {
	private_project_count: number;
	public_project_count: number;
	total_project_count: number;
	private_repo_count: number;
	public_repo_count: number;
	total_repo_count: number;
	total_storage_consumption: number;
};

/** Under `projects`, so creating or deleting a project (or a repository: they invalidate projects) refreshes it. */
export const statisticsKey = [...projectKeys.all, "statistics"] as const;

export const getStatistics = () => api.get<Statistics>("/api/v2.0/statistics");

export const statisticsQuery = () =>
	queryOptions({
		queryKey: statisticsKey,
		queryFn: getStatistics,
		staleTime: 30_000,
	});

export const useStatistics = () => useQuery(statisticsQuery());
