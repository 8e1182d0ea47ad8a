import { LRUCache } from 'lru-cache';

/**
 * Slows password guessing: after `maxFailures` failures for one username from one address within the window, further
 * attempts are refused until the window passes. Kept in this process: a replica-wide limit needs Redis (later).
 */
export function createLoginThrottle(opts: { maxFailures?: number; windowMs?: number } = {}) {
  const maxFailures = opts.maxFailures ?? 10;
  const windowMs = opts.windowMs ?? 5 * 60_000;
  const failures = new LRUCache<string, { count: number; since: number }>({ max: 100_000, ttl: windowMs });
  const key = (username: string, address: string) => `${username}\0${address}`;
  return {
    blocked(username: string, address: string) {
      return (failures.get(key(username, address))?.count ?? 0) >= maxFailures;
    },
    failed(username: string, address: string) {
      const k = key(username, address);
      const entry = failures.get(k) ?? { count: 0, since: Date.now() };
      entry.count += 1;
      failures.set(k, entry, { ttl: Math.max(windowMs - (Date.now() - entry.since), 1) });
    },
    succeeded(username: string, address: string) {
      failures.delete(key(username, address));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
