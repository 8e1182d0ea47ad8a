import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ByteRange, StorageDriver } from "./driver.ts";
import { sendFileRange } from "./send-file.ts";

/** How many bytes an upload writes between the flushes it starts while its body arrives. */
export const flushEvery = 8 << 20;

/** Blobs under `<root>/blobs/<algorithm>/<2 hex>/<hex>`, uploads under `<root>/uploads/<id>`. */
export function createFilesystemDriver(root: string): StorageDriver {
	const blobPath = (digest: string) => {
		const [algorithm, hex] = digest.split(":");
		return path.join(root, "blobs", algorithm, hex.slice(0, 2), hex);
	};
	const uploadPath = (id: string) => path.join(root, "uploads", id);

	async function syncDir(dir: string) {
		const handle = await open(dir, "r");
		try {
			await handle.sync();
		} finally {
			await handle.close();
		}
	}

	/** Moves a durable temporary file to its content address; if the digest is already there, the bytes are equal. */
	async function place(tmp: string, digest: string) {
		const final = blobPath(digest);
		await mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
		await rename(tmp, final);
		await syncDir(path.dirname(final));
	}

	return {
		async stat(digest) {
			try {
				const s = await stat(blobPath(digest));
				return { size: s.size };
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
				throw e;
			}
		},
		async read(digest, range?: ByteRange) {
			const file = blobPath(digest);
			const handle = await open(file, "r"); // fail here, before headers are sent, if the bytes are gone
			return handle.createReadStream(
				range ? { start: range.start, end: range.end } : {},
			);
		},
		async send(digest, sink, { range, signal } = {}) {
			const handle = await open(blobPath(digest), "r");
			try {
				const end = range ? range.end + 1 : (await handle.stat()).size;
				await sendFileRange(handle, sink, range?.start ?? 0, end, signal);
				sink.end();
			} catch {
				sink.destroy();
			} finally {
				await handle.close();
			}
		},
		async put(digest, data) {
			await mkdir(path.join(root, "uploads"), { recursive: true, mode: 0o700 });
			const tmp = uploadPath(`put-${randomUUID()}`);
			const handle = await open(tmp, "w", 0o600);
			try {
				await handle.writeFile(data);
				await handle.sync();
			} catch (e) {
				await rm(tmp, { force: true }); // a part written into a full disk would stay there for good
				throw e;
			} finally {
				await handle.close();
			}
			await place(tmp, digest);
		},
		async delete(digest) {
			await rm(blobPath(digest), { force: true });
		},
		async createUpload(id) {
			await mkdir(path.join(root, "uploads"), { recursive: true, mode: 0o700 });
			await writeFile(uploadPath(id), "", { mode: 0o600 });
		},
		async writeUpload(id, offset, source, signal) {
			const handle = await open(uploadPath(id), "r+");
			let written = 0;
			// Flushed while the body still arrives, so the closing fsync waits for the last few MiB only: flushed at the
			// end, a 64 MiB body kept its request waiting ~40 ms after the last byte. An error of an early flush is kept
			// and thrown, because the kernel reports a failed write-back once per open file, not again to the closing fsync.
			let flushing: Promise<void> | null = null;
			let flushError: unknown = null;
			let unflushed = 0;
			try {
				// A 1 MiB queue lets the stream batch its writes (writev): one thread-pool round trip per 64 KiB socket read
				// cost the upload a third more CPU.
				const sink = createWriteStream("", {
					fd: handle.fd,
					start: offset,
					autoClose: false,
					highWaterMark: 1 << 20,
				});
				source.on("data", (chunk: Buffer) => {
					written += chunk.length;
					unflushed += chunk.length;
					if (unflushed < flushEvery || flushing) return;
					unflushed = 0;
					flushing = handle
						.datasync()
						.catch((e: unknown) => {
							flushError ??= e;
						})
						.finally(() => {
							flushing = null;
						});
				});
				await pipeline(source, sink, { signal });
				await flushing;
				if (flushError) throw flushError;
				await handle.sync();
				// Bytes past this point came from an earlier, abandoned write: they are not part of the upload.
				await handle.truncate(offset + written);
			} finally {
				await handle.close();
			}
			return written;
		},
		async readUpload(id, length) {
			if (length === 0) return Readable.from([]);
			return createReadStream(uploadPath(id), { start: 0, end: length - 1 });
		},
		async commitUpload(id, size, digest) {
			const tmp = uploadPath(id);
			const handle = await open(tmp, "r+");
			try {
				await handle.truncate(size);
				await handle.sync();
			} finally {
				await handle.close();
			}
			await place(tmp, digest);
		},
		async deleteUpload(id) {
			await rm(uploadPath(id), { force: true });
		},
	};
}
