import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createForegroundGauge } from "../core/foreground.ts";
import { createBackgroundLane, createPacer } from "./bandwidth.ts";

const KiB = 1024;

/** Streams `bytes` in 64 KiB chunks through a pacer's stream; `passed` counts what came out. */
function flow(pacer: ReturnType<typeof createPacer>, bytes: number) {
	const state = { passed: 0 };
	const chunks = (function* () {
		for (let at = 0; at < bytes; at += 64 * KiB)
			yield Buffer.alloc(Math.min(64 * KiB, bytes - at));
	})();
	const sink = new Writable({
		write(chunk: Buffer, _enc, done) {
			state.passed += chunk.length;
			done();
		},
	});
	const done = pipeline(Readable.from(chunks), pacer.through(), sink);
	return { state, done };
}

describe("replication's bytes give way to clients' transfers", () => {
	it("trickles a shared budget while the gauge is busy, and flows in full once it is idle", async () => {
		const gauge = createForegroundGauge({ graceMs: 0 });
		const lane = createBackgroundLane(gauge, {
			trickleBytes: 32 * KiB,
			tickMs: 100,
			pieceBytes: 16 * KiB,
		});
		const end = gauge.begin();
		// Two tasks' streams at once share the one trickle.
		const a = flow(createPacer(-1, undefined, lane), 8 * 1024 * KiB);
		const b = flow(createPacer(-1, undefined, lane), 8 * 1024 * KiB);
		const t0 = Date.now();
		await sleep(500);
		const held = a.state.passed + b.state.passed;
		const ticks = Math.ceil((Date.now() - t0) / 100) + 1;
		// Never stalled outright, and together never more than the budget of the ticks that went by (of 16 MiB).
		expect(held).toBeGreaterThan(0);
		expect(held).toBeLessThanOrEqual(ticks * 32 * KiB);
		end();
		await Promise.all([a.done, b.done]);
		expect(a.state.passed + b.state.passed).toBe(16 * 1024 * KiB);
	});

	it("passes chunks whole and at once while clients are idle", async () => {
		const gauge = createForegroundGauge({ graceMs: 0 });
		const lane = createBackgroundLane(gauge, {
			trickleBytes: 1 * KiB,
			tickMs: 1000,
		});
		const t0 = Date.now();
		const a = flow(createPacer(-1, undefined, lane), 4 * 1024 * KiB);
		await a.done;
		expect(a.state.passed).toBe(4 * 1024 * KiB);
		// 4 MiB at 1 KiB/s would take an hour: a coarse bound tells idle from trickling.
		expect(Date.now() - t0).toBeLessThan(30_000);
	});

	it("gives way even under a speed limit, and a stop ends a stream held back", async () => {
		const gauge = createForegroundGauge({ graceMs: 0 });
		const lane = createBackgroundLane(gauge, {
			trickleBytes: 16 * KiB,
			tickMs: 100,
		});
		const stop = new AbortController();
		gauge.begin();
		const a = flow(createPacer(100_000, stop.signal, lane), 4 * 1024 * KiB);
		await sleep(300);
		expect(a.state.passed).toBeLessThanOrEqual(8 * 16 * KiB);
		stop.abort(new Error("job stopped"));
		await expect(a.done).rejects.toThrow(/job stopped|aborted/);
	});

	it("holds a step that is not bytes while clients are busy, at most maxWaitMs, and lets it go once they are done", async () => {
		const gauge = createForegroundGauge({ graceMs: 0 });
		const lane = createBackgroundLane(gauge, { tickMs: 10, maxWaitMs: 60_000 });
		await lane.idle(); // idle clients: at once
		const end = gauge.begin();
		let released = false;
		const waiting = lane.idle().then(() => {
			released = true;
		});
		await sleep(200);
		expect(released).toBe(false);
		end();
		await waiting;
		// Busy for good: the cap lets it go.
		gauge.begin();
		await createBackgroundLane(gauge, { tickMs: 10, maxWaitMs: 100 }).idle();
	});
});
