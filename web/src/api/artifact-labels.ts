import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
	artifactKeys,
	artifactPath,
	eachDigest,
	refreshArtifact,
} from "./artifacts.ts";
import { api } from "./client.ts";
import { z } from "./zod.ts";

export const artifactLabelInput = z.object({ id: z.number().int().positive() });

export const addArtifactLabel = (
	project: string,
	repo: string,
	digest: string,
	labelId: number,
) =>
	api.send(
		"POST",
		`${artifactPath(project, repo, digest)}/labels`,
		artifactLabelInput.parse({ id: labelId }),
	);

export const removeArtifactLabel = (
	project: string,
	repo: string,
	digest: string,
	labelId: number,
) =>
	api.send(
		"DELETE",
		`${artifactPath(project, repo, digest)}/labels/${labelId}`,
	);

export function useAddArtifactLabel(project: string, repo: string) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (v: { digest: string; labelId: number }) =>
			addArtifactLabel(project, repo, v.digest, v.labelId),
		// Labels show in the lists and on the artifact; its manifest, config and additions do not change.
		onSuccess: (_, v) => refreshArtifact(qc, project, repo, v.digest),
	});
}

export function useRemoveArtifactLabel(project: string, repo: string) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (v: { digest: string; labelId: number }) =>
			removeArtifactLabel(project, repo, v.digest, v.labelId),
		onSuccess: (_, v) => refreshArtifact(qc, project, repo, v.digest),
	});
}

/** Adds one label to several artifacts, going on past a refusal; the lists refresh once at the end. */
export function useAddLabelToArtifacts(project: string, repo: string) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (v: { digests: string[]; labelId: number }) =>
			eachDigest(v.digests, (d) =>
				addArtifactLabel(project, repo, d, v.labelId),
			),
		onSettled: () =>
			qc.invalidateQueries({
				queryKey: artifactKeys.repository(project, repo),
			}),
	});
}
