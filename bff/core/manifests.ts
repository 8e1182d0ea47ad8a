import { LRUCache } from "lru-cache";
import { allowAll, type WriteGuard } from "./access.ts";
import { withPin } from "./blob-locks.ts";
import { digestOf, isDigest, parseDigest } from "./digest.ts";
import { ImmutableTagError, RegistryError, unknownManifest } from "./errors.ts";
import { defaultForeignLayerHosts, parseManifest } from "./manifest.ts";
import { isTag } from "./names.ts";
import type { StorageDriver } from "./storage/driver.ts";
import type { ArtifactRow, RegistryStore } from "./store.ts";
import type { RepositoryRef } from "./uploads.ts";

export const maxManifestBytes = 4 * 1024 * 1024;

export type PulledManifest = { artifact: ArtifactRow; body: Buffer };

/**
 * `partialIndex`: an index is recorded with those of its children the repository holds (a proxy cache keeps an index
 * of which only some platforms were pulled); a push always needs them all.
 */
export type PutOptions = { partialIndex?: boolean };

/**
 * Manifests: pushed bytes are verified, written content-addressed, and only then recorded, so a reader on any
 * replica never finds a row without its bytes; bytes the database then refuses are removed again. Bytes are immutable
 * per digest, so a small cache is always right.
 */
