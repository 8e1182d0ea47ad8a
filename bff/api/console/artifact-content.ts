import { Router } from "express";
import { z } from "zod";
import { RegistryError } from "../../core/errors.ts";
import { isIndexType, mediaTypes } from "../../core/media-types.ts";
import { parseJson, readJsonBlob } from "../artifacts/blob-json.ts";
import type { ApiDeps } from "../deps.ts";
import { badRequest, notFound } from "../errors.ts";
import { authorizeRepository } from "../repositories/repository-path.ts";

/** The console shows a config as JSON only when it is small enough to read on a page. */
export const maxConfigBytes = 1024 * 1024;

const params = z.object({
	project_name: z.string().min(1),
	repository_name: z.string().min(1),
	reference: z.string().min(1).max(256),
});

type Descriptor = { mediaType?: unknown; digest?: unknown; size?: unknown };

const asDescriptor = (d: Descriptor) => ({
	digest: typeof d.digest === "string" ? d.digest : "",
	size: typeof d.size === "number" ? d.size : 0,
	mediaType: typeof d.mediaType === "string" ? d.mediaType : "",
});

/**
 * `GET /api/console/projects/{project}/repositories/{repo}/artifacts/{reference}/content`: the manifest as pushed
 * (parsed), its config JSON when small, its layers and the indexes that hold it, in one answer for the artifact page. Reading it is pulling
 * the artifact, so it needs pull on the repository; a project the caller may not see answers 404 like a missing one.
 */
export function createArtifactContentRouter(deps: ApiDeps): Router {
	const router = Router();

	router.get(
		"/projects/:project_name/repositories/:repository_name/artifacts/:reference/content",
		async (req, res) => {
			const p = params.safeParse(req.params);
			if (!p.success)
				throw badRequest(`invalid path: ${p.error.issues[0].message}`);
			const { repository } = await authorizeRepository(
				deps,
				req,
				"repository",
				"pull",
			);
			let pulled: Awaited<ReturnType<typeof deps.manifests.get>>;
			try {
				pulled = await deps.manifests.get(repository, p.data.reference);
			} catch (e) {
				if (e instanceof RegistryError && e.status === 404)
					throw notFound(
						`artifact ${repository.name}:${p.data.reference} not found`,
					);
				throw e;
			}
			const manifest = parseJson(pulled.body) as Record<string, unknown> | null;
			const manifestMediaType = pulled.artifact.manifest_media_type;
			const isIndex = isIndexType(manifestMediaType);
			const configRef =
				!isIndex &&
				manifest &&
				typeof manifest.config === "object" &&
				manifest.config
					? asDescriptor(manifest.config as Descriptor)
					: null;

			// The config blob is read only when it says it is small, under the process-wide parsing gate; an empty OCI
			// config is `{}` and worth no read.
			let config: unknown = null;
			if (configRef?.digest) {
				config =
					configRef.mediaType === mediaTypes.ociEmpty
						? {}
						: await readJsonBlob(
								deps.storage,
								configRef,
								maxConfigBytes,
								(json) => json,
							);
			}
			const layers =
				!isIndex && Array.isArray(manifest?.layers)
					? (manifest.layers as Descriptor[]).map(asDescriptor)
					: [];
			// Deleting an artifact alone is refused while an index holds it: the page says so instead of offering it.
			const indexes = (await deps.store.parentsOf(pulled.artifact.id)).map(
				(p) => p.digest,
			);
			res.json({ manifest, manifestMediaType, config, layers, indexes });
		},
	);

	return router;
}
