import { Transform } from "node:stream";

/**
 * Passes bytes on at no more than `bytesPerSecond` on average (a token bucket holding one second of bytes): each chunk
 * waits until the bucket has paid for it, so the upstream is read no faster (backpressure does the rest).
 */
export function throttle(bytesPerSecond: number): Transform {
	let allowance = bytesPerSecond;
	let last = Date.now();
	return new Transform({
		transform(chunk: Buffer, _enc, done) {
			const now = Date.now();
			allowance = Math.min(
				bytesPerSecond,
				allowance + ((now - last) / 1000) * bytesPerSecond,
			);
			last = now;
			allowance -= chunk.length;
			if (allowance >= 0) {
				done(null, chunk);
				return;
			}
			setTimeout(() => done(null, chunk), (-allowance / bytesPerSecond) * 1000);
		},
	});
}
