import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, type Dispatcher, request } from "undici";
import {
	basicHeader,
	type Challenge,
	createTokenCache,
	parseChallenge,
	type V2Credential,
} from "./v2-auth.ts";
import { networkError, V2Error } from "./v2-errors.ts";

/** One remote registry as the client reaches it. */
export type V2Endpoint = {
	url: string;
	credential?: V2Credential;
	/** Credentials that must be fetched (and may expire), e.g. an ECR token from the AWS API: asked for on each use. */
	credentials?: () => Promise<V2Credential>;
	/** Accept any TLS certificate (Harbor's `insecure`). */
	insecure?: boolean;
	/** PEM CA certificate(s) that verify this endpoint instead of the system's (Harbor 2.15's `ca_certificate`). */
	caCertificate?: string | null;
	/** Connections open at once to each origin of this endpoint (registry, token realm). */
	maxConnections?: number;
	/** Retries of a call that failed on the network or with 429/5xx (streamed uploads are never replayed). */
	retries?: number;
	/** First backoff between retries; doubled each time. */
	backoffMs?: number;
	/**
	 * A bearer token for the scopes a call needs, made by the caller (Wharf's own registry, minted in-process):
	 * used instead of learning the remote's challenge and asking its token service.
	 */
	bearer?: (scopes: string[]) => Promise<string>;
	/** Sent with every call to the registry (Wharf's own jobs mark theirs as background). */
	headers?: Record<string, string>;
};

export const manifestMediaTypes = [
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.docker.distribution.manifest.v2+json",
	"application/vnd.docker.distribution.manifest.v1+prettyjws",
];

export type ManifestRef = { digest: string; mediaType: string; size: number };

/** A descriptor as the referrers API lists it. */
export type Referrer = {
	mediaType: string;
	digest: string;
	size: number;
	artifactType?: string;
	annotations?: Record<string, string>;
};

/** Largest manifest read from a remote, as the core's own `maxManifestBytes`: a manifest is held whole in memory. */
export const maxManifestBytes = 4 * 1024 * 1024;

type Call = {
	method?: Dispatcher.HttpMethod;
	/** Token scopes the call needs (bearer auth); none: the call goes with whatever `GET /v2/` needs. */
	scopes?: string[];
	headers?: Record<string, string>;
	body?: Buffer | string | Readable;
	/** Replayable calls are retried and re-sent after a 401; a streamed body is sent once. */
	attempts?: number;
};

const pullScope = (repo: string) => `repository:${repo}:pull`;
const pushScope = (repo: string) => `repository:${repo}:pull,push`;
const transient = (status: number) => status === 429 || status >= 500;

/**
 * The shared client for OCI / Docker distribution v2 registries that registry endpoints, replication and the proxy
 * cache stand on: basic or bearer-token auth as the remote's challenge asks (tokens cached per scope), bounded
 * connections per endpoint, retries with backoff, and blobs that stream through, never held whole.
 */
