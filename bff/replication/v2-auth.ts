import { type Dispatcher, request } from "undici";
import { networkError, V2Error } from "./v2-errors.ts";

export type V2Credential = { username: string; password: string };

/** What `GET /v2/` asked for: nothing, basic credentials, or a bearer token from a realm (RFC 6750, distribution's token spec). */
export type Challenge =
	| { scheme: "none" }
	| { scheme: "basic" }
	| { scheme: "bearer"; realm: string; service?: string };

/** Reads a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export function parseChallenge(
	header: string | string[] | undefined,
): Challenge {
	const value = Array.isArray(header)
		? (header.find((h) => /^bearer/i.test(h)) ?? header[0])
		: header;
	if (!value) return { scheme: "none" };
	const [scheme] = value.trim().split(/\s+/, 1);
	if (scheme.toLowerCase() === "basic") return { scheme: "basic" };
	if (scheme.toLowerCase() !== "bearer") return { scheme: "none" };
	const params = new Map<string, string>();
	for (const m of value
		.slice(scheme.length)
		.matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g))
		params.set(m[1].toLowerCase(), m[2] ?? m[3]);
	const realm = params.get("realm");
	if (!realm) return { scheme: "none" };
	return { scheme: "bearer", realm, service: params.get("service") };
}

export const basicHeader = (c: V2Credential) =>
	`Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;

/**
 * Bearer tokens per scope set, kept until shortly before they expire: one token request per scope, not per call
 * (Docker Hub rate-limits token and login calls).
 */
export function createTokenCache(deps: {
	dispatcher: Dispatcher;
	credential: () => Promise<V2Credential | undefined>;
}) {
	const tokens = new Map<string, { token: string; until: number }>();
	const key = (scopes: string[]) => [...scopes].sort().join(" ");

	async function fetchToken(
		challenge: Extract<Challenge, { scheme: "bearer" }>,
		scopes: string[],
	): Promise<{ token: string; until: number }> {
		const url = new URL(challenge.realm);
		if (challenge.service) url.searchParams.set("service", challenge.service);
		for (const s of scopes) url.searchParams.append("scope", s);
		const credential = await deps.credential();
		let r: Dispatcher.ResponseData;
		try {
			r = await request(url, {
				dispatcher: deps.dispatcher,
				headers: credential ? { authorization: basicHeader(credential) } : {},
			});
		} catch (e) {
			throw networkError(url.origin, e);
		}
		if (r.statusCode === 401 || r.statusCode === 403) {
			await r.body.dump();
			throw new V2Error(
				"unauthorized",
				`the token service ${url.origin}${url.pathname} refused the credentials (${r.statusCode})`,
				r.statusCode,
			);
		}
		if (r.statusCode !== 200) {
			await r.body.dump();
			throw new V2Error(
				"http",
				`the token service ${url.origin}${url.pathname} answered ${r.statusCode}`,
				r.statusCode,
			);
		}
		const body = (await r.body.json().catch(() => ({}))) as {
			token?: string;
			access_token?: string;
			expires_in?: number;
		};
		const token = body.token ?? body.access_token;
		if (!token)
			throw new V2Error(
				"http",
				`the token service ${url.origin}${url.pathname} answered no token`,
			);
		// The spec's default lifetime is 60 s; a token is dropped 10 s early so none expires in flight.
		return {
			token,
			until: Date.now() + Math.max(5, (body.expires_in ?? 60) - 10) * 1000,
		};
	}

	return {
		async token(
			challenge: Extract<Challenge, { scheme: "bearer" }>,
			scopes: string[],
		): Promise<string> {
			const k = key(scopes);
			const held = tokens.get(k);
			if (held && held.until > Date.now()) return held.token;
			const fresh = await fetchToken(challenge, scopes);
			tokens.set(k, fresh);
			return fresh.token;
		},
		forget(scopes: string[]) {
			tokens.delete(key(scopes));
		},
	};
}
