import { pipeline } from "node:stream/promises";
import { isDigest } from "../digest.ts";
import type {
	ProjectProxy,
	ProxiedRepository,
	ReferrerDescriptor,
} from "../proxy.ts";
import type { RepoRequest } from "./context.ts";

export type ProxiedRequest = RepoRequest & { proxy: ProjectProxy };

const proxied = (r: ProxiedRequest): ProxiedRepository => ({
	name: r.name,
	repo: r.repo,
	caller: r.caller.name,
});

/** GET/HEAD of a manifest in a proxy-cache project: the cache decides whether the upstream is asked. */
export async function proxiedManifest(r: ProxiedRequest, reference: string) {
	const { req, res, services } = r;
	const head = req.method === "HEAD";
	const m = await r.proxy.manifest(proxied(r), reference, head);
	res.status(200).setHeader("Content-Type", m.mediaType);
	res.set({
		"Content-Length": String(m.size),
		"Docker-Content-Digest": m.digest,
		ETag: `"${m.digest}"`,
	});
	if (head || !m.body) {
		res.end();
		return;
	}
	res.end(m.body);
	// A manifest fresh from the upstream records its pull once it is stored (the cache does that).
	if (m.local)
		services.pulls.record(
			m.local.artifactId,
			m.local.repositoryId,
			isDigest(reference) ? null : reference,
		);
	const byDigest = isDigest(reference);
	services.audit.record({
		project: r.project,
		operator: r.caller.name,
		resource: `${r.name}${byDigest ? `@${m.digest}` : `:${reference}`}`,
		resourceType: "artifact",
		operation: "pull",
	});
	services.events?.emit({
		type: "pull",
		project: r.project,
		repository: r.name,
		digest: m.digest,
		tags: byDigest ? [] : [reference],
		operator: r.caller.name,
	});
}

/**
 * GET/HEAD of a blob the proxied repository does not hold: streamed from the upstream while the cache stores it. A
 * Range is not honoured here (RFC 9110 lets a server answer the whole blob): the cache needs every byte once.
 */
export async function proxiedBlob(r: ProxiedRequest, digest: string) {
	const { req, res } = r;
	const head = req.method === "HEAD";
	const b = await r.proxy.blob(proxied(r), digest, head);
	res.status(200).set({
		"Docker-Content-Digest": digest,
		"Content-Type": "application/octet-stream",
		ETag: `"${digest}"`,
	});
	if (b.size >= 0) res.set("Content-Length", String(b.size));
	if (head || !b.stream) {
		res.end();
		return;
	}
	// The client leaving destroys the stream, which discards what the cache had begun to store.
	await pipeline(b.stream, res);
}

/** The referrers API through the proxy (`proxy_referrer_api`); null when the cache answers from what it holds. */
export function proxiedReferrers(
	r: ProxiedRequest,
	digest: string,
): Promise<ReferrerDescriptor[] | null> {
	return r.proxy.referrers(proxied(r), digest);
}