export function createManifestService(deps: {
	store: RegistryStore;
	storage: StorageDriver;
	guard?: WriteGuard;
	foreignLayerHosts?: string[];
}) {
	const { store, storage } = deps;
	const guard = deps.guard ?? allowAll;
	const rules = {
		foreignLayerHosts: deps.foreignLayerHosts ?? defaultForeignLayerHosts,
	};
	const bytes = new LRUCache<string, Buffer>({
		maxSize: 64 * 1024 * 1024,
		sizeCalculation: (b) => b.length || 1,
	});

	async function read(digest: string): Promise<Buffer> {
		const cached = bytes.get(digest);
		if (cached) return cached;
		const chunks: Buffer[] = [];
		for await (const c of await storage.read(digest)) chunks.push(c as Buffer);
		const body = Buffer.concat(chunks);
		bytes.set(digest, body);
		return body;
	}

	async function resolve(
		repo: RepositoryRef,
		reference: string,
	): Promise<ArtifactRow> {
		const artifact = isDigest(reference)
			? await store.findArtifact(repo.id, parseDigest(reference).digest)
			: isTag(reference)
				? await store.findTagged(repo.id, reference)
				: undefined;
		if (!artifact) throw unknownManifest(reference);
		return artifact;
	}

	return {
		resolve,

		async get(repo: RepositoryRef, reference: string): Promise<PulledManifest> {
			const artifact = await resolve(repo, reference);
			return { artifact, body: await read(artifact.digest) };
		},

		/**
		 * Stores a manifest under `reference` (a tag or its digest) plus any `extraTags`; returns digest and subject. A
		 * refused manifest takes its repository with it when that holds nothing else (a first push).
		 */
		async put(
			repo: RepositoryRef,
			reference: string,
			body: Buffer,
			contentType: string | undefined,
			extraTags: string[] = [],
			opts: PutOptions = {},
		) {
			try {
				return await put(repo, reference, body, contentType, extraTags, opts);
			} catch (e) {
				await store.dropIfEmpty(repo.id);
				throw e;
			}
		},

		/** DELETE by tag removes the tag; by digest the artifact, its tags and its accessories. */
		async delete(
			repo: RepositoryRef,
			reference: string,
		): Promise<{ digest?: string; tag?: string }> {
			const immutable = await guard.immutableTags(repo.projectId);
			if (!isDigest(reference)) {
				if (
					immutable?.(repo.name, reference) &&
					(await store.findTagged(repo.id, reference))
				) {
					throw new ImmutableTagError(repo.name, reference, "deleted");
				}
				if (!(await store.deleteTag(repo.id, reference)))
					throw unknownManifest(reference);
				return { tag: reference };
			}
			const artifact = await resolve(repo, reference);
			if (immutable) {
				const kept = (await store.tagNames(artifact.id)).find((t) =>
					immutable(repo.name, t),
				);
				if (kept) throw new ImmutableTagError(repo.name, kept, "deleted");
			}
			const parents = await store.parentsOf(artifact.id);
			if (parents.length) {
				throw new RegistryError(
					"PRECONDITION",
					`the manifest is referenced by the index ${parents[0].digest}: delete that first`,
					undefined,
					412,
				);
			}
			await deleteWithAccessories(artifact);
			return { digest: artifact.digest };
		},

		/** Manifests in the repository whose `subject` is `digest`. */
		referrers: (repo: RepositoryRef, digest: string) =>
			store.referrers(repo.id, digest),

		refuseMovingImmutable,

		/** Throws when a tag of the repository is immutable: deleting the repository would delete it. */
		async refuseDeletingRepository(repo: RepositoryRef) {
			const immutable = await guard.immutableTags(repo.projectId);
			if (!immutable) return;
			for (
				let page = await store.listTags(repo.id, 1000);
				page.length;
				page = await store.listTags(repo.id, 1000, page[page.length - 1])
			) {
				const kept = page.find((t) => immutable(repo.name, t));
				if (kept) throw new ImmutableTagError(repo.name, kept, "deleted");
			}
		},
	};

	async function put(
		repo: RepositoryRef,
		reference: string,
		body: Buffer,
		contentType: string | undefined,
		extraTags: string[],
		opts: PutOptions,
	) {
		if (body.length > maxManifestBytes) {
			throw new RegistryError(
				"SIZE_INVALID",
				`manifest exceeds ${maxManifestBytes} bytes`,
				undefined,
				413,
			);
		}
		const byDigest = isDigest(reference);
		const algorithm = byDigest ? parseDigest(reference).algorithm : "sha256";
		if (!byDigest && !isTag(reference))
			throw new RegistryError(
				"MANIFEST_INVALID",
				`invalid tag: ${reference.slice(0, 200)}`,
			);
		for (const t of extraTags)
			if (!isTag(t))
				throw new RegistryError(
					"MANIFEST_INVALID",
					`invalid tag: ${t.slice(0, 200)}`,
				);
		const digest = digestOf(body, algorithm);
		if (byDigest && digest !== reference) {
			throw new RegistryError(
				"DIGEST_INVALID",
				"manifest digest did not match the reference",
				{ expected: reference, actual: digest },
			);
		}
		const m = parseManifest(body, contentType, rules);

		const linked = await store.linkedSizes(repo.id, m.blobs);
		const missing = m.blobs.filter((d) => !linked.has(d));
		if (missing.length) {
			throw new RegistryError(
				"MANIFEST_BLOB_UNKNOWN",
				`blob unknown to registry: ${missing[0]}`,
				{ digest: missing[0] },
			);
		}
		const childIds = await store.artifactIdsByDigest(
			repo.id,
			m.children.map((c) => c.digest),
		);
		const children = opts.partialIndex
			? m.children.filter((c) => childIds.has(c.digest))
			: m.children;
		const missingChild = children.find((c) => !childIds.has(c.digest));
		if (missingChild) {
			throw new RegistryError(
				"MANIFEST_BLOB_UNKNOWN",
				`manifest unknown to registry: ${missingChild.digest}`,
				{ digest: missingChild.digest },
			);
		}

		const tags = [...new Set([...(byDigest ? [] : [reference]), ...extraTags])];
		await refuseMovingImmutable(repo, tags, digest);
		// Everything the artifact will make the project count: asked before any byte is written, and again, atomically,
		// in the transaction that records it.
		const adds = {
			blobs: [
				{ digest, size: body.length },
				...[...linked].map(([d, size]) => ({ digest: d, size })),
			],
		};
		await guard.beforeAdd(repo.projectId, adds);
		const record = {
			projectId: repo.projectId,
			repositoryId: repo.id,
			digest,
			size: body.length,
			manifestMediaType: m.mediaType,
			type: m.type,
			configMediaType: m.configMediaType,
			artifactType: m.artifactType,
			subjectDigest: m.subject?.digest ?? null,
			annotations: m.annotations,
			blobs: m.blobs,
			children: children.map((c) => ({
				digest: c.digest,
				platform: c.platform ?? null,
				annotations: c.annotations ?? null,
			})),
		};
		// Pinned from before the bytes land until their row is committed: GC leaves the digest alone meanwhile.
		await withPin(store.db, digest, async () => {
			await storage.put(digest, body);
			try {
				await store.recordManifest({ ...record, tags }, (tx) =>
					guard.beforeAdd(repo.projectId, adds, tx),
				);
			} catch (e) {
				// Bytes no row names are removed again (those another repository holds stay).
				if (!(await store.findBlob(digest)))
					await storage.delete(digest).catch(() => {});
				throw e;
			}
		});
		bytes.set(digest, body);
		return { digest, subject: m.subject?.digest ?? null, tags };
	}

	/**
	 * An immutable tag may be pushed again with the same manifest, never pointed at another. (Two first pushes of one
	 * tag racing may both pass: as in Harbor, rules protect tags that exist.)
	 */
	async function refuseMovingImmutable(
		repo: RepositoryRef,
		tags: string[],
		digest: string,
	) {
		const immutable = tags.length
			? await guard.immutableTags(repo.projectId)
			: null;
		if (!immutable) return;
		for (const tag of tags) {
			if (!immutable(repo.name, tag)) continue;
			const current = await store.findTagged(repo.id, tag);
			if (current && current.digest !== digest)
				throw new ImmutableTagError(repo.name, tag, "overwritten");
		}
	}

	async function deleteWithAccessories(
		artifact: ArtifactRow,
		depth = 0,
	): Promise<void> {
		if (depth > 16) return;
		// An accessory an index still references stays (as its own referrers do): a referrer may outlive its subject,
		// and deleting it would break the index.
		if (depth > 0 && (await store.parentsOf(artifact.id)).length) return;
		for (const accessory of await store.referrers(
			artifact.repository_id,
			artifact.digest,
		)) {
			await deleteWithAccessories(accessory, depth + 1);
		}
		await store.deleteArtifact(artifact.id);
	}
}

export type ManifestService = ReturnType<typeof createManifestService>;
