import { useMutation, useQueryClient } from "@tanstack/react-query";
import { artifactPath, forgetReference, refreshArtifact } from "./artifacts.ts";
import { api } from "./client.ts";
import { z } from "./zod.ts";

/** A tag as OCI clients write it; a hint before sending (the server decides). */
export const tagNamePattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const newTagInput = z.object({ name: z.string().regex(tagNamePattern) });
export type NewTag = z.infer<typeof newTagInput>;

export const addTag = (
	project: string,
	repo: string,
	digest: string,
	body: NewTag,
) => api.send("POST", `${artifactPath(project, repo, digest)}/tags`, body);

export const deleteTag = (
	project: string,
	repo: string,
	digest: string,
	tag: string,
) =>
	api.send(
		"DELETE",
		`${artifactPath(project, repo, digest)}/tags/${encodeURIComponent(tag)}`,
	);

/** A new tag shows in the lists and on the artifact; a query that once asked for that tag (a 404) asks again. */
export function useAddTag(project: string, repo: string) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (v: { digest: string; name: string }) =>
			addTag(project, repo, v.digest, newTagInput.parse({ name: v.name })),
		onSuccess: (_, v) => {
			forgetReference(qc, project, repo, v.name);
			return refreshArtifact(qc, project, repo, v.digest);
		},
	});
}

/**
 * What was read through the deleted tag is dropped, not asked again (it would answer 404 while the artifact page named
 * by that tag moves to the digest); the lists and the artifact's other details refresh, without being awaited.
 */
export function useDeleteTag(project: string, repo: string) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (v: { digest: string; name: string }) =>
			deleteTag(project, repo, v.digest, v.name),
		onSuccess: (_, v) => {
			forgetReference(qc, project, repo, v.name);
			void refreshArtifact(qc, project, repo, v.digest);
		},
	});
}
