import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import Provider, { type Account } from "oidc-provider";
import { Agent, fetch as undiciFetch } from "undici";

export type OidcPersonFixture = {
	id: string;
	name: string;
	email: string;
	groups: string[];
};

/**
 * A real OpenID provider (node-oidc-provider, as an identity team would run one) on a free 127.0.0.1 port, with one
 * confidential client that must use PKCE, and its own login and consent pages (the library's development
 * interactions: any password signs the named account in). People are looked up by the login name.
 */
export async function startOidcServer(opts: {
	people: OidcPersonFixture[];
	redirectUri: string;
	postLogoutRedirectUri: string;
	/** Serve HTTPS with this key and certificate (PEM), e.g. a self-signed one. */
	tls?: { key: Buffer; cert: Buffer };
}) {
	const server = opts.tls ? https.createServer(opts.tls) : http.createServer();
	await new Promise<void>((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve()),
	);
	const port = (server.address() as AddressInfo).port;
	const issuer = `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
	const client = { id: "wharf", secret: "Client-Secret-1" };
	const people = new Map(opts.people.map((p) => [p.id, p]));
	const provider = new Provider(issuer, {
		clients: [
			{
				client_id: client.id,
				client_secret: client.secret,
				redirect_uris: [opts.redirectUri],
				post_logout_redirect_uris: [opts.postLogoutRedirectUri],
				grant_types: ["authorization_code"],
				response_types: ["code"],
			},
		],
		pkce: { required: () => true },
		scopes: ["openid", "profile", "email", "groups"],
		claims: {
			openid: ["sub"],
			profile: ["name", "preferred_username"],
			email: ["email"],
			groups: ["groups"],
		},
		features: { devInteractions: { enabled: true } },
		cookies: { keys: ["wharf-test-cookie-key"] },
		async findAccount(_ctx: unknown, id: string): Promise<Account | undefined> {
			const p = people.get(id);
			if (!p) return undefined;
			return {
				accountId: id,
				async claims() {
					return {
						sub: id,
						name: p.name,
						preferred_username: id,
						email: p.email,
						groups: p.groups,
					};
				},
			};
		},
	});
	// The development interactions say so once on stderr; that is what they are here for.
	provider.on("server_error", (_ctx, err) => {
		console.error("oidc-provider:", err);
	});
	server.on("request", provider.callback());
	return {
		issuer,
		client,
		people,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export type OidcServer = Awaited<ReturnType<typeof startOidcServer>>;

/** Cookies per host, as a browser keeps them (paths ignored: the sites here do not reuse names across paths). */
export function cookieJar() {
	const jars = new Map<string, Map<string, string>>();
	return {
		header(url: string) {
			const jar = jars.get(new URL(url).host);
			return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
		},
		store(url: string, res: Response) {
			const host = new URL(url).host;
			const jar = jars.get(host) ?? new Map<string, string>();
			jars.set(host, jar);
			for (const line of res.headers.getSetCookie()) {
				const [pair, ...attrs] = line.split(";");
				const eq = pair.indexOf("=");
				const name = pair.slice(0, eq).trim();
				const value = pair.slice(eq + 1).trim();
				const gone =
					value === "" ||
					attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
					attrs.some(
						(a) =>
							/^\s*expires=/i.test(a) &&
							Date.parse(a.split("=")[1]) < Date.now(),
					);
				if (gone) jar.delete(name);
				else jar.set(name, value);
			}
		},
		get(url: string, name: string) {
			return jars.get(new URL(url).host)?.get(name);
		},
	};
}

export type CookieJar = ReturnType<typeof cookieJar>;

/** The first form of a page: where it posts, and its inputs' names and values. */
export function formOf(html: string, base: string) {
	const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
	if (!form) throw new Error(`no form on the page: ${html.slice(0, 500)}`);
	const fields: Record<string, string> = {};
	for (const input of form[2].matchAll(/<(input|button)\b[^>]*>/gi)) {
		const name = /name="([^"]*)"/.exec(input[0])?.[1];
		const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? "";
		if (name && !(name in fields)) fields[name] = value;
	}
	return { action: new URL(form[1], base).toString(), fields };
}

const anyCertificate = new Agent({ connect: { rejectUnauthorized: false } });

/**
 * A browser's walk: requests with the jar's cookies, redirects followed, the provider's login form filled with `login`
 * and its consent form confirmed, until an answer that is neither a redirect nor one of the provider's forms (or a
 * redirect into `stopAt`, which is returned unfollowed).
 */
export async function browse(
	jar: CookieJar,
	start: string,
	opts: {
		login?: string;
		/** A URL prefix whose redirect is handed back unfollowed (to tamper with it). */
		stopAt?: string;
		/** The provider's issuer: only its forms are submitted. */
		provider: string;
		/** The provider's certificate is taken as it is (a user who accepted a self-signed one). */
		trustProvider?: boolean;
		init?: RequestInit;
	},
): Promise<{ url: string; res: Response; trail: string[] }> {
	let url = start;
	let init: RequestInit = opts.init ?? {};
	const trail: string[] = [];
	for (let i = 0; i < 30; i++) {
		trail.push(`${init.method ?? "GET"} ${url}`);
		const request = {
			...init,
			redirect: "manual" as const,
			headers: {
				...(init.headers as Record<string, string>),
				cookie: jar.header(url),
			},
		};
		const res =
			opts.trustProvider && url.startsWith(opts.provider)
				? ((await undiciFetch(url, {
						...(request as object),
						dispatcher: anyCertificate,
					})) as unknown as Response)
				: await fetch(url, request);
		jar.store(url, res);
		const location = res.headers.get("location");
		if (res.status >= 300 && res.status < 400 && location) {
			const next = new URL(location, url).toString();
			if (opts.stopAt && next.startsWith(opts.stopAt))
				return { url: next, res, trail };
			await res.body?.cancel();
			url = next;
			init = {};
			continue;
		}
		if (res.status === 200 && url.startsWith(opts.provider)) {
			const html = await res.text();
			if (/<form/i.test(html)) {
				const { action, fields } = formOf(html, url);
				if ("login" in fields) {
					fields.login = opts.login ?? "";
					fields.password = "any-password";
				}
				// The end-session page's "Yes, sign me out" sits outside its form.
				if (/name="logout"/.test(html)) fields.logout = "yes";
				init = {
					method: "POST",
					headers: { "content-type": "application/x-www-form-urlencoded" },
					body: new URLSearchParams(fields).toString(),
				};
				url = action;
				continue;
			}
			return {
				url,
				res: new Response(html, { status: res.status }),
				trail,
			};
		}
		return { url, res, trail };
	}
	throw new Error(`too many steps: ${trail.join("\n")}`);
}
