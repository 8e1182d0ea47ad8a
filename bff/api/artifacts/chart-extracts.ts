import { LRUCache } from "lru-cache";
import type { StorageDriver } from "../../core/storage/driver.ts";
import {
	type ChartFile,
	ChartTooLargeError,
	readChartFiles,
} from "./chart-files.ts";

/** Every file an addition is read from: one pass over the archive serves all of them. */
const chartFiles: ChartFile[] = [
	"values.yaml",
	"readme.md",
	"chart.yaml",
	"requirements.yaml",
];
/** Bytes of extracted chart files kept across requests (each file is at most 1 MiB). */
const cacheBytes = 32 * 1024 * 1024;

/** A chart layer's top-level files, or the cap it broke (remembered too, so a bomb is expanded once). */
type ChartExtract = { files: Map<ChartFile, string> } | { tooLarge: number };

/**
 * Chart layers' files by layer digest: the bytes are immutable, so an extract is read once and kept (bounded by
 * bytes); concurrent readers of one digest share one extraction.
 */
export function createChartExtracts(storage: StorageDriver) {
	const cache = new LRUCache<string, ChartExtract>({
		maxSize: cacheBytes,
		sizeCalculation: (x) =>
			64 +
			("files" in x
				? [...x.files.values()].reduce((n, t) => n + t.length, 0)
				: 0),
		fetchMethod: async (digest) => {
			try {
				return {
					files: await readChartFiles(await storage.read(digest), chartFiles),
				};
			} catch (e) {
				if (e instanceof ChartTooLargeError) return { tooLarge: e.maxBytes };
				throw e;
			}
		},
	});
	return {
		of: async (layerDigest: string): Promise<ChartExtract> =>
			(await cache.fetch(layerDigest))!,
	};
}
