import { createHash, type Hash } from "node:crypto";
import { Transform } from "node:stream";
import { RegistryError } from "./errors.ts";

export type DigestAlgorithm = "sha256" | "sha512";
const hexLength: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/** Parses `algorithm:hex`; anything else (another algorithm, wrong length, upper case) is DIGEST_INVALID. */
export function parseDigest(value: string): {
	algorithm: DigestAlgorithm;
	hex: string;
	digest: string;
} {
	const m = /^(sha256|sha512):([a-f0-9]+)$/.exec(value);
	if (!m || m[2].length !== hexLength[m[1] as DigestAlgorithm]) {
		throw new RegistryError(
			"DIGEST_INVALID",
			`invalid digest: ${value.slice(0, 160)}`,
		);
	}
	return { algorithm: m[1] as DigestAlgorithm, hex: m[2], digest: value };
}

export const isDigest = (value: string) =>
	/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(value);

export function digestOf(
	data: Buffer,
	algorithm: DigestAlgorithm = "sha256",
): string {
	return `${algorithm}:${createHash(algorithm).update(data).digest("hex")}`;
}

export const finishDigest = (hash: Hash, algorithm: DigestAlgorithm) =>
	`${algorithm}:${hash.copy().digest("hex")}`;

/** A pass-through stream that feeds every byte into `hash` on its way. */
export function hashing(hash: Hash): Transform {
	return new Transform({
		transform(chunk: Buffer, _enc, done) {
			hash.update(chunk);
			done(null, chunk);
		},
	});
}
