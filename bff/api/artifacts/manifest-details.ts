import type { Readable } from 'node:stream';
import { LRUCache } from 'lru-cache';
import type { StorageDriver } from '../../core/storage/driver.ts';
import { isIndexType, mediaTypes } from '../../core/media-types.ts';

const maxManifestBytes = 4 * 1024 * 1024;
const maxConfigBytes = 4 * 1024 * 1024;

type Descriptor = { mediaType?: string; digest?: string; size?: number; urls?: string[] };

/** What the artifact API shows of a manifest beyond its row: derived from immutable bytes, so cached by digest. */
export type ManifestDetails = {
  config: Descriptor | null;
  layers: Descriptor[];
  /** `urls` of index children, by child digest. */
  childUrls: Record<string, string[]>;
  /** Index children's digests in the index's order (references show in that order). */
  childOrder: string[];
  extraAttrs: Record<string, unknown>;
};

/** Reads a small blob whole, or null when it is missing or larger than `cap` (never buffered past the cap). */
export async function readSmall(storage: StorageDriver, digest: string, cap: number): Promise<Buffer | null> {
  let stream: Readable;
  try { stream = await storage.read(digest); } catch { return null; }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > cap) { stream.destroy(); return null; }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export const readJson = async (storage: StorageDriver, digest: string, cap: number): Promise<Record<string, unknown> | null> => {
  const bytes = await readSmall(storage, digest, cap);
  if (!bytes) return null;
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch { return null; }
};

/** Harbor's image `extra_attrs`: from the image config. Charts show their Chart.yaml metadata (the config). */
function extraAttrsOf(type: string, config: Record<string, unknown> | null): Record<string, unknown> {
  if (!config) return {};
  if (type === 'IMAGE') {
    const attrs: Record<string, unknown> = {
      architecture: config.architecture, os: config.os, author: config.author ?? '', created: config.created, config: config.config ?? {},
    };
    for (const k of ['variant', 'os.version'] as const) if (config[k] !== undefined) attrs[k] = config[k];
    return attrs;
  }
  return type === 'CHART' ? config : {};
}

export function createManifestDetails(storage: StorageDriver) {
  const cache = new LRUCache<string, ManifestDetails>({ max: 20_000 });
  const empty: ManifestDetails = { config: null, layers: [], childUrls: {}, childOrder: [], extraAttrs: {} };

  async function load(a: { digest: string; type: string; manifest_media_type: string }): Promise<ManifestDetails> {
    const manifest = await readJson(storage, a.digest, maxManifestBytes);
    if (!manifest) return empty;
    if (isIndexType(a.manifest_media_type)) {
      const childUrls: Record<string, string[]> = {};
      const children = ((manifest.manifests as Descriptor[] | undefined) ?? []).filter((m) => m.digest);
      for (const m of children) if (m.urls?.length) childUrls[m.digest!] = m.urls;
      return { ...empty, childUrls, childOrder: children.map((m) => m.digest!) };
    }
    const config = (manifest.config as Descriptor | undefined) ?? null;
    const layers = (manifest.layers as Descriptor[] | undefined) ?? [];
    const wantsConfig = config?.digest && config.mediaType !== mediaTypes.ociEmpty && (a.type === 'IMAGE' || a.type === 'CHART');
    const configJson = wantsConfig ? await readJson(storage, config.digest!, maxConfigBytes) : null;
    return { config, layers, childUrls: {}, childOrder: [], extraAttrs: extraAttrsOf(a.type, configJson) };
  }

  return {
    /** Details of one artifact's manifest; a missing or unreadable manifest gives empty details, never an error. */
    async of(a: { digest: string; type: string; manifest_media_type: string }): Promise<ManifestDetails> {
      const hit = cache.get(a.digest);
      if (hit) return hit;
      const d = await load(a).catch(() => empty);
      if (d !== empty) cache.set(a.digest, d);
      return d;
    },
    /** The parsed config blob (for build history). */
    config: (digest: string) => readJson(storage, digest, maxConfigBytes),
  };
}

export type ManifestDetailsReader = ReturnType<typeof createManifestDetails>;
