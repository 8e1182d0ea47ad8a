import {
	randomBytes,
	type ScryptOptions,
	scrypt as scryptCb,
	timingSafeEqual,
} from "node:crypto";
import bcrypt from "bcryptjs";
import pLimit from "p-limit";

/**
 * scrypt runs on libuv's pool of four threads, which also reads and writes every blob: a flood of password checks
 * once starved pulls (a 32 MiB GET went from 40 ms to 14 s). At most two hashes run at once; the rest wait their turn.
 */
const hashing = pLimit(2);

const scrypt = (
	password: string,
	salt: Buffer,
	keylen: number,
	opts: ScryptOptions,
) =>
	hashing(
		() =>
			new Promise<Buffer>((resolve, reject) =>
				scryptCb(password, salt, keylen, opts, (err, key) =>
					err ? reject(err) : resolve(key),
				),
			),
	);

/** OWASP's scrypt recommendation in its 16 MiB form (N=2^14, r=8, p=5: the same work as N=2^17, p=1, an eighth of the memory). */
const params = { N: 16384, r: 8, p: 5 };

/** scrypt, stored as `scrypt$N$r$p$salt$hash` so parameters can change later. */
export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await scrypt(password, salt, 32, params);
	return [
		"scrypt",
		params.N,
		params.r,
		params.p,
		salt.toString("base64"),
		key.toString("base64"),
	].join("$");
}

/** A bcrypt hash as Apache's `htpasswd -B` writes them (`$2y$`) and registry:2 reads them: imported users keep theirs until their first sign-in. */
export const isBcrypt = (stored: string) => /^\$2[aby]\$\d\d\$/.test(stored);

export async function verifyPassword(
	password: string,
	stored: string,
): Promise<boolean> {
	// Checked with bcryptjs, then replaced by scrypt at that sign-in (needsRehash): a bcrypt hash lives until first use.
	if (isBcrypt(stored)) return hashing(() => bcrypt.compare(password, stored));
	const [kind, n, r, p, salt, hash] = stored.split("$");
	if (kind !== "scrypt") return false;
	const expected = Buffer.from(hash, "base64");
	const key = await scrypt(
		password,
		Buffer.from(salt, "base64"),
		expected.length,
		{ N: Number(n), r: Number(r), p: Number(p) },
	);
	return timingSafeEqual(key, expected);
}

/** Whether a stored hash was made with other parameters than today's: it is replaced at the next successful sign-in. */
export function needsRehash(stored: string): boolean {
	const [kind, n, r, p] = stored.split("$");
	return (
		kind !== "scrypt" ||
		Number(n) !== params.N ||
		Number(r) !== params.r ||
		Number(p) !== params.p
	);
}

/** Harbor's rule: 8–128 characters with an upper-case letter, a lower-case letter and a digit. */
export function passwordProblem(password: string): string | null {
	if (password.length < 8 || password.length > 128)
		return "the password must be 8 to 128 characters long";
	if (
		!/[A-Z]/.test(password) ||
		!/[a-z]/.test(password) ||
		!/[0-9]/.test(password)
	) {
		return "the password must contain an upper-case letter, a lower-case letter and a digit";
	}
	return null;
}

/** A generated password that satisfies the rule. */
export function generatePassword(): string {
	return `Wh${randomBytes(15).toString("base64url")}7a`;
}
