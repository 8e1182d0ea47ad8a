import type { Readable } from "node:stream";
import type { RepositoryRef } from "./uploads.ts";

/**
 * What the core asks of a proxy cache (bff/proxy-cache implements it; wharf.ts injects it), so the core knows nothing of
 * registry endpoints, adapters or upstream clients. A proxy-cache project's pulls go through its `ProjectProxy`; pushes
 * into it are refused.
 */
export interface ProxyCaches {
	/** The project's proxy, or null for an ordinary project. Asked on every /v2 request to a project: must be cheap. */
	of(project: string): Promise<ProjectProxy | null>;
}

/** One pull of a proxied repository, as the core hands it over (the caller is already authorized to pull). */
export type ProxiedRepository = {
	/** `<project>/<path>`, as stored locally (after `localName`). */
	name: string;
	/** The local repository row; null until something was cached in it. */
	repo: RepositoryRef | null;
	/** Who pulls: the cached bytes' upload principal. */
	caller: string;
};

/** A manifest as the proxy answers it: the local artifact's when served from the cache. `body` is absent for a HEAD. */
export type ProxiedManifest = {
	digest: string;
	mediaType: string;
	size: number;
	body?: Buffer;
	local?: { artifactId: number; repositoryId: number };
};

/** A manifest as the referrers API lists it. */
export type ReferrerDescriptor = {
	mediaType: string;
	digest: string;
	size: number;
	artifactType?: string;
	annotations?: Record<string, string>;
};

export interface ProjectProxy {
	/** The upstream, for messages ("a proxy cache of …"). */
	readonly upstream: string;
	/** The local repository name a requested one is kept as (Docker Hub's official images live under `library/`). */
	localName(name: string): string;
	/** GET or HEAD of a manifest by tag or digest: from the cache when it is current, else from the upstream. */
	manifest(
		r: ProxiedRepository,
		reference: string,
		head: boolean,
	): Promise<ProxiedManifest>;
	/**
	 * A blob the repository does not hold yet: its size and, for a GET, a stream from the upstream that stores the blob
	 * as it flows. Read to its end, the blob is then cached; destroyed early (the client left), nothing of it stays.
	 */
	blob(
		r: ProxiedRepository,
		digest: string,
		head: boolean,
	): Promise<{ size: number; stream?: Readable }>;
	/** The upstream's referrers of a digest, or null when this proxy does not ask the upstream (the cache answers). */
	referrers(
		r: ProxiedRepository,
		digest: string,
	): Promise<ReferrerDescriptor[] | null>;
}
