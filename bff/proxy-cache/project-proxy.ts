import type { Readable } from "node:stream";
import type { Logger } from "pino";
import type { WriteGuard } from "../core/access.ts";
import { digestOf, isDigest, parseDigest } from "../core/digest.ts";
import { RegistryError, unknownBlob, unknownManifest } from "../core/errors.ts";
import type { ManifestService } from "../core/manifests.ts";
import { mediaTypes } from "../core/media-types.ts";
import { isTag } from "../core/names.ts";
import type {
	ProjectProxy,
	ProxiedManifest,
	ProxiedRepository,
} from "../core/proxy.ts";
import type { StorageDriver } from "../core/storage/driver.ts";
import type { ArtifactRow, RegistryStore } from "../core/store.ts";
import type { RepositoryRef, UploadService } from "../core/uploads.ts";
import type { V2Client } from "../replication/v2-client.ts";
import type { PendingManifests } from "./pending-manifests.ts";
import { storeWhileStreaming } from "./store-while-streaming.ts";
import type { TagChecks } from "./tag-checks.ts";
import { throttle } from "./throttle.ts";
import { notFoundUpstream, upstreamFailure } from "./upstream-errors.ts";

/** The media type a manifest declares, for an upstream that answered without a Content-Type. */
function declaredType(body: Buffer): string {
	try {
		const declared = (
			JSON.parse(body.toString("utf8")) as { mediaType?: unknown }
		).mediaType;
		if (typeof declared === "string") return declared;
	} catch {
		/* not JSON: the client will say so */
	}
	return mediaTypes.ociManifest;
}

/** One proxy-cache project as its settings stand now (caches.ts makes it again when they change). */
export type ProxySettings = {
	projectId: number;
	project: string;
	/** The upstream's URL, for messages. */
	upstream: string;
	/** A docker-hub endpoint: official images are `library/<name>`. */
	dockerHub: boolean;
	/** The endpoint's last health check: while it failed, what is cached is served without asking the upstream. */
	healthy: boolean;
	client: V2Client;
	/** `proxy_speed_kb` as bytes per second; null: no limit. */
	bytesPerSecond: number | null;
	/** `proxy_cache_local_on_not_found`: serve the cached copy of what the upstream deleted. */
	localOnNotFound: boolean;
	/** `proxy_referrer_api`: the referrers API asks the upstream. */
	referrerApi: boolean;
	/** `proxy_cache_filter_pattern`: which repository paths go upstream at all; null: every one. */
	filter: ((path: string) => boolean) | null;
};

/** A manifest as the upstream sent it (`digest`: its Docker-Content-Digest, when it sent one). */
type Fetched = { body: Buffer; mediaType: string; digest?: string };

export type ProxyDeps = {
	store: RegistryStore;
	manifests: ManifestService;
	uploads: UploadService;
	storage: StorageDriver;
	guard: WriteGuard;
	tagChecks: TagChecks;
	pending: PendingManifests;
	logger: Logger;
	/** Upstream manifest GETs in flight, by `<repository>@<reference>`. */
	fetching: Map<string, Promise<Fetched>>;
};

/**
 * Pulls in a proxy-cache project: manifests and blobs the cache holds are served from it; what it lacks comes from
 * the upstream and is stored on the way. A tag is re-checked with one upstream HEAD per window (tag-checks.ts); when
 * the upstream is down, rate-limited, or has deleted what is cached, the cached copy is served.
 */
