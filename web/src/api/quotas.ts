import { useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams, pageQuery } from "./list-placeholder.ts";
import { projectKeys } from "./projects.ts";

/** A quota's limit and use: storage is the only resource Wharf limits, in bytes; -1 is unlimited. */
export type StorageQuota = {
	hard: { storage: number };
	used: { storage: number };
};

/** Harbor's Quota; `ref` names the project. */
export type Quota = StorageQuota & {
	id: number;
	ref: { id: number; name: string; owner_name: string };
	creation_time: string;
	update_time: string;
};

/** `sort`: Harbor's keys `used.storage` / `hard.storage`, `-` for descending. */
/** `project`: part of the project's name, any case (the server's `project_name`, as every other list searches). */
export type QuotaListParams = PageParams & { project?: string };

export const quotaKeys = {
	all: ["quotas"] as const,
	list: (p: QuotaListParams) => ["quotas", "list", p] as const,
};

export const getQuotas = (p: QuotaListParams) =>
	api.page<Quota>(
		`/api/v2.0/quotas${query({ reference: "project", project_name: p.project || undefined, ...pageQuery(p) })}`,
	);

export const quotasQuery = (p: QuotaListParams) =>
	listQuery(quotaKeys.list(p), () => getQuotas(p), ["project"]);

export const useQuotas = (p: QuotaListParams) => useQuery(quotasQuery(p));

export const updateQuota = (id: number, storage: number) =>
	api.send("PUT", `/api/v2.0/quotas/${id}`, { hard: { storage } });

/** Changes a project's limit; project lists show the quota too, so they are refreshed as well. */
export const useUpdateQuota = () =>
	useInvalidatingMutation(
		(v: { id: number; storage: number }) => updateQuota(v.id, v.storage),
		[quotaKeys.all, projectKeys.all],
	);
