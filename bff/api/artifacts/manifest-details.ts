import { LRUCache } from "lru-cache";
import { z } from "zod";
import { maxManifestBytes } from "../../core/manifests.ts";
import { isIndexType, mediaTypes } from "../../core/media-types.ts";
import type { StorageDriver } from "../../core/storage/driver.ts";
import { type ParseBudget, readJsonBlob } from "./blob-json.ts";
import { buildHistory, chartAttrs, imageAttrs } from "./config-fields.ts";

/** Largest config blob read for `extra_attrs` or build history: real configs are kilobytes, a few MiB at the most. */
const maxConfigBytes = 4 * 1024 * 1024;
/** Bytes of details kept across requests (their JSON length, which the kept shapes stay close to in heap). */
const defaultCacheBytes = 16 * 1024 * 1024;

const chartLayerType = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

/** What the artifact API shows of a manifest beyond its row: derived from immutable bytes, so cached by digest. */
export type ManifestDetails = {
	config: { digest: string; size: number } | null;
	/** The layer additions are read from: a chart's content layer, else the first. */
	contentLayer: string | null;
	/** `urls` of index children, by child digest. */
	childUrls: Record<string, string[]>;
	/** Index children's digests in the index's order (references show in that order). */
	childOrder: string[];
	extraAttrs: Record<string, unknown>;
};

const descriptor = z.object({
	mediaType: z.string().optional(),
	digest: z.string(),
	size: z.number().int().nonnegative(),
	urls: z.array(z.string()).optional(),
});
const descriptors = z
	.array(z.unknown())
	.optional()
	.catch(undefined)
	.transform((a) =>
		(a ?? []).flatMap((d) => {
			const r = descriptor.safeParse(d);
			return r.success ? [r.data] : [];
		}),
	);
const manifestShape = z.object({
	config: descriptor.optional().catch(undefined),
	layers: descriptors,
	manifests: descriptors,
});

const empty: ManifestDetails = {
	config: null,
	contentLayer: null,
	childUrls: {},
	childOrder: [],
	extraAttrs: {},
};

/** The details of an index or a manifest, without the config's fields. */
function fromManifest(
	json: unknown,
	manifestMediaType: string,
): ManifestDetails {
	const m = manifestShape.safeParse(json);
	if (!m.success) return empty;
	if (isIndexType(manifestMediaType)) {
		const childUrls: Record<string, string[]> = {};
		for (const c of m.data.manifests)
			if (c.urls?.length) childUrls[c.digest] = c.urls;
		return {
			...empty,
			childUrls,
			childOrder: m.data.manifests.map((c) => c.digest),
		};
	}
	const { config, layers } = m.data;
	const contentLayer =
		(layers.find((l) => l.mediaType === chartLayerType) ?? layers[0])?.digest ??
		null;
	const wanted =
		config && config.mediaType !== mediaTypes.ociEmpty
			? { digest: config.digest, size: config.size }
			: null;
	return { ...empty, config: wanted, contentLayer };
}

type Artifact = {
	digest: string;
	size: number | string;
	type: string;
	manifest_media_type: string;
};

export function createManifestDetails(
	storage: StorageDriver,
	opts: { cacheBytes?: number } = {},
) {
	const cache = new LRUCache<string, ManifestDetails>({
		maxSize: opts.cacheBytes ?? defaultCacheBytes,
		sizeCalculation: (d) => JSON.stringify(d).length,
	});

	/** The details, or null when the request's budget cannot pay for reading them (then nothing is cached). */
	async function load(
		a: Artifact,
		budget?: ParseBudget,
	): Promise<ManifestDetails | null> {
		const manifest = { digest: a.digest, size: Number(a.size) };
		if (budget && !budget.take(manifest.size)) return null;
		const d = await readJsonBlob(storage, manifest, maxManifestBytes, (json) =>
			fromManifest(json, a.manifest_media_type),
		);
		if (!d) return empty;
		if (!d.config || (a.type !== "IMAGE" && a.type !== "CHART")) return d;
		// A config over the cap is never read: the artifact answers without its fields, as Harbor does for a missing one.
		if (d.config.size > maxConfigBytes) return d;
		if (budget && !budget.take(d.config.size)) return null;
		const extraAttrs = await readJsonBlob(
			storage,
			d.config,
			maxConfigBytes,
			a.type === "IMAGE" ? imageAttrs : chartAttrs,
		);
		return { ...d, extraAttrs: extraAttrs ?? {} };
	}

	return {
		/**
		 * Details of one artifact's manifest; a missing or unreadable manifest gives empty details, never an error.
		 * With a `budget`, details not cached are read only while it lasts; past it they come back empty.
		 */
		async of(a: Artifact, budget?: ParseBudget): Promise<ManifestDetails> {
			const hit = cache.get(a.digest);
			if (hit) return hit;
			const d = await load(a, budget).catch(() => empty);
			if (d && d !== empty) cache.set(a.digest, d);
			return d ?? empty;
		},
		/** An image's build history from its config blob, read under the same caps (not cached: one config per request). */
		history: async (config: { digest: string; size: number }) =>
			(await readJsonBlob(storage, config, maxConfigBytes, buildHistory)) ?? [],
		/** Bytes the cache holds, as it counts them. */
		cachedBytes: () => cache.calculatedSize,
	};
}

export type ManifestDetailsReader = ReturnType<typeof createManifestDetails>;
