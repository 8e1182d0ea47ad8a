import {
	type QueryClient,
	queryOptions,
	useMutation,
	useQuery,
	useQueryClient,
} from "@tanstack/react-query";
import { api, harborQ, match, query } from "./client.ts";
import type { Label } from "./labels.ts";
import { listQuery, type PageParams, pageQuery } from "./list-placeholder.ts";
import { type ApiBase, projectKeys } from "./projects.ts";
import { repositoryKeys, repositoryPath } from "./repositories.ts";
import { z } from "./zod.ts";

export type Platform = {
	os?: string;
	architecture?: string;
	variant?: string;
	"os.version"?: string;
};

export type Tag = {
	id: number;
	repository_id: number;
	artifact_id: number;
	name: string;
	push_time: string;
	pull_time: string;
	immutable: boolean;
};

/** A signature, SBOM or other artifact whose subject is this one. */
export type Accessory = {
	id: number;
	artifact_id: number;
	subject_artifact_id: number;
	subject_artifact_digest: string;
	subject_artifact_repo: string;
	size: number;
	digest: string;
	type: string;
	creation_time: string;
};

/** An index's child: its digest and platform. */
export type Reference = {
	parent_id: number;
	child_id: number;
	child_digest: string;
	platform?: Platform;
	annotations?: Record<string, string>;
	urls?: string[];
};

/** Harbor's Artifact, as far as the console reads it. */
export type Artifact = {
	id: number;
	type: string;
	media_type: string;
	manifest_media_type: string;
	artifact_type: string;
	project_id: number;
	repository_id: number;
	repository_name: string;
	digest: string;
	size: number;
	push_time: string;
	pull_time: string;
	extra_attrs: Record<string, unknown>;
	annotations: Record<string, string>;
	references?: Reference[];
	tags?: Tag[];
	labels?: Label[];
	accessories?: Accessory[];
	addition_links: Record<string, { href: string; absolute: boolean }>;
	/** Its last vulnerability scan by report type (absent when never scanned); lists and details ask for it. */
	scan_overview?: Record<string, ScanOverview>;
};

/** Harbor's NativeReportSummary: an artifact's last scan, its status and its counts by severity. */
export type ScanOverview = {
	report_id: string;
	scan_status: "Pending" | "Running" | "Success" | "Error" | "Stopped";
	severity: string;
	summary?: { total: number; fixable: number; summary: Record<string, number> };
	start_time?: string;
	end_time?: string;
	scanner?: { name: string; vendor: string; version: string };
};

/** The report Wharf scans for: Harbor's vulnerability report. */
export const vulnerabilityMime =
	"application/vnd.security.vulnerability.report; version=1.1";

/** The artifact's vulnerability scan, if it was ever scanned. */
export const scanOf = (a: Artifact | undefined): ScanOverview | undefined =>
	a?.scan_overview?.[vulnerabilityMime];

/** Whether a scan is queued or running: what it shows changes soon. */
export const scanLive = (s: ScanOverview | undefined) =>
	s?.scan_status === "Pending" || s?.scan_status === "Running";

/** A query's refetch interval: every 2 s while one of the artifacts it shows is being scanned. */
const whileScanning = (artifacts: (Artifact | undefined)[] | undefined) =>
	artifacts?.some((a) => scanLive(scanOf(a))) ? 2000 : false;

/** `label`: only the artifacts carrying that label (its id). */
export type ArtifactListParams = PageParams & { tag?: string; label?: number };

/** Every artifact query of a repository sits under `repository(project, repo)`, so one invalidation refreshes them all. */
export const artifactKeys = {
	repository: (project: string, repo: string) =>
		["artifacts", project, repo] as const,
	lists: (project: string, repo: string) =>
		["artifacts", project, repo, "list"] as const,
	list: (project: string, repo: string, p: ArtifactListParams) =>
		["artifacts", project, repo, "list", p] as const,
	detail: (project: string, repo: string, reference: string) =>
		["artifacts", project, repo, "detail", reference] as const,
	byDigests: (project: string, repo: string) =>
		["artifacts", project, repo, "by-digest"] as const,
	byDigest: (project: string, repo: string, digests: string[]) =>
		["artifacts", project, repo, "by-digest", digests] as const,
	addition: (project: string, repo: string, reference: string, name: string) =>
		["artifacts", project, repo, "addition", reference, name] as const,
	content: (project: string, repo: string, reference: string) =>
		["artifacts", project, repo, "content", reference] as const,
};

