import type { Request } from "express";

/** Whether a request says it comes from a page of this site, from another site, or says nothing (a script, curl). */
export type RequestOrigin = "same" | "cross" | "unknown";

const hostOf = (url: string) => {
	try {
		return new URL(url).host;
	} catch {
		return null;
	}
};

/**
 * Reads what the browser says about where a request comes from: `Origin` first, then `Sec-Fetch-Site`, then `Referer`.
 * A page is ours when its host (with port) is the one the request reached or the configured external URL's; the scheme
 * is not compared, so a TLS-terminating proxy that is not trusted with X-Forwarded-Proto does not lock users out.
 * `Origin: null` (sandboxed frames, cross-site redirects) is another site.
 */
export function requestOrigin(
	req: Request,
	externalUrl?: string,
): RequestOrigin {
	const ours = (url: string) => {
		const host = hostOf(url);
		return (
			host !== null &&
			(host === req.host ||
				(externalUrl !== undefined && host === hostOf(externalUrl)))
		);
	};
	const origin = req.headers.origin;
	if (origin !== undefined) return ours(origin) ? "same" : "cross";
	const site = req.headers["sec-fetch-site"];
	// `none`: the user opened the URL (typed, bookmarked), which no other site can make happen.
	if (site !== undefined)
		return site === "same-origin" || site === "none" ? "same" : "cross";
	const referer = req.headers.referer;
	if (referer !== undefined) return ours(referer) ? "same" : "cross";
	return "unknown";
}
