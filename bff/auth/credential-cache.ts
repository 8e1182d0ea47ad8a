import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { verifyPassword } from "./passwords.ts";

/**
 * scrypt on every /v2 request would eat the CPU: a successful check is remembered briefly, keyed by a hash of the
 * credential, and only while the stored hash is unchanged, so a new password or secret ends the old one at once.
 */
export function createCredentialCache(ttlMs = 60_000) {
	// A credential in steady use stays remembered (each use renews it); one unused for `ttlMs` is hashed again.
	const verified = new LRUCache<string, string>({
		max: 10_000,
		ttl: ttlMs,
		updateAgeOnGet: true,
	});
	const keyOf = (name: string, secret: string) =>
		createHash("sha256")
			.update(name)
			.update("\0")
			.update(secret)
			.digest("base64");
	return {
		async check(
			name: string,
			secret: string,
			storedHash: string,
		): Promise<boolean> {
			const key = keyOf(name, secret);
			if (verified.get(key) === storedHash) return true;
			if (!(await verifyPassword(secret, storedHash))) return false;
			verified.set(key, storedHash);
			return true;
		},
		/** Whether this credential passed lately against this stored hash: no hashing, so it may run before the throttle. */
		remembers: (name: string, secret: string, storedHash: string) =>
			verified.get(keyOf(name, secret)) === storedHash,
		clear: () => verified.clear(),
	};
}
