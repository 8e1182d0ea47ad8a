import type { Request, Response } from "express";
import type { Caller } from "../access.ts";
import { parseDigest } from "../digest.ts";
import { RegistryError, unknownName } from "../errors.ts";
import { isIndexType, mediaTypes } from "../media-types.ts";
import { type CoreServices, type RepoRequest, sendJson } from "./context.ts";
import { proxiedReferrers } from "./proxied.ts";

const maxPage = 1000;

function pageSize(req: Request): number {
	const n = req.query.n;
	if (n === undefined) return 100;
	// Plain digits only: `1e20`, `0x10` or a blank are mistakes, not numbers.
	if (typeof n !== "string" || !/^\d{1,16}$/.test(n))
		throw new RegistryError(
			"UNSUPPORTED",
			"n must be a non-negative integer",
			undefined,
			400,
		);
	return Math.min(Number(n), maxPage);
}

/** `Link: <…?n=N&last=X>; rel="next"` when a full page came back. */
function linkNext(res: Response, path: string, n: number, items: string[]) {
	if (n > 0 && items.length === n) {
		res.set(
			"Link",
			`<${path}?n=${n}&last=${encodeURIComponent(items[items.length - 1])}>; rel="next"`,
		);
	}
}

export async function tagsList(r: RepoRequest) {
	if (!r.repo) throw unknownName(r.name);
	const n = pageSize(r.req);
	const last = r.req.query.last as string | undefined;
	const tags =
		n === 0 ? [] : await r.services.store.listTags(r.repo.id, n, last);
	linkNext(r.res, `/v2/${r.name}/tags/list`, n, tags);
	sendJson(r.res, { name: r.name, tags });
}

/**
 * The catalog, limited in SQL to repositories the caller may pull: it names nothing the caller may not see, and costs
 * one query whatever the number of repositories hidden from the caller.
 */
export async function catalog(
	req: Request,
	res: Response,
	caller: Caller,
	services: CoreServices,
) {
	const n = pageSize(req);
	const last = req.query.last as string | undefined;
	const visible =
		n === 0
			? []
			: await services.store.listRepositories(n, last, caller.pullable());
	linkNext(res, "/v2/_catalog", n, visible);
	sendJson(res, { repositories: visible });
}

/** The referrers API: an image index of the manifests whose subject is the digest, filterable by artifactType. */
export async function referrers(r: RepoRequest, digestParam: string) {
	const { digest } = parseDigest(digestParam);
	const filter = r.req.query.artifactType as string | undefined;
	const upstream = r.proxy
		? await proxiedReferrers({ ...r, proxy: r.proxy }, digest)
		: null;
	const rows =
		upstream || !r.repo
			? []
			: await r.services.manifests.referrers(r.repo, digest);
	const manifests =
		upstream ??
		rows
			.map((a) => {
				const artifactType =
					a.artifact_type ??
					(isIndexType(a.manifest_media_type) ? undefined : a.media_type);
				return {
					mediaType: a.manifest_media_type,
					digest: a.digest,
					size: a.size,
					...(artifactType ? { artifactType } : {}),
					...(a.annotations
						? {
								annotations: JSON.parse(a.annotations) as Record<
									string,
									string
								>,
							}
						: {}),
				};
			})
			.filter((d) => !filter || d.artifactType === filter);
	if (filter) r.res.set("OCI-Filters-Applied", "artifactType");
	sendJson(
		r.res.status(200),
		{ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests },
		mediaTypes.ociIndex,
	);
}