export function createV2Client(endpoint: V2Endpoint) {
	const base = endpoint.url.replace(/\/+$/, "");
	const dispatcher = new Agent({
		connections: endpoint.maxConnections ?? 8,
		connect: {
			timeout: 10_000,
			rejectUnauthorized: !endpoint.insecure,
			...(endpoint.caCertificate ? { ca: endpoint.caCertificate } : {}),
		},
		headersTimeout: 60_000,
		bodyTimeout: 300_000,
	});
	const credential = async () =>
		endpoint.credential ?? (await endpoint.credentials?.());
	const tokens = createTokenCache({ dispatcher, credential });
	const retries = endpoint.retries ?? 3;
	const backoffMs = endpoint.backoffMs ?? 200;
	let challenge: Promise<Challenge> | undefined;

	const absolute = (pathOrUrl: string) =>
		new URL(pathOrUrl, `${base}/`).toString();

	async function send(
		url: string,
		method: Dispatcher.HttpMethod,
		headers: Record<string, string>,
		body: Call["body"],
	) {
		try {
			return await request(url, { dispatcher, method, headers, body });
		} catch (e) {
			throw networkError(base, e);
		}
	}

	/** `GET /v2/` without credentials: what the remote asks for (learned once per client, re-learned after a refusal). */
	async function learnChallenge(): Promise<Challenge> {
		const r = await send(`${base}/v2/`, "GET", {}, undefined);
		await r.body.dump();
		if (r.statusCode === 200) return { scheme: "none" };
		if (r.statusCode === 401)
			return parseChallenge(r.headers["www-authenticate"]);
		if (r.statusCode === 404)
			throw new V2Error(
				"http",
				`${base} is not a registry: GET /v2/ answered 404`,
				404,
			);
		throw new V2Error(
			transient(r.statusCode) ? "unreachable" : "http",
			`${base} answered ${r.statusCode} to GET /v2/`,
			r.statusCode,
		);
	}

	const knownChallenge = () =>
		(challenge ??= learnChallenge().catch((e) => {
			challenge = undefined;
			throw e;
		}));

	async function authorization(scopes: string[]): Promise<string | undefined> {
		if (endpoint.bearer) return `Bearer ${await endpoint.bearer(scopes)}`;
		const c = await knownChallenge();
		if (c.scheme === "basic") {
			const given = await credential();
			return given ? basicHeader(given) : undefined;
		}
		if (c.scheme === "bearer") return `Bearer ${await tokens.token(c, scopes)}`;
		return undefined;
	}

	/** One authorized call: retried on the network and on 429/5xx when replayable, re-authorized once after a 401. */
	async function call(
		path: string,
		c: Call = {},
	): Promise<Dispatcher.ResponseData> {
		const method = c.method ?? "GET";
		const scopes = c.scopes ?? [];
		const replayable = !(c.body instanceof Readable);
		const attempts = replayable ? (c.attempts ?? retries + 1) : 1;
		let reauthorized = false;
		for (let attempt = 1; ; attempt++) {
			const auth = await authorization(scopes);
			let r: Dispatcher.ResponseData;
			try {
				r = await send(
					absolute(path),
					method,
					{
						...endpoint.headers,
						...(auth ? { authorization: auth } : {}),
						...c.headers,
					},
					c.body,
				);
			} catch (e) {
				if (attempt >= attempts) throw e;
				await sleep(backoffMs * 2 ** (attempt - 1));
				continue;
			}
			if (r.statusCode === 401 && replayable && !reauthorized) {
				// The token expired early or the remote's challenge changed: learn it again and ask for a new token, once.
				await r.body.dump();
				reauthorized = true;
				tokens.forget(scopes);
				challenge = undefined;
				attempt--;
				continue;
			}
			if (transient(r.statusCode) && attempt < attempts) {
				await r.body.dump();
				const after = Number(r.headers["retry-after"]);
				await sleep(
					Number.isFinite(after) && after > 0
						? Math.min(after, 30) * 1000
						: backoffMs * 2 ** (attempt - 1),
				);
				continue;
			}
			return r;
		}
	}

	/** Turns an unexpected answer into a V2Error naming what was asked. */
	async function failure(
		r: Dispatcher.ResponseData,
		what: string,
	): Promise<V2Error> {
		const text = (await r.body.text().catch(() => "")).slice(0, 300);
		const detail =
			(() => {
				try {
					return (JSON.parse(text) as { errors?: { message?: string }[] })
						.errors?.[0]?.message;
				} catch {
					return undefined;
				}
			})() ?? text;
		const kind =
			r.statusCode === 401
				? "unauthorized"
				: r.statusCode === 403
					? "denied"
					: r.statusCode === 404
						? "not-found"
						: "http";
		return new V2Error(
			kind,
			`${what} at ${base}: ${r.statusCode}${detail ? ` ${detail}` : ""}`,
			r.statusCode,
		);
	}

	/** Follows a list's `Link: <…>; rel="next"` pages. */
	async function* pages<T>(
		first: string,
		scopes: string[],
		pick: (body: unknown) => T[],
		what: string,
	): AsyncGenerator<T[]> {
		let next: string | undefined = first;
		for (let i = 0; next && i < 100_000; i++) {
			const r = await call(next, { scopes });
			if (r.statusCode !== 200) throw await failure(r, what);
			yield pick(await r.body.json());
			const link = String(r.headers.link ?? "");
			next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1];
		}
	}

	const manifestRef = (r: Dispatcher.ResponseData): ManifestRef => ({
		digest: String(r.headers["docker-content-digest"] ?? ""),
		mediaType: String(r.headers["content-type"] ?? "").split(";")[0],
		size: Number(r.headers["content-length"] ?? 0),
	});

	/** Starts an upload session; its Location is where the bytes go. */
	async function startUpload(
		repo: string,
		query = "",
	): Promise<Dispatcher.ResponseData> {
		return call(`/v2/${repo}/blobs/uploads/${query}`, {
			method: "POST",
			scopes: [pushScope(repo)],
			headers: { "content-length": "0" },
		});
	}

	const withDigest = (location: string, digest: string) => {
		const u = new URL(absolute(location));
		u.searchParams.set("digest", digest);
		return u.toString();
	};

	/** Cancels an upload session (best effort: the remote purges abandoned sessions anyway). */
	async function cancelUpload(repo: string, location: string): Promise<void> {
		await call(location, {
			method: "DELETE",
			scopes: [pushScope(repo)],
			attempts: 1,
		})
			.then((d) => d.body.dump())
			.catch(() => undefined);
	}

	/** Reads a stream in pieces of `size` bytes (the last may be shorter): one piece in memory at a time. */
	async function* piecesOf(
		source: Readable,
		size: number,
	): AsyncGenerator<Buffer> {
		let held: Buffer[] = [];
		let length = 0;
		for await (const chunk of source) {
			let c = chunk as Buffer;
			while (length + c.length >= size) {
				const take = size - length;
				held.push(c.subarray(0, take));
				yield Buffer.concat(held);
				held = [];
				length = 0;
				c = c.subarray(take);
			}
			if (c.length) {
				held.push(c);
				length += c.length;
			}
		}
		if (length) yield Buffer.concat(held);
	}

	return {
		url: base,
		/** For adapters that also speak the remote's own API (Harbor's /api/v2.0) through the same connection limit. */
		dispatcher,

		/**
		 * `GET /v2/` as a login checks it: with credentials, the remote must accept them (basic, or a token from its
		 * realm); without, a 401 still shows a live registry (Harbor counts it healthy).
		 */
		async ping(): Promise<void> {
			challenge = undefined;
			const c = await knownChallenge();
			const given = c.scheme === "none" ? undefined : await credential();
			if (!given) return;
			const r = await call("/v2/", { attempts: 1 });
			await r.body.dump();
			if (r.statusCode === 401 || r.statusCode === 403)
				throw new V2Error(
					"unauthorized",
					`${base} refused the credentials of ${given.username} (${r.statusCode})`,
					r.statusCode,
				);
			if (r.statusCode !== 200)
				throw new V2Error(
					"http",
					`${base} answered ${r.statusCode} to GET /v2/ with credentials`,
					r.statusCode,
				);
		},

		/** Every repository `_catalog` lists; null when the remote offers no catalog (Docker Hub, GHCR…: 401/403/404). */
		async catalog(pageSize = 100): Promise<string[] | null> {
			const names: string[] = [];
			try {
				for await (const page of pages(
					`/v2/_catalog?n=${pageSize}`,
					["registry:catalog:*"],
					(b) => (b as { repositories?: string[] }).repositories ?? [],
					"catalog",
				)) {
					names.push(...page);
				}
			} catch (e) {
				if (
					e instanceof V2Error &&
					[401, 403, 404, 405].includes(e.status ?? 0)
				)
					return null;
				throw e;
			}
			return names;
		},

		async tags(repo: string, pageSize = 100): Promise<string[]> {
			const names: string[] = [];
			for await (const page of pages(
				`/v2/${repo}/tags/list?n=${pageSize}`,
				[pullScope(repo)],
				(b) => (b as { tags?: string[] | null }).tags ?? [],
				`tags of ${repo}`,
			)) {
				names.push(...page);
			}
			return names;
		},

		/** The manifest's digest, media type and size, or null when the remote has none by that reference. */
		async headManifest(
			repo: string,
			reference: string,
		): Promise<ManifestRef | null> {
			const r = await call(`/v2/${repo}/manifests/${reference}`, {
				method: "HEAD",
				scopes: [pullScope(repo)],
				headers: { accept: manifestMediaTypes.join(", ") },
			});
			// The failure reads the (empty) body: a body already dumped would make undici throw outside any promise.
			if (r.statusCode !== 200 && r.statusCode !== 404)
				throw await failure(r, `HEAD manifest ${repo}:${reference}`);
			await r.body.dump();
			if (r.statusCode === 404) return null;
			return manifestRef(r);
		},

		/** A manifest's bytes (small: registries cap them at a few MiB) with its media type and digest. */
		async getManifest(
			repo: string,
			reference: string,
		): Promise<ManifestRef & { body: Buffer }> {
			const r = await call(`/v2/${repo}/manifests/${reference}`, {
				scopes: [pullScope(repo)],
				headers: { accept: manifestMediaTypes.join(", ") },
			});
			if (r.statusCode !== 200)
				throw await failure(r, `manifest ${repo}:${reference}`);
			const tooBig = () =>
				new V2Error(
					"http",
					`manifest ${repo}:${reference} at ${base} is larger than ${maxManifestBytes} bytes; it is not read`,
				);
			if (Number(r.headers["content-length"] ?? 0) > maxManifestBytes) {
				r.body.destroy();
				throw tooBig();
			}
			const held: Buffer[] = [];
			let length = 0;
			for await (const chunk of r.body) {
				length += (chunk as Buffer).length;
				if (length > maxManifestBytes) {
					r.body.destroy();
					throw tooBig();
				}
				held.push(chunk as Buffer);
			}
			const body = Buffer.concat(held);
			return { ...manifestRef(r), size: body.length, body };
		},

		/** Deletes a manifest by digest; false when the remote has no such manifest. */
		async deleteManifest(repo: string, digest: string): Promise<boolean> {
			const r = await call(`/v2/${repo}/manifests/${digest}`, {
				method: "DELETE",
				scopes: [`repository:${repo}:delete`, pushScope(repo)],
			});
			if (r.statusCode === 404) {
				await r.body.dump();
				return false;
			}
			if (r.statusCode === 405) {
				await r.body.dump();
				throw new V2Error(
					"http",
					`${base} does not allow deleting manifests (405): enable deletion on that registry`,
					405,
				);
			}
			if (r.statusCode !== 202 && r.statusCode !== 200)
				throw await failure(r, `DELETE manifest ${repo}@${digest}`);
			await r.body.dump();
			return true;
		},

		/**
		 * The manifests whose subject is `digest` (OCI 1.1 referrers API); null when the remote has no such API (404),
		 * so the caller may look for the referrers tag (`sha256-<hex>`) instead.
		 */
		async referrers(repo: string, digest: string): Promise<Referrer[] | null> {
			const found: Referrer[] = [];
			try {
				for await (const page of pages(
					`/v2/${repo}/referrers/${digest}`,
					[pullScope(repo)],
					(b) => (b as { manifests?: Referrer[] }).manifests ?? [],
					`referrers of ${digest} in ${repo}`,
				)) {
					found.push(...page);
				}
			} catch (e) {
				if (e instanceof V2Error && (e.status === 404 || e.status === 405))
					return null;
				throw e;
			}
			return found;
		},

		/** Puts a manifest by tag or digest; answers the digest the remote computed. */
		async putManifest(
			repo: string,
			reference: string,
			body: Buffer,
			mediaType: string,
		): Promise<string> {
			const r = await call(`/v2/${repo}/manifests/${reference}`, {
				method: "PUT",
				scopes: [pushScope(repo)],
				headers: { "content-type": mediaType },
				body,
			});
			if (r.statusCode !== 201 && r.statusCode !== 200)
				throw await failure(r, `PUT manifest ${repo}:${reference}`);
			await r.body.dump();
			return String(r.headers["docker-content-digest"] ?? "");
		},

		/** The blob's size, or null when the repository has no such blob. */
		async headBlob(repo: string, digest: string): Promise<number | null> {
			const r = await call(`/v2/${repo}/blobs/${digest}`, {
				method: "HEAD",
				scopes: [pullScope(repo)],
			});
			if (r.statusCode !== 200 && r.statusCode !== 404)
				throw await failure(r, `HEAD blob ${digest} in ${repo}`);
			await r.body.dump();
			if (r.statusCode === 404) return null;
			return Number(r.headers["content-length"] ?? 0);
		},

		/**
		 * A blob as a stream, following a redirect to the bytes' real home (S3, a CDN) without sending our credentials
		 * to another origin. The caller must consume or destroy the stream (it holds a connection).
		 */
		async getBlob(
			repo: string,
			digest: string,
		): Promise<{ stream: Readable; size: number }> {
			let r = await call(`/v2/${repo}/blobs/${digest}`, {
				scopes: [pullScope(repo)],
			});
			for (
				let hops = 0;
				[301, 302, 303, 307, 308].includes(r.statusCode) && hops < 5;
				hops++
			) {
				const location = absolute(String(r.headers.location ?? ""));
				await r.body.dump();
				r =
					new URL(location).origin === new URL(base).origin
						? await call(location, { scopes: [pullScope(repo)] })
						: await send(location, "GET", {}, undefined);
			}
			if (r.statusCode !== 200)
				throw await failure(r, `blob ${digest} in ${repo}`);
			return {
				stream: r.body,
				size: Number(r.headers["content-length"] ?? -1),
			};
		},

		/**
		 * Uploads a blob from a stream: in one PUT (monolithic), or in PATCHes of `chunkSize` bytes then a closing PUT
		 * (for remotes that cap a request's size). Only one chunk is in memory at a time.
		 */
		async putBlob(
			repo: string,
			digest: string,
			source: Readable,
			size: number,
			opts: { chunkSize?: number } = {},
		): Promise<void> {
			const started = await startUpload(repo);
			if (started.statusCode !== 202) {
				source.destroy();
				throw await failure(started, `upload to ${repo}`);
			}
			await started.body.dump();
			let location = String(started.headers.location ?? "");
			const scopes = [pushScope(repo)];
			// A failed or aborted upload cancels its session, so nothing half-written is left waiting at the remote.
			try {
				if (opts.chunkSize) {
					let offset = 0;
					for await (const piece of piecesOf(source, opts.chunkSize)) {
						const r = await call(location, {
							method: "PATCH",
							scopes,
							body: piece,
							headers: {
								"content-type": "application/octet-stream",
								"content-length": String(piece.length),
								"content-range": `${offset}-${offset + piece.length - 1}`,
							},
						});
						if (r.statusCode !== 202)
							throw await failure(
								r,
								`upload chunk at ${offset} of ${digest} to ${repo}`,
							);
						await r.body.dump();
						location = String(r.headers.location ?? location);
						offset += piece.length;
					}
					const done = await call(withDigest(location, digest), {
						method: "PUT",
						scopes,
						headers: { "content-length": "0" },
					});
					if (done.statusCode !== 201)
						throw await failure(done, `closing upload of ${digest} to ${repo}`);
					await done.body.dump();
					return;
				}
				const r = await call(withDigest(location, digest), {
					method: "PUT",
					scopes,
					body: source,
					headers: {
						"content-type": "application/octet-stream",
						"content-length": String(size),
					},
				});
				if (r.statusCode !== 201)
					throw await failure(r, `upload of ${digest} to ${repo}`);
				await r.body.dump();
			} catch (e) {
				source.destroy();
				await cancelUpload(repo, location);
				throw e;
			}
		},

		/**
		 * Asks the remote to link a blob it holds in `from` into `repo` without sending bytes. False when it would not
		 * (it then opened an upload session instead, which is cancelled).
		 */
		async mountBlob(
			repo: string,
			digest: string,
			from: string,
		): Promise<boolean> {
			const r = await call(
				`/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
				{
					method: "POST",
					scopes: [pushScope(repo), pullScope(from)],
					headers: { "content-length": "0" },
				},
			);
			await r.body.dump();
			if (r.statusCode === 201) return true;
			if (r.statusCode !== 202)
				throw new V2Error(
					"http",
					`mount of ${digest} from ${from} into ${repo} at ${base}: ${r.statusCode}`,
					r.statusCode,
				);
			if (r.headers.location)
				await cancelUpload(repo, String(r.headers.location));
			return false;
		},

		close: () => dispatcher.close(),
	};
}

export type V2Client = ReturnType<typeof createV2Client>;
