import {
	keepPreviousData,
	queryOptions,
	useQuery,
} from "@tanstack/react-query";
import { api, query } from "./client.ts";
import type { Project } from "./projects.ts";

/** A repository as Harbor's search answers it: the full name (`project/repo`) and its project. */
export type SearchRepository = {
	project_id: number;
	project_name: string;
	project_public: boolean;
	repository_name: string;
	pull_count: number;
	artifact_count: number;
};

/** Projects and repositories whose name contains the query, each limited to what the user may see (100 per kind). */
export type SearchResult = {
	project: Project[];
	repository: SearchRepository[];
};

/** The server's cap per kind (bff/api/search/service.ts): a full page means there may be more. */
export const searchLimit = 100;

export const searchKeys = {
	query: (q: string) => ["search", q] as const,
};

export const getSearch = (q: string) =>
	api.get<SearchResult>(`/api/v2.0/search${query({ q })}`);

/** An empty query asks nothing (the API refuses it); the previous answer stays while the next one loads. */
export const searchQuery = (q: string) =>
	queryOptions({
		queryKey: searchKeys.query(q),
		queryFn: () => getSearch(q),
		enabled: q.trim() !== "",
		staleTime: 30_000,
		placeholderData: keepPreviousData,
	});

export const useSearch = (q: string) => useQuery(searchQuery(q.trim()));
