import path from "node:path/posix";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";

/** The magic that starts a Go binary's build info (runtime/debug's buildinfo section). */
export const goBuildInfoMagic = Buffer.from("\xff Go buildinf:", "latin1");
/** How much of a binary after the magic is kept: the inline version and module strings fit well inside. */
const goBuildInfoBytes = 64 * 1024;
/** A manifest file larger than this is not read (a dpkg status of 5,000 packages is about 4 MiB). */
const maxFileBytes = 16 * 1024 * 1024;

type Kept = { layer: number; data: Buffer } | { layer: number; link: string };

/** The files a scan reads, as the image's merged filesystem has them: paths without a leading slash. */
export type ImageFiles = {
	/** A file's bytes, following symbolic links within the image. */
	read(p: string): Buffer | undefined;
	/** Paths kept (regular files and links), sorted. */
	paths(): string[];
	/** Go binaries' build info: the bytes from the magic on, by the binary's path. */
	goBinaries: Map<string, Buffer>;
};

const normalize = (name: string) =>
	path.normalize(`/${name}`).replace(/^\/+/, "").replace(/\/+$/, "");

/**
 * Walks an image's layers in order, as streams (gzip or plain tar; nothing is written to disk), keeping the files
 * `wanted` names and the build info of executables, and applying each layer's whiteouts to the layers below it: a
 * `.wh.NAME` removes NAME (and what is under it), a `.wh..wh..opq` in a folder removes what lower layers put in it.
 */
export function createLayerWalker(wanted: (p: string) => boolean) {
	const kept = new Map<string, Kept>();
	const go = new Map<string, { layer: number; data: Buffer }>();
	let layer = 0;

	const removeBelow = (prefix: string, exact: string | null) => {
		for (const m of [kept, go] as Map<string, { layer: number }>[])
			for (const [p, v] of m)
				if (
					v.layer < layer &&
					(p === exact || p.startsWith(`${prefix}/`) || prefix === "")
				)
					m.delete(p);
	};

	async function addLayer(compressed: Readable): Promise<void> {
		layer++;
		const tar = extract();
		const piping = pipeline(compressed, decompress, tar);
		// The consumer below may stop early on an error; the pipeline's own error is the one worth reporting.
		let failure: unknown;
		piping.catch((e: unknown) => {
			failure = e;
		});
		for await (const entry of tar) {
			const h = entry.header;
			const p = normalize(h.name);
			const base = path.basename(p);
			const dir = path.dirname(p) === "." ? "" : path.dirname(p);
			if (base === ".wh..wh..opq") {
				removeBelow(dir, null);
				entry.resume();
				continue;
			}
			if (base.startsWith(".wh.")) {
				const target = dir ? `${dir}/${base.slice(4)}` : base.slice(4);
				removeBelow(target, target);
				entry.resume();
				continue;
			}
			// What this layer puts at a path hides what lower layers had there.
			if (h.type !== "directory") {
				kept.delete(p);
				go.delete(p);
			}
			if (h.type === "symlink" && wanted(p)) {
				kept.set(p, { layer, link: h.linkname ?? "" });
				entry.resume();
			} else if (h.type === "link" && wanted(p)) {
				const target = kept.get(normalize(h.linkname ?? ""));
				if (target) kept.set(p, { ...target, layer });
				entry.resume();
			} else if (h.type === "file" || h.type === "contiguous-file") {
				const size = h.size ?? 0;
				if (wanted(p) && size <= maxFileBytes) {
					const chunks: Buffer[] = [];
					for await (const c of entry) chunks.push(c as Buffer);
					kept.set(p, { layer, data: Buffer.concat(chunks) });
				} else if ((h.mode ?? 0) & 0o111 && size > goBuildInfoMagic.length) {
					const info = await findGoBuildInfo(entry as AsyncIterable<Buffer>);
					if (info) go.set(p, { layer, data: info });
				} else entry.resume();
			} else entry.resume();
		}
		await piping.catch(() => undefined);
		if (failure) throw failure;
	}

	function files(): ImageFiles {
		const read = (p: string, depth = 0): Buffer | undefined => {
			const k = kept.get(normalize(p));
			if (!k || depth > 8) return undefined;
			if ("data" in k) return k.data;
			const target = k.link.startsWith("/")
				? k.link
				: path.join(path.dirname(normalize(p)), k.link);
			return read(target, depth + 1);
		};
		return {
			read,
			paths: () => [...kept.keys()].sort(),
			goBinaries: new Map([...go].map(([p, v]) => [p, v.data])),
		};
	}

	return { addLayer, files };
}

/** gzip (by its magic) through zlib, plain tar as it is; zstd layers need a Node that has zstd. */
async function* decompress(
	source: AsyncIterable<unknown>,
): AsyncGenerator<Buffer> {
	const it = source[Symbol.asyncIterator]();
	const first = await it.next();
	if (first.done) return;
	const head = first.value as Buffer;
	async function* all() {
		yield head;
		for (;;) {
			const n = await it.next();
			if (n.done) return;
			yield n.value as Buffer;
		}
	}
	if (head[0] === 0x1f && head[1] === 0x8b) {
		yield* Readable.from(all()).pipe(createGunzip({ chunkSize: 64 * 1024 }));
		return;
	}
	if (head.readUInt32LE(0) === 0xfd2fb528)
		throw new Error(
			"the image has a zstd-compressed layer, which this scanner cannot read yet",
		);
	yield* all();
}

/** Reads an executable to its end, keeping what follows Go's build-info magic, if it has one. */
async function findGoBuildInfo(
	entry: AsyncIterable<Buffer>,
): Promise<Buffer | undefined> {
	let tail = Buffer.alloc(0);
	let found: Buffer[] | undefined;
	let foundBytes = 0;
	for await (const chunk of entry) {
		if (found) {
			if (foundBytes < goBuildInfoBytes) {
				found.push(chunk);
				foundBytes += chunk.length;
			}
			continue;
		}
		const window = Buffer.concat([tail, chunk]);
		const at = window.indexOf(goBuildInfoMagic);
		if (at >= 0) {
			found = [window.subarray(at)];
			foundBytes = window.length - at;
		} else
			tail = window.subarray(
				Math.max(0, window.length - goBuildInfoMagic.length + 1),
			);
	}
	return found ? Buffer.concat(found).subarray(0, goBuildInfoBytes) : undefined;
}
