import { PassThrough, type Readable, Transform } from "node:stream";

/**
 * One pass over an upstream blob: what `source` yields goes to whoever reads the returned stream and, as it flows, into
 * `store` (the upload service, which hashes and writes it). The reader sets the pace; the store slows it only while its
 * own buffer is full. A store that fails stops being fed and the reader still gets every byte; a reader that leaves
 * early (the stream destroyed before its end) aborts the store, which then discards what it had (`stored` is false).
 */
export function storeWhileStreaming(
	source: Readable,
	store: (bytes: Readable, signal: AbortSignal) => Promise<unknown>,
): { stream: Readable; stored: Promise<boolean> } {
	// 8 MiB of slack: the client is not held up while the store sets its upload up (a few database round trips).
	const side = new PassThrough({ highWaterMark: 8 << 20 });
	// The store pipes `side` onwards, and a pipe does not pass a destroy on: the signal tells the store to give up.
	const abort = new AbortController();
	let feeding = true;
	let ended = false;
	let waiting: (() => void) | null = null;
	const release = () => {
		const w = waiting;
		waiting = null;
		w?.();
	};
	const stored = store(side, abort.signal).then(
		() => true,
		() => {
			feeding = false;
			side.destroy();
			release();
			return false;
		},
	);
	side.on("error", () => {
		/* the store's own failure, seen through `stored` */
	});
	side.on("drain", release);
	side.on("close", release);

	const stream = new Transform({
		transform(chunk: Buffer, _enc, done) {
			if (!feeding || side.destroyed) {
				done(null, chunk);
				return;
			}
			if (side.write(chunk)) {
				done(null, chunk);
				return;
			}
			waiting = () => done(null, chunk);
		},
		flush(done) {
			ended = true;
			if (feeding && !side.destroyed) side.end();
			done();
		},
		destroy(err, done) {
			if (!ended) {
				feeding = false;
				const why =
					err ?? new Error("the client left before the blob was whole");
				abort.abort(why);
				side.destroy(why);
				source.destroy();
				release();
			}
			done(err);
		},
	});
	source.on("error", (e) => stream.destroy(e));
	source.pipe(stream);
	return { stream, stored };
}
