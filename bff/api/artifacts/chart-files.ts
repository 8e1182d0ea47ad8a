import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";
import { parse as parseYaml } from "yaml";

/** The files of a chart's top folder (`mychart/values.yaml`…) an addition is read from, compared case-insensitively. */
export type ChartFile =
	| "values.yaml"
	| "readme.md"
	| "chart.yaml"
	| "requirements.yaml";

const maxFileBytes = 1024 * 1024;
/** Helm's own limit on a chart's decompressed size (`--max-chart-size`): a chart Helm installs is never refused. */
const maxChartBytes = 100 * 1024 * 1024;

/** A chart that expands past the cap: a gzip bomb, not a chart. */
export class ChartTooLargeError extends Error {
	constructor(readonly maxBytes: number) {
		super(`the chart expands to more than ${maxBytes} bytes`);
	}
}

/** Passes bytes through until more than `max` went by, then fails the pipeline. */
function byteLimit(max: number, onExceeded: () => void) {
	let seen = 0;
	return new Transform({
		transform(chunk: Buffer, _enc, done) {
			seen += chunk.length;
			if (seen > max) {
				onExceeded();
				done(new ChartTooLargeError(max));
			} else done(null, chunk);
		},
	});
}

/**
 * Streams a chart's tgz through gunzip and a tar parser and keeps only the wanted top-level files (each at most
 * 1 MiB); it stops reading once all are found, so a large chart is never held in memory. Throws
 * ChartTooLargeError once more than `maxBytes` came out of gunzip.
 */
export async function readChartFiles(
	tgz: Readable,
	wanted: ChartFile[],
	maxBytes = maxChartBytes,
): Promise<Map<ChartFile, string>> {
	const found = new Map<ChartFile, string>();
	const tar = extract();
	let exceeded = false;
	const limit = byteLimit(maxBytes, () => {
		exceeded = true;
	});
	const piping = pipeline(
		tgz,
		createGunzip({ chunkSize: 64 * 1024 }),
		limit,
		tar,
	).catch(() => {
		/* stopped early, or a broken archive: keep what was read */
	});
	try {
		for await (const entry of tar) {
			const parts = entry.header.name.replace(/^\.\//, "").split("/");
			const file =
				parts.length === 2 ? (parts[1].toLowerCase() as ChartFile) : null;
			if (
				file &&
				wanted.includes(file) &&
				!found.has(file) &&
				entry.header.type === "file" &&
				(entry.header.size ?? 0) <= maxFileBytes
			) {
				const chunks: Buffer[] = [];
				for await (const c of entry) chunks.push(c as Buffer);
				found.set(file, Buffer.concat(chunks).toString("utf8"));
				if (wanted.every((w) => found.has(w))) break;
			} else {
				entry.resume();
			}
		}
	} catch {
		// A broken archive: answer with what was read before the break.
	} finally {
		tgz.destroy();
		tar.destroy();
		await piping;
	}
	if (exceeded) throw new ChartTooLargeError(maxBytes);
	return found;
}

export type ChartDependency = {
	name: string;
	version: string;
	repository: string;
};

/** A chart's dependencies: Chart.yaml's `dependencies` (apiVersion v2), else requirements.yaml's (v1). */
export function chartDependencies(
	files: Map<ChartFile, string>,
): ChartDependency[] {
	for (const file of ["chart.yaml", "requirements.yaml"] as const) {
		const text = files.get(file);
		if (!text) continue;
		let doc: unknown;
		try {
			doc = parseYaml(text);
		} catch {
			continue;
		}
		const deps = (doc as { dependencies?: unknown } | null)?.dependencies;
		if (Array.isArray(deps) && deps.length) {
			return deps
				.filter((d) => d && typeof d === "object")
				.map((d) => ({
					name: String(d.name ?? ""),
					version: String(d.version ?? ""),
					repository: String(d.repository ?? ""),
				}));
		}
	}
	return [];
}
