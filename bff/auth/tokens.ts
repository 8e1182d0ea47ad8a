import { createPublicKey, randomBytes } from "node:crypto";
import {
	type CryptoKey,
	exportPKCS8,
	generateKeyPair,
	importPKCS8,
	importSPKI,
	jwtVerify,
	SignJWT,
} from "jose";
import { LRUCache } from "lru-cache";
import { type Db, now } from "../db/database.ts";
import type { Principal } from "./policy.ts";
import type { SecretBox } from "./secrets.ts";

export type AccessEntry = { type: string; name: string; actions: string[] };
export type TokenClaims = { sub: string; access: AccessEntry[]; exp: number };

/**
 * A token names its principal by kind and id (`user:12`, `robot:5`, or `anonymous`), never by name: a new account
 * that takes a deleted one's name must not inherit its tokens.
 */
export const subjectOf = (p: Principal) =>
	p.kind === "anonymous" ? "anonymous" : `${p.kind}:${p.id}`;

/** The kind and id a subject names, or null for anonymous and anything that is not a subject of ours. */
export function parseSubject(
	sub: string,
): { kind: "user" | "robot"; id: number } | null {
	const m = /^(user|robot):([1-9][0-9]{0,15})$/.exec(sub);
	return m ? { kind: m[1] as "user" | "robot", id: Number(m[2]) } : null;
}

const issuer = "harbor-token-issuer";
const alg = "RS256";

/**
 * Registry bearer tokens (Harbor's shape: RS256, `kid`, iss harbor-token-issuer, aud = service, `access` list).
 * The signing key is generated at first start and kept, encrypted, in the database, so every replica shares it.
 */
export async function createTokenService(deps: {
	db: Db;
	box: SecretBox;
	service: string;
	expirySeconds: () => Promise<number>;
}) {
	const { db, box, service, expirySeconds } = deps;
	let row = await db
		.selectFrom("signing_keys")
		.selectAll()
		.orderBy("creation_time", "desc")
		.executeTakeFirst();
	if (!row) {
		const { privateKey } = await generateKeyPair(alg, {
			extractable: true,
			modulusLength: 2048,
		});
		const kid = randomBytes(12).toString("base64url");
		await db
			.insertInto("signing_keys")
			.values({
				kid,
				private_key: box.seal(await exportPKCS8(privateKey)),
				creation_time: now(),
			})
			.onConflict((oc) => oc.column("kid").doNothing())
			.execute();
		row = await db
			.selectFrom("signing_keys")
			.selectAll()
			.orderBy("creation_time", "desc")
			.executeTakeFirstOrThrow();
	}
	const kid = row.kid;
	const privatePem = box.open(row.private_key);
	const privateKey = await importPKCS8(privatePem, alg);
	const publicPem = createPublicKey(privatePem)
		.export({ type: "spki", format: "pem" })
		.toString();
	const publicKey: CryptoKey = await importSPKI(publicPem, alg);
	// Verification is cached per token: RSA verification on every blob GET is needless work. Bounded by bytes: anyone
	// can get a token with many scopes, so an entry's size is the caller's choice.
	const verified = new LRUCache<string, TokenClaims>({
		maxSize: 32 * 1024 * 1024,
		sizeCalculation: (claims, token) =>
			token.length + JSON.stringify(claims.access).length + 64,
	});

	return {
		/** A token for `subject`, living `token_expiration` as set when it is issued. */
		async issue(subject: string, access: AccessEntry[]) {
			const expiresIn = await expirySeconds();
			const issuedAt = Math.floor(Date.now() / 1000);
			const token = await new SignJWT({ access })
				.setProtectedHeader({ alg, kid, typ: "JWT" })
				.setIssuer(issuer)
				.setSubject(subject)
				.setAudience(service)
				.setIssuedAt(issuedAt)
				.setNotBefore(issuedAt - 10)
				.setExpirationTime(issuedAt + expiresIn)
				.setJti(randomBytes(12).toString("base64url"))
				.sign(privateKey);
			return {
				token,
				issuedAt: new Date(issuedAt * 1000).toISOString(),
				expiresIn,
			};
		},
		/** The token's claims, or null when it is not one of ours, expired, or for another service. */
		async verify(token: string): Promise<TokenClaims | null> {
			const cached = verified.get(token);
			if (cached) return cached.exp * 1000 > Date.now() ? cached : null;
			try {
				// A token without an expiry or a subject is none of ours, whatever its signature.
				const { payload } = await jwtVerify(token, publicKey, {
					issuer,
					audience: service,
					clockTolerance: 30,
					requiredClaims: ["exp", "sub"],
				});
				const claims = {
					sub: String(payload.sub),
					access: (payload.access as AccessEntry[]) ?? [],
					exp: payload.exp!,
				};
				verified.set(token, claims);
				return claims;
			} catch {
				return null;
			}
		},
	};
}

export type TokenService = Awaited<ReturnType<typeof createTokenService>>;
