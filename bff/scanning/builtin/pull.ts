import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import type { ImageFiles } from "./layers.ts";
import { createLayerWalker } from "./layers.ts";

const manifestTypes = [
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
];
const indexTypes = [
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
];
/** What the built-in scanner reads: images and their indexes (an index is read through its linux/amd64 image). */
export const scannableTypes = [...manifestTypes, ...indexTypes];

/** The registry answered what a scan cannot go on with; the message says what. */
export class PullError extends Error {}

type Manifest = {
	mediaType?: string;
	manifests?: {
		digest: string;
		mediaType?: string;
		platform?: { os?: string; architecture?: string };
	}[];
	layers?: { digest: string; mediaType?: string }[];
};

/**
 * Pulls an image through the registry's /v2 as any scanner adapter does, with the authorization the scan request
 * carries, and streams each layer through the walker (nothing is written to disk).
 */
export async function readImage(
	req: {
		registry: { url: string; authorization?: string };
		artifact: { repository: string; digest: string };
	},
	wanted: (p: string) => boolean,
	signal?: AbortSignal,
): Promise<{ files: ImageFiles; digest: string; layers: number }> {
	const base = `${req.registry.url.replace(/\/+$/, "")}/v2/${req.artifact.repository}`;
	const headers: Record<string, string> = req.registry.authorization
		? { Authorization: req.registry.authorization }
		: {};
	const get = async (path: string, accept?: string) => {
		const r = await fetch(`${base}${path}`, {
			headers: accept ? { ...headers, Accept: accept } : headers,
			signal,
		});
		if (r.status !== 200) {
			await r.body?.cancel();
			throw new PullError(`GET ${base}${path} answered ${r.status}`);
		}
		return r;
	};
	const manifest = async (digest: string) =>
		(await (
			await get(`/manifests/${digest}`, scannableTypes.join(", "))
		).json()) as Manifest;

	let digest = req.artifact.digest;
	let m = await manifest(digest);
	if (m.manifests) {
		const images = m.manifests.filter((d) => d.platform?.os !== "unknown");
		const pick =
			images.find(
				(d) =>
					d.platform?.os === "linux" && d.platform.architecture === "amd64",
			) ?? images[0];
		if (!pick) throw new PullError("the index names no image to scan");
		digest = pick.digest;
		m = await manifest(digest);
	}
	if (!Array.isArray(m.layers))
		throw new PullError(
			"the manifest is not an image manifest: it has no layers",
		);
	const walker = createLayerWalker(wanted);
	let layers = 0;
	for (const l of m.layers) {
		// Image layers are tars (gzip or plain); other artifacts' blobs are not filesystems.
		if (l.mediaType && !/tar|rootfs/.test(l.mediaType)) continue;
		const r = await get(`/blobs/${l.digest}`);
		await walker.addLayer(Readable.fromWeb(r.body as ReadableStream));
		layers++;
	}
	return { files: walker.files(), digest, layers };
}
