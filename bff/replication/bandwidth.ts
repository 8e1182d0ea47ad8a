import { Transform } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { type ForegroundGauge, foreground } from "../core/foreground.ts";

/**
 * Replication's bytes give way to clients' pushes and pulls. While the gauge says clients' blobs are in flight, every
 * replication stream of the process together passes at most `trickleBytes` per `tickMs` (2.5 MiB/s by default) in
 * pieces of at most `pieceBytes`: the copying that would compete with a push for the event loop, the disk and the
 * CPU nearly stops, yet never stalls outright (a registry pulled from all day still replicates, slowly), and goes
 * back to full speed within one tick once the clients are done. A shared budget rather than a wait per stream, so
 * a hundred tasks trickle no faster than one.
 */
export type BackgroundLane = {
	/** Resolves once `bytes` (best at most `pieceBytes`) may pass: at once while clients are idle. */
	pass(bytes: number, signal?: AbortSignal): Promise<void>;
	/**
	 * Waits, before a step that is not bytes (a manifest, a blob's requests), until clients are idle, at most
	 * `maxWaitMs`: small artifacts, which the trickle barely holds back, then give way too, and nothing waits forever.
	 */
	idle(signal?: AbortSignal): Promise<void>;
	/** Largest piece to ask for while clients are busy. */
	pieceBytes: number;
	gauge: ForegroundGauge;
};

export function createBackgroundLane(
	gauge: ForegroundGauge,
	opts: {
		trickleBytes?: number;
		tickMs?: number;
		pieceBytes?: number;
		maxWaitMs?: number;
	} = {},
): BackgroundLane {
	const tickMs = opts.tickMs ?? 100;
	const maxWaitMs = opts.maxWaitMs ?? 1000;
	const trickleBytes = opts.trickleBytes ?? 256 * 1024;
	const pieceBytes = Math.min(opts.pieceBytes ?? 64 * 1024, trickleBytes);
	let tick = -1;
	let left = 0;
	return {
		gauge,
		pieceBytes,
		async idle(signal) {
			for (
				const end = Date.now() + maxWaitMs;
				gauge.busy() && Date.now() < end;
			)
				await sleep(tickMs, undefined, { signal });
		},
		async pass(bytes, signal) {
			for (;;) {
				if (!gauge.busy()) return;
				const now = Date.now();
				const t = Math.floor(now / tickMs);
				// A piece passes while the tick has budget left; what it overdraws comes off the next tick's.
				if (t !== tick) {
					tick = t;
					left = Math.min(left, 0) + trickleBytes;
				}
				if (left > 0) {
					left -= bytes;
					return;
				}
				await sleep((t + 1) * tickMs - now, undefined, { signal });
			}
		},
	};
}

/** The process's lane, on the process's gauge (`bff/core/foreground.ts`). */
export const backgroundLane = createBackgroundLane(foreground);

/**
 * The pace of one task's blob bytes: each stream's bytes pass through `through()`. A bandwidth limit in KB/s
 * (Harbor's `speed`, 1 KB = 1024 bytes) is shared by every stream of the task, and together they never run ahead of
 * `speedKb` since the first byte; pieces of at most a tenth of a second's worth are let through at a time, so the rate
 * holds over short spans too. Zero or negative: no limit. Either way the bytes give way to clients through `lane`.
 */
export function createPacer(
	speedKb: number,
	signal?: AbortSignal,
	lane: BackgroundLane = backgroundLane,
) {
	const limited = speedKb > 0;
	const bytesPerMs = (speedKb * 1024) / 1000;
	const limitPiece = limited
		? Math.max(1024, Math.floor((speedKb * 1024) / 10))
		: Infinity;
	let started = 0;
	let passed = 0;

	async function limit(bytes: number) {
		if (!limited) return;
		if (!started) started = Date.now();
		passed += bytes;
		const wait = started + passed / bytesPerMs - Date.now();
		if (wait > 0) await sleep(wait, undefined, { signal });
	}

	return {
		/** Before a step that is not bytes: gives way to clients, briefly (the lane's `idle`). */
		idle: () => lane.idle(signal),
		through(): Transform {
			return new Transform({
				async transform(chunk: Buffer, _enc, done) {
					try {
						// Idle clients and no limit: the chunk goes on whole, at no cost but this check.
						const piece = lane.gauge.busy()
							? Math.min(limitPiece, lane.pieceBytes)
							: limitPiece;
						for (let at = 0; at < chunk.length; at += piece) {
							const part = chunk.subarray(at, at + piece);
							await lane.pass(part.length, signal);
							await limit(part.length);
							this.push(part);
						}
						done();
					} catch (e) {
						done(e as Error);
					}
				},
			});
		},
	};
}
