import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Encrypts secrets at rest (AES-256-GCM) under the master key. */
export type SecretBox = {
	seal(plain: string): string;
	open(sealed: string): string;
};

/** The master key: given in the config, else generated once into the data folder (mode 0600). */
export function loadMasterKey(dataDir: string, given?: string): Buffer {
	if (given) {
		const key = Buffer.from(given, "base64");
		if (key.length !== 32)
			throw new Error("WHARF_MASTER_KEY must be 32 bytes, base64-encoded");
		return key;
	}
	const file = path.join(dataDir, "master.key");
	if (existsSync(file))
		return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
	mkdirSync(dataDir, { recursive: true });
	const key = randomBytes(32);
	writeFileSync(file, key.toString("base64"), { mode: 0o600, flag: "wx" });
	return key;
}

export function createSecretBox(key: Buffer): SecretBox {
	return {
		seal(plain) {
			const iv = randomBytes(12);
			const cipher = createCipheriv("aes-256-gcm", key, iv);
			const body = Buffer.concat([
				cipher.update(plain, "utf8"),
				cipher.final(),
			]);
			return [
				"v1",
				iv.toString("base64"),
				cipher.getAuthTag().toString("base64"),
				body.toString("base64"),
			].join(":");
		},
		open(sealed) {
			const [version, iv, tag, body] = sealed.split(":");
			if (version !== "v1") throw new Error("unknown secret format");
			const decipher = createDecipheriv(
				"aes-256-gcm",
				key,
				Buffer.from(iv, "base64"),
			);
			decipher.setAuthTag(Buffer.from(tag, "base64"));
			return Buffer.concat([
				decipher.update(Buffer.from(body, "base64")),
				decipher.final(),
			]).toString("utf8");
		},
	};
}