/** An artifact in an API path (Harbor's by default, or the console's own endpoints under `/api/console`). */
export const artifactPath = (
	project: string,
	repo: string,
	reference: string,
	base?: ApiBase,
) =>
	`${repositoryPath(project, repo, base)}/artifacts/${encodeURIComponent(reference)}`;

/** Tags, labels, accessories and the scan's overview come with each artifact: one request draws the whole page. */
const withAll = {
	with_tag: true,
	with_label: true,
	with_accessory: true,
	with_scan_overview: true,
};

// ---- list
export const getArtifacts = (
	project: string,
	repo: string,
	p: ArtifactListParams,
) =>
	api.page<Artifact>(
		`${repositoryPath(project, repo)}/artifacts${query({
			...withAll,
			...pageQuery(p),
			q: harborQ({
				tags: match.fuzzy(p.tag),
				labels: p.label ? match.allOf([p.label]) : undefined,
			}),
		})}`,
	);

/** An artifact list's defaults and its parameters from the URL's list state (the page and its prefetch agree). */
export const artifactListDefaults = { sort: "-push_time" };
export const artifactListParams = (list: {
	page: number;
	pageSize: number;
	sort: string;
	filter: (name: string) => string;
}): ArtifactListParams => ({
	page: list.page,
	pageSize: list.pageSize,
	sort: list.sort,
	tag: list.filter("tag") || undefined,
	label: Number(list.filter("label")) || undefined,
});

export const artifactsQuery = (
	project: string,
	repo: string,
	p: ArtifactListParams,
) =>
	listQuery(
		artifactKeys.list(project, repo, p),
		() => getArtifacts(project, repo, p),
		["tag", "label"],
	);

/** A page of artifacts, asked again while one of them is being scanned (its progress shows). */
export const useArtifacts = (
	project: string,
	repo: string,
	p: ArtifactListParams,
) =>
	useQuery({
		...artifactsQuery(project, repo, p),
		refetchInterval: (q) => whileScanning(q.state.data?.items),
	});

// ---- several by digest (an index's children), in one request
export const getArtifactsByDigest = (
	project: string,
	repo: string,
	digests: string[],
) =>
	api.page<Artifact>(
		`${repositoryPath(project, repo)}/artifacts${query({
			with_tag: false,
			with_scan_overview: true,
			page: 1,
			page_size: Math.min(100, Math.max(1, digests.length)),
			q: harborQ({ base: "*", digest: match.anyOf(digests) }),
		})}`,
	);

export const artifactsByDigestQuery = (
	project: string,
	repo: string,
	digests: string[],
) =>
	queryOptions({
		queryKey: artifactKeys.byDigest(project, repo, digests),
		queryFn: () => getArtifactsByDigest(project, repo, digests),
		staleTime: 60_000,
	});

export const useArtifactsByDigest = (
	project: string,
	repo: string,
	digests: string[],
	enabled = true,
) =>
	useQuery({
		...artifactsByDigestQuery(project, repo, digests),
		enabled: enabled && digests.length > 0,
		refetchInterval: (q) => whileScanning(q.state.data?.items),
	});

// ---- one
export const getArtifact = (project: string, repo: string, reference: string) =>
	api.get<Artifact>(
		`${artifactPath(project, repo, reference)}${query(withAll)}`,
	);

export const artifactQuery = (
	project: string,
	repo: string,
	reference: string,
) =>
	queryOptions({
		queryKey: artifactKeys.detail(project, repo, reference),
		queryFn: () => getArtifact(project, repo, reference),
	});

export const useArtifact = (project: string, repo: string, reference: string) =>
	useQuery({
		...artifactQuery(project, repo, reference),
		refetchInterval: (q) => whileScanning([q.state.data]),
	});

// ---- after a change to one artifact's tags or labels

/**
 * Refreshes what shows an artifact's tags and labels: the repository's artifact lists and that artifact's detail
 * (under its digest, or under a tag: any detail whose artifact is this digest). Its manifest, config and additions
 * do not change, so they are not asked again. Resolves when the shown queries have answered.
 */
