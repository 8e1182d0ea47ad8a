import type { FileHandle } from "node:fs/promises";
import type { Writable } from "node:stream";

const chunkBytes = 1 << 20;

/**
 * Writes bytes [start, end) of an open file into `sink` through two reused 1 MiB buffers: one is read from disk while
 * the other is being flushed, and a buffer is read into again only once the sink has flushed it. A read stream
 * allocates a fresh buffer per chunk instead; on a blob GET that halved the throughput (bff/bench).
 */
export async function sendFileRange(
	handle: FileHandle,
	sink: Writable,
	start: number,
	end: number,
	signal?: AbortSignal,
) {
	const size = Math.max(1, Math.min(chunkBytes, end - start));
	const buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
	const flushed: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
	for (let pos = start, i = 0; pos < end; i ^= 1) {
		await flushed[i];
		signal?.throwIfAborted();
		const { bytesRead } = await handle.read(
			buffers[i],
			0,
			Math.min(size, end - pos),
			pos,
		);
		if (bytesRead === 0)
			throw new Error(`file ended at ${pos} bytes, ${end} expected`);
		pos += bytesRead;
		flushed[i] = flush(sink, buffers[i].subarray(0, bytesRead), signal);
		flushed[i].catch(() => {}); // awaited later; a failure while the other buffer is awaited is not unhandled
	}
	await Promise.all(flushed);
}

/** Resolves when the sink has flushed `chunk` (Writable's write callback), or rejects when it fails or the signal fires. */
function flush(
	sink: Writable,
	chunk: Buffer,
	signal?: AbortSignal,
): Promise<void> {
	return new Promise((resolve, reject) => {
		const aborted = () => reject(signal!.reason);
		signal?.addEventListener("abort", aborted, { once: true });
		sink.write(chunk, (e) => {
			signal?.removeEventListener("abort", aborted);
			if (e) reject(e);
			else resolve();
		});
	});
}
