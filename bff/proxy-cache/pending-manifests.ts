import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import { type ManifestRules, parseManifest } from "../core/manifest.ts";
import type { ManifestService } from "../core/manifests.ts";
import type { PullRecorder } from "../core/pull-recorder.ts";
import type { RegistryStore } from "../core/store.ts";

type Waiting = {
	key: string;
	repository: string;
	digest: string;
	body: Buffer;
	mediaType: string;
	tags: Set<string>;
	blobs: string[];
	children: string[];
	/** An index: how many of its children were recorded with it last time (it is recorded again as more arrive). */
	recordedChildren: number;
	until: number;
	busy: boolean;
};

/**
 * Manifests served from the upstream, waiting to be stored in the cache. A manifest is recorded (with its tag: tags
 * are kept) once the repository holds every blob it references, which the client's own blob pulls bring in. An index
 * is recorded as soon as one of its platforms is cached, and recorded again as more arrive (its children are linked
 * as they come); platforms nobody pulled are not fetched. What is still incomplete after `windowMs` is forgotten (a
 * client that had the layers already). Checked when a blob or manifest lands in the repository, and every `pollMs`
 * (default 5 s: a blob another replica stored).
 */
export function createPendingManifests(deps: {
	store: RegistryStore;
	manifests: ManifestService;
	pulls: PullRecorder;
	rules: ManifestRules;
	logger: Logger;
	windowMs?: number;
	pollMs?: number;
}) {
	const { store, manifests, pulls, logger } = deps;
	const windowMs = deps.windowMs ?? 10 * 60_000;
	// Bounded: manifests a client fetched but never pulled the blobs of are dropped oldest first past 1,000 or 64 MiB.
	const waiting = new LRUCache<string, Waiting>({
		max: 1000,
		maxSize: 64 << 20,
		sizeCalculation: (w) => w.body.length || 1,
	});
	/**
	 * Tags a client resolved with a HEAD, by `<repository>@<digest>`: docker and containerd HEAD the tag, then GET the
	 * digest, and the manifest they then pull keeps that tag (Harbor caches it untagged: its #15591).
	 */
	const resolved = new LRUCache<string, Set<string>>({
		max: 10_000,
		ttl: windowMs,
	});
	const byRepository = (repository: string) =>
		[...waiting.values()].filter((w) => w.repository === repository);

	async function attempt(w: Waiting): Promise<boolean> {
		const repo = await store.findRepository(w.repository);
		if (!repo) return false;
		const ref = { id: repo.id, projectId: repo.project_id, name: repo.name };
		let partial = false;
		if (w.children.length) {
			const present = (await store.artifactIdsByDigest(repo.id, w.children))
				.size;
			if (present === 0 || present === w.recordedChildren) return false;
			w.recordedChildren = present;
			partial = present < w.children.length;
		} else if (
			(await store.linkedSizes(repo.id, w.blobs)).size < w.blobs.length
		) {
			return false;
		}
		const [first, ...rest] = w.tags.size ? [...w.tags] : [w.digest];
		await manifests.put(ref, first, w.body, w.mediaType, rest, {
			partialIndex: true,
		});
		const artifact = await store.findArtifact(repo.id, w.digest);
		if (artifact)
			for (const tag of w.tags.size ? w.tags : [null])
				pulls.record(artifact.id, repo.id, tag);
		// An index keeps waiting for its other platforms.
		return !partial;
	}

	async function settle(w: Waiting) {
		if (w.busy) return;
		w.busy = true;
		try {
			const done = await attempt(w);
			if (done || Date.now() > w.until) waiting.delete(w.key);
			if (done && !w.children.length) await settleRepository(w.repository); // indexes waiting for this platform
		} catch (err) {
			waiting.delete(w.key);
			logger.warn(
				{ err, repository: w.repository, digest: w.digest },
				"a proxied manifest could not be cached",
			);
		} finally {
			w.busy = false;
		}
	}

	async function settleRepository(repository: string) {
		for (const w of byRepository(repository)) await settle(w);
	}

	const timer = setInterval(() => {
		for (const w of waiting.values()) void settle(w);
	}, deps.pollMs ?? 5000);
	timer.unref();

	return {
		/** A manifest just served from the upstream, to be cached under `tag` (null: by digest) once its blobs are in. */
		add(
			repository: string,
			digest: string,
			body: Buffer,
			mediaType: string,
			tag: string | null,
		) {
			const key = `${repository}@${digest}`;
			if (!tag) {
				const hinted = [...(resolved.get(key) ?? [])];
				resolved.delete(key);
				for (const t of hinted.slice(0, -1))
					this.add(repository, digest, body, mediaType, t);
				tag = hinted.at(-1) ?? null;
			}
			// The tag moved upstream: an older manifest still waiting must not take it back when it is recorded.
			if (tag)
				for (const w of byRepository(repository))
					if (w.key !== key) w.tags.delete(tag);
			const known = waiting.get(key);
			if (known) {
				if (tag) known.tags.add(tag);
				known.until = Date.now() + windowMs;
			} else {
				const m = parseManifest(body, mediaType, deps.rules);
				waiting.set(key, {
					key,
					repository,
					digest,
					body,
					mediaType,
					tags: new Set(tag ? [tag] : []),
					blobs: m.blobs,
					children: [...new Set(m.children.map((c) => c.digest))],
					recordedChildren: 0,
					until: Date.now() + windowMs,
					busy: false,
				});
			}
			void settle(waiting.get(key)!);
		},
		/** The upstream said `tag` is `digest` to a client's HEAD: the manifest it pulls by digest next keeps the tag. */
		resolvedTag(repository: string, digest: string, tag: string) {
			const key = `${repository}@${digest}`;
			resolved.set(key, new Set([...(resolved.get(key) ?? []), tag]));
		},
		/** A manifest still waiting, served from here to the rest of a burst instead of from the upstream again. */
		held(
			repository: string,
			digest: string,
		): { body: Buffer; mediaType: string } | undefined {
			const w = waiting.get(`${repository}@${digest}`);
			return w && { body: w.body, mediaType: w.mediaType };
		},
		/** Something landed in the repository (a blob): what waited on it may be complete. */
		landed: (repository: string) => settleRepository(repository),
		close() {
			clearInterval(timer);
			waiting.clear();
		},
	};
}

export type PendingManifests = ReturnType<typeof createPendingManifests>;
