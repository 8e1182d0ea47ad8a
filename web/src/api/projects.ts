import {
	queryOptions,
	useMutation,
	useQuery,
	useQueryClient,
} from "@tanstack/react-query";
import { api, query } from "./client.ts";
import type { CveAllowlist } from "./cve-allowlists.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams } from "./list-placeholder.ts";
import { z } from "./zod.ts";

/** Harbor's Project, as far as the console reads it. */
export type Project = {
	project_id: number;
	name: string;
	owner_id?: number;
	owner_name?: string;
	creation_time: string;
	update_time?: string;
	repo_count?: number;
	togglable?: boolean;
	current_user_role_id?: number;
	current_user_role_ids?: number[];
	metadata?: Record<string, string | undefined> & {
		public?: string;
		proxy_speed_kb?: string;
	};
	cve_allowlist?: CveAllowlist;
	/** Set on a proxy-cache project: the endpoint it pulls through (Harbor leaves it out, or 0, on others). */
	registry_id?: number | null;
};

/** A proxy-cache project: it pulls through an endpoint and cannot be pushed to. */
export const isProxyCache = (p: Pick<Project, "registry_id">) =>
	!!p.registry_id && p.registry_id > 0;

/** The endpoint types a proxy cache may pull through (Harbor's PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE). */
export const proxyCacheTypes = [
	"docker-hub",
	"harbor",
	"azure-acr",
	"aws-ecr",
	"google-gcr",
	"quay",
	"docker-registry",
	"github-ghcr",
	"jfrog-artifactory",
];

/** `q`: part of the name; `public`: 'true' / 'false' / undefined for both; `sort`: Harbor's (`name`, `-creation_time`). */
export type ProjectListParams = PageParams & { q?: string; public?: string };

/** Every project query hangs under `projects`, so a change to a project can refresh all it shows. */
export const projectKeys = {
	all: ["projects"] as const,
	list: (p: ProjectListParams) => ["projects", "list", p] as const,
	detail: (name: string) => ["projects", "detail", name] as const,
	deletable: (id: number) => ["projects", "deletable", id] as const,
	summary: (name: string) => ["projects", "summary", name] as const,
	activity: (name: string, days: number) =>
		["projects", "activity", name, days] as const,
	rows: (ids: number[]) => ["projects", "rows", ids] as const,
};

// Harbor's own `name` parameter (a substring match) rather than `q`, so any character in the search is just text.
export const getProjects = (p: ProjectListParams) =>
	api.page<Project>(
		`/api/v2.0/projects${query({
			page: p.page,
			page_size: p.pageSize,
			name: p.q,
			public: p.public,
			sort: p.sort,
			with_detail: true,
		})}`,
	);

/** The projects list's defaults and its parameters from the URL's list state (the page and its prefetch agree). */
export const projectListDefaults = { sort: "name" };
export const projectListParams = (list: {
	page: number;
	pageSize: number;
	sort: string;
	filter: (name: string) => string;
}): ProjectListParams => ({
	page: list.page,
	pageSize: list.pageSize,
	q: list.filter("q"),
	public: list.filter("public") || undefined,
	sort: list.sort,
});

export const projectsQuery = (p: ProjectListParams) =>
	listQuery(projectKeys.list(p), () => getProjects(p), ["q", "public"]);

export const useProjects = (p: ProjectListParams) => useQuery(projectsQuery(p));

/** Harbor's API, or the console's own endpoints (same project/repository paths, same encoding). */
export type ApiBase = "/api/v2.0" | "/api/console";

/**
 * A project in an API path, by name. Harbor reads an all-digit name there as an id unless the request carries
 * `byName` (`X-Is-Resource-Name`); a path by id is written with the id itself.
 */
export const projectPath = (name: string, base: ApiBase = "/api/v2.0") =>
	`${base}/projects/${encodeURIComponent(name)}`;

/** The header that makes Harbor read the project in the path as a name, never as an id. */
export const byName = { "X-Is-Resource-Name": "true" } as const;

/** One project by name; a project the user may not see answers 404, like a missing one. */
export const getProject = (name: string) =>
	api.get<Project>(projectPath(name), byName);

export const projectQuery = (name: string) =>
	queryOptions({
		queryKey: projectKeys.detail(name),
		queryFn: () => getProject(name),
	});

export const useProject = (name: string) => useQuery(projectQuery(name));

/**
 * Harbor's ProjectReq for creation. `storage_limit` in bytes, -1 unlimited (only a system admin's is used);
 * `registry_id` makes a proxy cache of that endpoint (system admins only), `proxy_speed_kb` its upstream bandwidth.
 */
export const projectCreationSchema = z.object({
	project_name: z.string().min(1),
	metadata: z.object({
		public: z.enum(["true", "false"]),
		proxy_speed_kb: z
			.string()
			.regex(/^(-1|[1-9]\d*)$/)
			.optional(),
	}),
	storage_limit: z.number().int().min(-1).optional(),
	registry_id: z.number().int().positive().optional(),
});
export type ProjectCreation = z.infer<typeof projectCreationSchema>;

export const createProject = (p: ProjectCreation) =>
	api.send("POST", "/api/v2.0/projects", projectCreationSchema.parse(p));

export const useCreateProject = () =>
	useInvalidatingMutation(createProject, [projectKeys.all]);

/** Whether the project may be deleted now and, if not, why (Harbor: it still holds repositories). */
export type Deletable = { deletable: boolean; message?: string };

// By id: an all-digit project name would otherwise be read as an id.
export const getProjectDeletable = (id: number) =>
	api.get<Deletable>(`/api/v2.0/projects/${id}/_deletable`);

export const projectDeletableQuery = (id: number) =>
	queryOptions({
		queryKey: projectKeys.deletable(id),
		queryFn: () => getProjectDeletable(id),
	});

export const useProjectDeletable = (id: number | undefined) =>
	useQuery({ ...projectDeletableQuery(id ?? 0), enabled: id !== undefined });

/** Answers 412 with the reason when the project still holds something. */
export const deleteProject = (id: number) =>
	api.send("DELETE", `/api/v2.0/projects/${id}`);

export function useDeleteProject() {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: deleteProject,
		// The deleted project's own queries would only answer 404 now: drop them rather than ask again.
		onSuccess: (_, id) => {
			qc.removeQueries({ queryKey: projectKeys.deletable(id) });
			return qc.invalidateQueries({
				queryKey: projectKeys.all,
				predicate: (q) => q.queryKey[1] !== "deletable",
			});
		},
	});
}

/** The metadata switches Harbor keeps as the strings "true"/"false" (and `severity`). */
export const projectMetadataSchema = z.object({
	public: z.enum(["true", "false"]),
	auto_scan: z.enum(["true", "false"]).optional(),
	prevent_vul: z.enum(["true", "false"]).optional(),
	severity: z.enum(["none", "low", "medium", "high", "critical"]).optional(),
	reuse_sys_cve_allowlist: z.enum(["true", "false"]).optional(),
	enable_content_trust_cosign: z.enum(["true", "false"]).optional(),
	auto_sbom_generation: z.enum(["true", "false"]).optional(),
});
export type ProjectMetadata = z.infer<typeof projectMetadataSchema>;

export const updateProject = (id: number, metadata: ProjectMetadata) =>
	api.send("PUT", `/api/v2.0/projects/${id}`, {
		metadata: projectMetadataSchema.parse(metadata),
	});

export const useUpdateProject = () =>
	useInvalidatingMutation(
		(v: { id: number; metadata: ProjectMetadata }) =>
			updateProject(v.id, v.metadata),
		[projectKeys.all],
	);
