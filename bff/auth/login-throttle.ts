import { LRUCache } from 'lru-cache';

/**
 * Slows password guessing: after `maxFailures` failures for one username from one address within the window, further
 * attempts are refused, before any hashing, until the window passes. An attempt counts as a failure from the moment
 * it starts (a success clears the count), so a burst of concurrent guesses cannot all slip in before the first one
 * fails. Kept in this process: a replica-wide limit needs Redis (later).
 */
export function createLoginThrottle(opts: { maxFailures?: number; windowMs?: number } = {}) {
  const maxFailures = opts.maxFailures ?? 10;
  const windowMs = opts.windowMs ?? 5 * 60_000;
  const failures = new LRUCache<string, { count: number; since: number }>({ max: 100_000, ttl: windowMs });
  const key = (username: string, address: string) => `${username}\0${address}`;
  return {
    maxFailures,
    /** Starts an attempt: false (refused) while the username is locked for this address. */
    attempt(username: string, address: string): boolean {
      const k = key(username, address);
      const entry = failures.get(k) ?? { count: 0, since: Date.now() };
      if (entry.count >= maxFailures) return false;
      entry.count += 1;
      failures.set(k, entry, { ttl: Math.max(windowMs - (Date.now() - entry.since), 1) });
      return true;
    },
    succeeded(username: string, address: string) {
      failures.delete(key(username, address));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
