import { createHash } from "node:crypto";
import { isIndexType, mediaTypes } from "../core/media-types.ts";
import type { V2Client } from "./v2-client.ts";

export type Descriptor = {
	mediaType?: string;
	digest: string;
	size: number;
	urls?: string[];
	artifactType?: string;
	annotations?: Record<string, string>;
};

/** One manifest of an artifact's tree as read from the source: its exact bytes (put unchanged, so digests match). */
export type ManifestNode = {
	digest: string;
	mediaType: string;
	body: Buffer;
	/** The destination already has it, and so (registries check references on PUT) everything below it. */
	present: boolean;
	children: ManifestNode[];
	/** Config and layers to send (an image manifest); foreign layers are left out. */
	blobs: Descriptor[];
};

type Parsed = {
	schemaVersion?: number;
	mediaType?: string;
	artifactType?: string;
	config?: Descriptor;
	layers?: Descriptor[];
	manifests?: Descriptor[];
	subject?: Descriptor;
};

const maxDepth = 4;

export function digestOf(body: Buffer, algorithm = "sha256"): string {
	return `${algorithm}:${createHash(algorithm).update(body).digest("hex")}`;
}

/**
 * Foreign (non-distributable) layers, e.g. Windows base layers: their bytes live at their `urls`, registries accept
 * manifests without them, and most sources cannot serve them. They are not copied.
 */
const isForeign = (d: Descriptor) =>
	!!d.urls?.length && /foreign|nondistributable/.test(d.mediaType ?? "");

export function parseManifest(body: Buffer, what: string): Parsed {
	try {
		const parsed = JSON.parse(body.toString("utf8")) as Parsed;
		if (parsed && typeof parsed === "object") return parsed;
	} catch {
		/* reported below */
	}
	throw new Error(`${what} is not a JSON manifest`);
}

/** Reads a manifest from the source and checks its bytes hash to the digest asked for. */
export async function readManifest(
	client: V2Client,
	repo: string,
	reference: string,
) {
	const got = await client.getManifest(repo, reference);
	const algorithm = reference.includes(":")
		? reference.split(":")[0]
		: "sha256";
	const digest = digestOf(got.body, algorithm);
	if (reference.includes(":") && digest !== reference) {
		throw new Error(
			`the source's manifest ${repo}@${reference} hashes to ${digest}: it was changed in transit or is corrupt`,
		);
	}
	const parsed = parseManifest(got.body, `${repo}:${reference}`);
	const mediaType = parsed.mediaType ?? got.mediaType;
	if (
		parsed.schemaVersion === 1 ||
		mediaType === mediaTypes.dockerSchema1 ||
		mediaType === mediaTypes.dockerSchema1Signed
	) {
		throw new Error(
			`${repo}:${reference} is a Docker schema 1 manifest, which is deprecated and not replicated; push it again as Docker schema 2 or OCI`,
		);
	}
	return { digest, mediaType, body: got.body, parsed };
}

/**
 * The manifest tree under one manifest: an index's every child (whole, as a multi-arch image copies), an image's
 * config and layers. Subtrees the destination already holds are marked present and not read further.
 */
export async function planTree(
	src: { client: V2Client; repo: string },
	dst: { client: V2Client; repo: string },
	top: Awaited<ReturnType<typeof readManifest>>,
	depth = 0,
): Promise<ManifestNode> {
	const node: ManifestNode = {
		digest: top.digest,
		mediaType: top.mediaType,
		body: top.body,
		present: false,
		children: [],
		blobs: [],
	};
	node.present = (await dst.client.headManifest(dst.repo, top.digest)) !== null;
	if (node.present) return node;
	const p = top.parsed;
	if (isIndexType(top.mediaType) || (Array.isArray(p.manifests) && !p.config)) {
		if (depth >= maxDepth)
			throw new Error(
				`${src.repo}@${top.digest}: indexes nest deeper than ${maxDepth} levels`,
			);
		for (const child of p.manifests ?? []) {
			node.children.push(
				await planTree(
					src,
					dst,
					await readManifest(src.client, src.repo, child.digest),
					depth + 1,
				),
			);
		}
		return node;
	}
	if (!p.config || !Array.isArray(p.layers))
		throw new Error(
			`${src.repo}@${top.digest} (${top.mediaType}) is neither an image manifest nor an index`,
		);
	node.blobs = [p.config, ...p.layers].filter((d) => !isForeign(d));
	return node;
}

/** Every blob to send under the manifests the destination lacks, each once. */
export function blobsOf(
	node: ManifestNode,
	into = new Map<string, Descriptor>(),
): Map<string, Descriptor> {
	if (node.present) return into;
	for (const b of node.blobs) into.set(b.digest, b);
	for (const c of node.children) blobsOf(c, into);
	return into;
}

/** Children before parents: the order a registry accepts manifests in. */
export function* missingManifests(node: ManifestNode): Generator<ManifestNode> {
	if (node.present) return;
	for (const c of node.children) yield* missingManifests(c);
	yield node;
}