export const refreshArtifact = (
	qc: QueryClient,
	project: string,
	repo: string,
	digest: string,
) =>
	Promise.all([
		qc.invalidateQueries({ queryKey: artifactKeys.lists(project, repo) }),
		qc.invalidateQueries({
			queryKey: [...artifactKeys.repository(project, repo), "detail"],
			predicate: (q) =>
				q.queryKey[4] === digest ||
				(q.state.data as Artifact | undefined)?.digest === digest,
		}),
	]);

/**
 * Forgets everything read through a tag that no longer exists (detail, content, additions): asked again it would
 * only answer 404, e.g. on the artifact page named by that tag while it moves to the digest.
 */
export const forgetReference = (
	qc: QueryClient,
	project: string,
	repo: string,
	reference: string,
) =>
	qc.removeQueries({
		queryKey: artifactKeys.repository(project, repo),
		predicate: (q) =>
			["detail", "content", "addition"].includes(q.queryKey[3] as string) &&
			q.queryKey[4] === reference,
	});

// ---- delete
export const deleteArtifact = (project: string, repo: string, digest: string) =>
	api.send("DELETE", artifactPath(project, repo, digest));

/** What a change to several artifacts did: those it changed, and each one it could not change with why. */
export type BulkResult = {
	done: string[];
	failed: { digest: string; error: unknown }[];
};

/** Runs `fn` on each digest in turn (one request at a time: a long selection does not flood the server). */
export async function eachDigest(
	digests: string[],
	fn: (digest: string) => Promise<unknown>,
): Promise<BulkResult> {
	const result: BulkResult = { done: [], failed: [] };
	for (const digest of digests) {
		try {
			await fn(digest);
			result.done.push(digest);
		} catch (error) {
			result.failed.push({ digest, error });
		}
	}
	return result;
}

/** Deletes several artifacts of a repository, going on past a refusal; the lists refresh once at the end. */
export function useDeleteArtifacts(project: string, repo: string) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (digests: string[]) =>
			eachDigest(digests, (d) => deleteArtifact(project, repo, d)),
		onSettled: () =>
			Promise.all([
				qc.invalidateQueries({
					queryKey: artifactKeys.repository(project, repo),
				}),
				qc.invalidateQueries({ queryKey: repositoryKeys.all }),
				qc.invalidateQueries({ queryKey: projectKeys.all }),
			]),
	});
}

// ---- copy into another project (Harbor's copy: the same digest, pushed there; a tag given is added to the copy)
export const copyArtifactInput = z.object({
	project: z.string().min(1),
	repo: z
		.string()
		.min(1)
		.regex(
			/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
			"lower-case letters, digits, and . _ - / between them",
		),
	tag: z
		.string()
		.regex(
			/^[\w][\w.-]{0,127}$/,
			"letters, digits, _ . - (not first), at most 128",
		)
		.optional()
		.or(z.literal("")),
});
export type CopyArtifactInput = z.infer<typeof copyArtifactInput>;

export async function copyArtifact(
	source: { project: string; repo: string; digest: string },
	input: CopyArtifactInput,
) {
	const to = copyArtifactInput.parse(input);
	await api.send(
		"POST",
		`${repositoryPath(to.project, to.repo)}/artifacts${query({ from: `${source.project}/${source.repo}@${source.digest}` })}`,
	);
	if (to.tag)
		await api.send(
			"POST",
			`${artifactPath(to.project, to.repo, source.digest)}/tags`,
			{ name: to.tag },
		);
}

export function useCopyArtifact(source: { project: string; repo: string }) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (v: { digest: string; to: CopyArtifactInput }) =>
			copyArtifact({ ...source, digest: v.digest }, v.to),
		// The target's lists, its repository and the project's storage change.
		onSuccess: (_, v) =>
			Promise.all([
				qc.invalidateQueries({
					queryKey: artifactKeys.repository(v.to.project, v.to.repo),
				}),
				qc.invalidateQueries({ queryKey: repositoryKeys.all }),
				qc.invalidateQueries({ queryKey: projectKeys.all }),
			]),
	});
}

export function useDeleteArtifact(project: string, repo: string) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (digest: string) => deleteArtifact(project, repo, digest),
		// The repository's artifact count and the project's storage change too. Not awaited: the artifact page leaves
		// at once rather than wait for its own artifact to answer 404.
		onSuccess: () => {
			void qc.invalidateQueries({
				queryKey: artifactKeys.repository(project, repo),
			});
			void qc.invalidateQueries({ queryKey: repositoryKeys.all });
			void qc.invalidateQueries({ queryKey: projectKeys.all });
		},
	});
}
