import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";

export type ThrottleOptions = {
	maxFailures?: number;
	windowMs?: number;
	lockedDelayMs?: number;
};

/** One attempt's verdict: `ok`, or refused; `first` tells the first refusal of a lock from the rest. */
export type AttemptVerdict = { ok: true } | { ok: false; first: boolean };

/**
 * Slows password guessing: after `maxFailures` failures for one username from one address within the window, further
 * attempts are refused, before any hashing, until the window passes. An attempt counts as a failure from the moment
 * it starts (a success clears the count), so a burst of concurrent guesses cannot all slip in before the first one
 * fails. Two stores: this process's memory, or Redis when replicas share one (then the count is the replicas').
 */
export type LoginThrottle = {
	/** How long a refusal of a locked name waits before it answers (a tarpit for guessing loops). */
	lockedDelayMs: number;
	attempt(username: string, address: string): Promise<AttemptVerdict>;
	succeeded(username: string, address: string): Promise<void>;
};

const defaults = (opts: ThrottleOptions) => ({
	maxFailures: opts.maxFailures ?? 10,
	windowMs: opts.windowMs ?? 5 * 60_000,
	lockedDelayMs: opts.lockedDelayMs ?? 1000,
});
const key = (username: string, address: string) => `${username}\0${address}`;

export function createLoginThrottle(opts: ThrottleOptions = {}): LoginThrottle {
	const { maxFailures, windowMs, lockedDelayMs } = defaults(opts);
	const failures = new LRUCache<
		string,
		{ count: number; since: number; refused?: boolean }
	>({ max: 100_000, ttl: windowMs });
	return {
		lockedDelayMs,
		async attempt(username, address) {
			const k = key(username, address);
			const entry = failures.get(k) ?? { count: 0, since: Date.now() };
			if (entry.count >= maxFailures) {
				const first = !entry.refused;
				entry.refused = true;
				return { ok: false, first };
			}
			entry.count += 1;
			failures.set(k, entry, {
				ttl: Math.max(windowMs - (Date.now() - entry.since), 1),
			});
			return { ok: true };
		},
		async succeeded(username, address) {
			failures.delete(key(username, address));
		},
	};
}

// One round trip, atomic across replicas: count the attempt (the window starts with the first), and past the limit
// note the refusal once. Answers [count, first refusal (1) or not (0)].
const attemptScript = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n <= tonumber(ARGV[2]) then return {n, 0} end
local first = redis.call('SET', KEYS[2], '1', 'NX', 'PX', redis.call('PTTL', KEYS[1]))
return {n, first and 1 or 0}`;

/** The same throttle with its counts in Redis under `prefix`, shared by every replica on it. */
export function createRedisLoginThrottle(
	redis: Redis,
	prefix: string,
	opts: ThrottleOptions = {},
): LoginThrottle {
	const { maxFailures, windowMs, lockedDelayMs } = defaults(opts);
	const keys = (username: string, address: string) => {
		const k = `${prefix}:login-throttle:${Buffer.from(key(username, address)).toString("base64url")}`;
		return [k, `${k}:refused`];
	};
	return {
		lockedDelayMs,
		async attempt(username, address) {
			const [n, first] = (await redis.eval(
				attemptScript,
				2,
				...keys(username, address),
				windowMs,
				maxFailures,
			)) as [number, number];
			return n <= maxFailures
				? { ok: true }
				: { ok: false, first: first === 1 };
		},
		async succeeded(username, address) {
			await redis.del(...keys(username, address));
		},
	};
}
