import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A bandwidth limit in KB/s (Harbor's `speed`, 1 KB = 1024 bytes) shared by every stream of one task: each stream's
 * bytes pass through `through()`, and together they never run ahead of `speedKb` since the first byte. Pieces of at
 * most a tenth of a second's worth are let through at a time, so the rate holds over short spans too. Zero or
 * negative: unlimited (`through()` answers null).
 */
export function createPacer(speedKb: number, signal?: AbortSignal) {
  if (!(speedKb > 0)) return { through: () => null };
  const bytesPerMs = (speedKb * 1024) / 1000;
  const piece = Math.max(1024, Math.floor(speedKb * 1024 / 10));
  let started = 0;
  let passed = 0;

  return {
    through(): Transform {
      return new Transform({
        async transform(chunk: Buffer, _enc, done) {
          try {
            if (!started) started = Date.now();
            for (let at = 0; at < chunk.length; at += piece) {
              const part = chunk.subarray(at, at + piece);
              passed += part.length;
              const due = started + passed / bytesPerMs;
              const wait = due - Date.now();
              if (wait > 0) await sleep(wait, undefined, { signal });
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
