import { LRUCache } from 'lru-cache';

/**
 * Slows password guessing: after `maxFailures` failures for one username from one address within the window, further
 * attempts are refused, before any hashing, until the window passes. An attempt counts as a failure from the moment
 * it starts (a success clears the count), so a burst of concurrent guesses cannot all slip in before the first one
 * fails. Kept in this process: a replica-wide limit needs Redis (later).
 */
export function createLoginThrottle(opts: { maxFailures?: number; windowMs?: number; lockedDelayMs?: number } = {}) {
  const maxFailures = opts.maxFailures ?? 10;
  const windowMs = opts.windowMs ?? 5 * 60_000;
  /** How long a refusal of a locked name waits before it answers (a tarpit for guessing loops). */
  const lockedDelayMs = opts.lockedDelayMs ?? 1000;
  const failures = new LRUCache<string, { count: number; since: number; refused?: boolean }>({ max: 100_000, ttl: windowMs });
  const key = (username: string, address: string) => `${username}\0${address}`;
  return {
    lockedDelayMs,
    /**
     * Starts an attempt: `ok`, or `locked` while the username is locked for this address. `first` tells the first
     * refusal of a lock from the rest, so a flood of refusals is audited once, not written row by row.
     */
    attempt(username: string, address: string): { ok: true } | { ok: false; first: boolean } {
      const k = key(username, address);
      const entry = failures.get(k) ?? { count: 0, since: Date.now() };
      if (entry.count >= maxFailures) {
        const first = !entry.refused;
        entry.refused = true;
        return { ok: false, first };
      }
      entry.count += 1;
      failures.set(k, entry, { ttl: Math.max(windowMs - (Date.now() - entry.since), 1) });
      return { ok: true };
    },
    succeeded(username: string, address: string) {
      failures.delete(key(username, address));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
