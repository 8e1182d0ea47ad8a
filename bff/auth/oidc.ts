import { LRUCache } from "lru-cache";
import * as client from "openid-client";
import { RE2JS } from "re2js";
import { Agent, fetch as undiciFetch } from "undici";

/** The OIDC settings as sign-in takes them (Harbor's `oidc_*` keys), the client secret opened. */
export type OidcConfig = {
	name: string;
	endpoint: string;
	clientId: string;
	clientSecret: string;
	/** Harbor's comma-separated `oidc_scope`; `openid` is always asked for. */
	scope: string;
	verifyCert: boolean;
	autoOnboard: boolean;
	/** The claim that names the user here; empty: `name`, as Harbor. */
	userClaim: string;
	groupsClaim: string;
	adminGroup: string;
	/** An RE2 expression: only the groups it matches become user groups. */
	groupFilter: string;
	extraRedirectParams: Record<string, string>;
	logout: boolean;
};

/** What a provider said of a person at sign-in, as Wharf keeps it. */
export type OidcPerson = {
	/** `sub` then `iss`, as Harbor's oidc_user.subiss. */
	subiss: string;
	username: string;
	email: string;
	realname: string;
	/** The groups of the groups claim that pass the filter. */
	groups: string[];
	/** Whether the groups claim names the admin group. */
	admin: boolean;
};

/** What a sign-in holds between the redirect to the provider and the callback (sealed in a cookie). */
export type PendingLogin = {
	state: string;
	nonce: string;
	verifier: string;
	/** Where in the console to go once signed in. */
	next: string;
};

/** A problem with what the provider answered or the person it named: the sign-in is refused with these words. */
export class OidcRefusal extends Error {}

const scopesOf = (scope: string) => {
	const list = scope
		.split(/[\s,]+/)
		.map((s) => s.trim())
		.filter(Boolean);
	return [...new Set(["openid", ...list])].join(" ");
};

/** A claim's value as a list of names: an array of strings, or one string. */
const namesOf = (value: unknown): string[] =>
	Array.isArray(value)
		? value.filter((v): v is string => typeof v === "string" && v !== "")
		: typeof value === "string" && value !== ""
			? [value]
			: [];

/**
 * The provider's side of OIDC through openid-client: discovery (kept ten minutes per provider and client), the
 * authorization code flow with PKCE, state and nonce, the claims, and the end-session URL.
 */
export function createOidcClient() {
	const insecure = new Agent({ connect: { rejectUnauthorized: false } });
	const configs = new LRUCache<string, client.Configuration>({
		max: 16,
		ttl: 600_000,
	});
	const options = (
		endpoint: string,
		verifyCert: boolean,
	): client.DiscoveryRequestOptions => ({
		timeout: 10,
		// A provider on plain http (on the same host, or in tests) is the admin's choice, as Harbor allows it.
		execute:
			new URL(endpoint).protocol === "http:"
				? [client.allowInsecureRequests]
				: [],
		// oidc_verify_cert false: a provider with a self-signed certificate.
		[client.customFetch]: verifyCert
			? undefined
			: (input: string, init: client.CustomFetchOptions) =>
					undiciFetch(input, {
						...(init as object),
						dispatcher: insecure,
					}) as unknown as Promise<Response>,
	});
	const discover = async (cfg: OidcConfig) => {
		const key = JSON.stringify([
			cfg.endpoint,
			cfg.clientId,
			cfg.clientSecret,
			cfg.verifyCert,
		]);
		const known = configs.get(key);
		if (known) return known;
		const found = await client.discovery(
			new URL(cfg.endpoint),
			cfg.clientId,
			cfg.clientSecret || undefined,
			cfg.clientSecret
				? client.ClientSecretBasic(cfg.clientSecret)
				: client.None(),
			options(cfg.endpoint, cfg.verifyCert),
		);
		configs.set(key, found);
		return found;
	};

	return {
		discover,
		/** Whether a provider answers its discovery document at `endpoint` (its issuer), as the ping asks. */
		async ping(endpoint: string, verifyCert: boolean): Promise<void> {
			await client.discovery(
				new URL(endpoint),
				"wharf-ping",
				undefined,
				client.None(),
				options(endpoint, verifyCert),
			);
		},
		/** The provider's authorization URL for a new sign-in, and what the callback must find again. */
		async start(
			cfg: OidcConfig,
			redirectUri: string,
			next: string,
		): Promise<{ url: URL; pending: PendingLogin }> {
			const config = await discover(cfg);
			const pending: PendingLogin = {
				state: client.randomState(),
				nonce: client.randomNonce(),
				verifier: client.randomPKCECodeVerifier(),
				next,
			};
			const url = client.buildAuthorizationUrl(config, {
				...cfg.extraRedirectParams,
				redirect_uri: redirectUri,
				scope: scopesOf(cfg.scope),
				state: pending.state,
				nonce: pending.nonce,
				code_challenge: await client.calculatePKCECodeChallenge(
					pending.verifier,
				),
				code_challenge_method: "S256",
			});
			return { url, pending };
		},

		/**
		 * The callback: the code exchanged (its state, nonce and PKCE verifier checked), the ID token's claims completed
		 * by the userinfo endpoint's (the ID token's win), and the ID token itself.
		 */
		async finish(
			cfg: OidcConfig,
			callbackUrl: URL,
			pending: PendingLogin,
		): Promise<{ claims: Record<string, unknown>; idToken: string }> {
			const config = await discover(cfg);
			const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
				pkceCodeVerifier: pending.verifier,
				expectedState: pending.state,
				expectedNonce: pending.nonce,
				idTokenExpected: true,
			});
			const id = tokens.claims();
			if (!id || !tokens.id_token)
				throw new OidcRefusal("the provider answered no ID token");
			let info: Record<string, unknown> = {};
			if (config.serverMetadata().userinfo_endpoint)
				info = await client.fetchUserInfo(config, tokens.access_token, id.sub);
			return { claims: { ...info, ...id }, idToken: tokens.id_token };
		},

		/** The provider's end-session URL (RP-initiated logout), or null when it has none. */
		async endSession(
			cfg: OidcConfig,
			idToken: string | null,
			after: string,
		): Promise<string | null> {
			const config = await discover(cfg);
			if (!config.serverMetadata().end_session_endpoint) return null;
			return client
				.buildEndSessionUrl(config, {
					...(idToken ? { id_token_hint: idToken } : {}),
					client_id: cfg.clientId,
					post_logout_redirect_uri: after,
				})
				.toString();
		},
	};
}

export type OidcClient = ReturnType<typeof createOidcClient>;

/** The person the claims name, by the settings: username by `oidc_user_claim` (else `name`), groups filtered. */
export function personOf(
	cfg: OidcConfig,
	claims: Record<string, unknown>,
): OidcPerson {
	const claim = cfg.userClaim || "name";
	const username = claims[claim];
	if (typeof username !== "string" || username === "")
		throw new OidcRefusal(
			`the provider's claims have no ${claim} to name the user by (oidc_user_claim)`,
		);
	const all = cfg.groupsClaim ? namesOf(claims[cfg.groupsClaim]) : [];
	const filter = cfg.groupFilter ? RE2JS.compile(cfg.groupFilter) : null;
	return {
		subiss: `${String(claims.sub)}${String(claims.iss)}`,
		username,
		email: typeof claims.email === "string" ? claims.email : "",
		realname: typeof claims.name === "string" ? claims.name : username,
		groups: filter ? all.filter((g) => filter.matcher(g).find()) : all,
		admin: !!cfg.adminGroup && all.includes(cfg.adminGroup),
	};
}
