import { queryOptions, useQuery } from "@tanstack/react-query";
import { artifactKeys, artifactPath } from "./artifacts.ts";
import { api } from "./client.ts";

/**
 * The console's `/content`: the manifest as pushed, its config JSON (null when large or absent), its layers, and the
 * digests of the indexes that hold it (it is deleted with them, not alone).
 */
export type ArtifactContent = {
	manifest: unknown;
	manifestMediaType: string;
	config: unknown;
	layers: { digest: string; size: number; mediaType: string }[];
	indexes: string[];
};

export const getArtifactContent = (
	project: string,
	repo: string,
	reference: string,
) =>
	api.get<ArtifactContent>(
		`${artifactPath(project, repo, reference, "/api/console")}/content`,
	);

// A digest's content never changes; a tag's may, but the page refetches when it is visited again.
export const artifactContentQuery = (
	project: string,
	repo: string,
	reference: string,
) =>
	queryOptions({
		queryKey: artifactKeys.content(project, repo, reference),
		queryFn: () => getArtifactContent(project, repo, reference),
	});

export const useArtifactContent = (
	project: string,
	repo: string,
	reference: string,
) => useQuery(artifactContentQuery(project, repo, reference));