export function createProjectProxy(
	s: ProxySettings,
	deps: ProxyDeps,
): ProjectProxy {
	const { store, manifests, uploads, tagChecks, pending } = deps;
	const prefix = `${s.project}/`;
	/** The repository's path at the upstream: the local name without its project. */
	const upstreamPath = (name: string) => name.slice(prefix.length);
	const proxied = (name: string) => !s.filter || s.filter(upstreamPath(name));

	async function local(
		r: ProxiedRepository,
		reference: string,
	): Promise<ArtifactRow | undefined> {
		if (!r.repo) return undefined;
		if (isDigest(reference))
			return store.findArtifact(r.repo.id, parseDigest(reference).digest);
		return isTag(reference)
			? store.findTagged(r.repo.id, reference)
			: undefined;
	}

	async function fromCache(
		r: ProxiedRepository,
		artifact: ArtifactRow,
		head: boolean,
	): Promise<ProxiedManifest> {
		const served = {
			digest: artifact.digest,
			mediaType: artifact.manifest_media_type,
			size: Number(artifact.size),
			local: { artifactId: artifact.id, repositoryId: artifact.repository_id },
		};
		if (head) return served;
		const { body } = await manifests.get(r.repo!, artifact.digest);
		return { ...served, body };
	}

	/** One upstream GET per manifest at a time: the rest of a burst shares it. */
	function fetchOnce(key: string, get: () => Promise<Fetched>) {
		let asking = deps.fetching.get(key);
		if (!asking) {
			asking = get().finally(() => deps.fetching.delete(key));
			deps.fetching.set(key, asking);
		}
		return asking;
	}

	/** A manifest from the upstream, checked against the digest it was asked by, and queued to be cached. */
	async function fromUpstream(
		r: ProxiedRepository,
		path: string,
		reference: string,
		expected: string | null,
	): Promise<ProxiedManifest> {
		const got: Fetched =
			(expected && pending.held(r.name, expected)) ||
			(await fetchOnce(`${r.name}@${expected ?? reference}`, () =>
				s.client.getManifest(path, expected ?? reference),
			));
		// By tag, the upstream's Docker-Content-Digest names the algorithm; the bytes are what count.
		const claimed =
			expected ?? (got.digest && isDigest(got.digest) ? got.digest : null);
		const digest = digestOf(
			got.body,
			claimed ? parseDigest(claimed).algorithm : "sha256",
		);
		if (claimed && digest !== claimed) {
			throw new RegistryError(
				"UNAVAILABLE",
				`the upstream registry ${s.upstream} sent a manifest for ${path}@${claimed} whose digest is ${digest}`,
			);
		}
		const mediaType = got.mediaType || declaredType(got.body);
		if (!isDigest(reference))
			tagChecks.remember(s.projectId, path, reference, {
				digest,
				mediaType,
				size: got.body.length,
			});
		try {
			pending.add(
				r.name,
				digest,
				got.body,
				mediaType,
				isDigest(reference) ? null : reference,
			);
		} catch (err) {
			deps.logger.warn(
				{ err, repository: r.name, digest },
				"a proxied manifest cannot be cached",
			);
		}
		return { digest, mediaType, size: got.body.length, body: got.body };
	}

	/**
	 * A blob Wharf already holds for another repository (a base layer many images share) is linked here and served from
	 * storage once the upstream confirms, with a HEAD, that this repository has it: no byte is fetched again, and nothing
	 * is linked that the client could not have pulled from the upstream itself. Undefined: fetch it.
	 */
	async function fromElsewhere(
		r: ProxiedRepository,
		path: string,
		digest: string,
	) {
		const held = await store.findBlob(digest);
		if (!held || !(await deps.storage.stat(digest))) return undefined;
		const size = await s.client.headBlob(path, digest).catch(() => null);
		if (size !== Number(held.size)) return undefined;
		const repo = {
			id: await store.ensureRepository(s.projectId, r.name),
			projectId: s.projectId,
			name: r.name,
		};
		const blob = { digest, size };
		await store.linkBlobs(
			repo.id,
			repo.projectId,
			[{ ...blob, mediaType: held.media_type }],
			(tx) => deps.guard.beforeAdd(repo.projectId, { blobs: [blob] }, tx),
		);
		void pending.landed(r.name).catch(() => undefined);
		return { size, stream: await deps.storage.read(digest) };
	}

	return {
		upstream: s.upstream,

		localName(name: string) {
			const path = upstreamPath(name);
			return s.dockerHub && !path.includes("/")
				? `${prefix}library/${path}`
				: name;
		},

		async manifest(r, reference, head) {
			const cached = await local(r, reference);
			const byDigest = isDigest(reference);
			if (cached && (byDigest || !s.healthy)) return fromCache(r, cached, head);
			if (!proxied(r.name)) {
				if (cached) return fromCache(r, cached, head);
				throw unknownManifest(reference);
			}
			const path = upstreamPath(r.name);
			try {
				if (byDigest) {
					if (!head) return await fromUpstream(r, path, reference, reference);
					const ref = await s.client.headManifest(path, reference);
					if (!ref) throw unknownManifest(reference);
					return {
						digest: ref.digest || reference,
						mediaType: ref.mediaType,
						size: ref.size,
					};
				}
				// Nothing cached: a GET answers what a HEAD would, so a first pull asks the upstream once, not twice.
				// Within the window, what the upstream said and sent is reused (the manifest waits for its blobs meanwhile).
				if (!cached && !head)
					return await fromUpstream(
						r,
						path,
						reference,
						tagChecks.recent(s.projectId, path, reference)?.digest || null,
					);
				const ref = await tagChecks.check(s.projectId, path, reference, () =>
					s.client.headManifest(path, reference),
				);
				if (!ref) {
					if (cached && s.localOnNotFound) return fromCache(r, cached, head);
					throw unknownManifest(reference);
				}
				if (cached && cached.digest === ref.digest)
					return fromCache(r, cached, head);
				if (head) {
					if (ref.digest) pending.resolvedTag(r.name, ref.digest, reference);
					return {
						digest: ref.digest,
						mediaType: ref.mediaType,
						size: ref.size,
					};
				}
				return await fromUpstream(r, path, reference, ref.digest || null);
			} catch (e) {
				if (e instanceof RegistryError && e.code === "MANIFEST_UNKNOWN")
					throw e;
				if (notFoundUpstream(e)) {
					if (cached && s.localOnNotFound) return fromCache(r, cached, head);
					throw unknownManifest(reference);
				}
				if (cached) return fromCache(r, cached, head);
				throw upstreamFailure(s.upstream, e);
			}
		},

		async blob(r, digest, head) {
			if (!proxied(r.name)) throw unknownBlob(digest);
			const path = upstreamPath(r.name);
			let got: { stream: Readable; size: number };
			try {
				if (head) {
					const size = await s.client.headBlob(path, digest);
					if (size === null) throw unknownBlob(digest);
					return { size };
				}
				const reused = await fromElsewhere(r, path, digest).catch(
					() => undefined,
				); // refused (a quota): fetch it
				if (reused) return reused;
				got = await s.client.getBlob(path, digest);
			} catch (e) {
				if (e instanceof RegistryError) throw e;
				if (notFoundUpstream(e)) throw unknownBlob(digest);
				throw upstreamFailure(s.upstream, e);
			}
			const source = s.bytesPerSecond
				? got.stream.pipe(throttle(s.bytesPerSecond))
				: got.stream;
			if (source !== got.stream)
				got.stream.on("error", (e) => source.destroy(e));
			const length = got.size >= 0 ? got.size : undefined;
			// The repository and upload are made beside the stream, not before it: the client's first byte does not wait.
			let repo: RepositoryRef | undefined;
			const begin = async () => {
				const into = {
					id: await store.ensureRepository(s.projectId, r.name),
					projectId: s.projectId,
					name: r.name,
				};
				repo = into;
				return { into, id: await uploads.start(into, r.caller) };
			};
			const { stream, stored } = storeWhileStreaming(
				source,
				async (bytes, signal) => {
					// Once more if need be: a failed pull of the same repository may drop it, empty, between the two steps.
					const { into, id } = await begin().catch(() => begin());
					try {
						await uploads.finish(id, into, digest, bytes, { length, signal });
					} catch (e) {
						await uploads.cancel(id).catch(() => undefined);
						throw e;
					}
				},
			);
			// A pipe does not pass a destroy back upstream: the upstream's body would hold its connection until a timeout.
			stream.on("close", () => got.stream.destroy());
			void stored
				.then(async (ok) => {
					if (ok) await pending.landed(r.name);
					else if (repo) await store.dropIfEmpty(repo.id);
				})
				.catch(() => undefined);
			return { size: got.size, stream };
		},

		async referrers(r, digest) {
			if (!s.referrerApi || !proxied(r.name)) return null;
			try {
				return await s.client.referrers(upstreamPath(r.name), digest);
			} catch {
				return null; // the cache answers with what it holds
			}
		},
	};
}
