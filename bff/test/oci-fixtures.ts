import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { mediaTypes } from "../core/media-types.ts";
import type { V2Client } from "../replication/v2-client.ts";
import { helmChart } from "./api-fixtures.ts";

/**
 * Content replication tests push through a v2 client to any registry: an image, a two-platform index, a Helm chart,
 * and a signature that names its subject (with the referrers tag a registry without the referrers API needs).
 */
export const sha256 = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;

export type Pushed = {
	digest: string;
	mediaType: string;
	size: number;
	body: Buffer;
	blobs: string[];
};

async function putBlobs(c: V2Client, repo: string, blobs: Buffer[]) {
	for (const b of blobs)
		await c.putBlob(repo, sha256(b), Readable.from([b]), b.length);
}

async function putManifest(
	c: V2Client,
	repo: string,
	tag: string | undefined,
	manifest: object,
	blobs: string[],
): Promise<Pushed> {
	const body = Buffer.from(JSON.stringify(manifest));
	const mediaType = (manifest as { mediaType: string }).mediaType;
	const digest = await c.putManifest(
		repo,
		tag ?? sha256(body),
		body,
		mediaType,
	);
	return {
		digest: digest || sha256(body),
		mediaType,
		size: body.length,
		body,
		blobs,
	};
}

/** An OCI image: a config naming the platform and one random layer of `layerBytes`. */
export async function pushImage(
	c: V2Client,
	repo: string,
	tag?: string,
	opts: { layerBytes?: number; platform?: string; layer?: Buffer } = {},
): Promise<Pushed> {
	const [os, architecture] = (opts.platform ?? "linux/amd64").split("/");
	const config = Buffer.from(
		JSON.stringify({
			architecture,
			os,
			rootfs: { type: "layers" },
			nonce: randomBytes(4).toString("hex"),
		}),
	);
	const layer = opts.layer ?? randomBytes(opts.layerBytes ?? 4096);
	await putBlobs(c, repo, [config, layer]);
	return putManifest(
		c,
		repo,
		tag,
		{
			schemaVersion: 2,
			mediaType: mediaTypes.ociManifest,
			config: {
				mediaType: "application/vnd.oci.image.config.v1+json",
				digest: sha256(config),
				size: config.length,
			},
			layers: [
				{
					mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
					digest: sha256(layer),
					size: layer.length,
				},
			],
		},
		[sha256(config), sha256(layer)],
	);
}

/** A multi-arch image: linux/amd64 and linux/arm64 pushed by digest, then their index under `tag`. */
export async function pushIndex(
	c: V2Client,
	repo: string,
	tag?: string,
): Promise<Pushed & { children: Pushed[] }> {
	const children = [
		await pushImage(c, repo, undefined, { platform: "linux/amd64" }),
		await pushImage(c, repo, undefined, { platform: "linux/arm64" }),
	];
	const index = await putManifest(
		c,
		repo,
		tag,
		{
			schemaVersion: 2,
			mediaType: mediaTypes.ociIndex,
			manifests: children.map((m, i) => ({
				mediaType: m.mediaType,
				digest: m.digest,
				size: m.size,
				platform: { os: "linux", architecture: i ? "arm64" : "amd64" },
			})),
		},
		children.flatMap((m) => m.blobs),
	);
	return { ...index, children };
}

/** A Helm chart as `helm push` stores it: Helm's config media type and the chart archive as the one layer. */
export async function pushChart(
	c: V2Client,
	repo: string,
	tag: string,
	name = "demo",
): Promise<Pushed> {
	const config = Buffer.from(
		JSON.stringify({
			apiVersion: "v2",
			name,
			version: tag,
			description: "a test chart",
		}),
	);
	const chart = await helmChart(name, {
		"Chart.yaml": `apiVersion: v2\nname: ${name}\nversion: ${tag}\n`,
		"values.yaml": "replicas: 1\n",
	});
	await putBlobs(c, repo, [config, chart]);
	return putManifest(
		c,
		repo,
		tag,
		{
			schemaVersion: 2,
			mediaType: mediaTypes.ociManifest,
			config: {
				mediaType: mediaTypes.helmConfig,
				digest: sha256(config),
				size: config.length,
			},
			layers: [
				{
					mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
					digest: sha256(chart),
					size: chart.length,
				},
			],
		},
		[sha256(config), sha256(chart)],
	);
}

export const signatureType = "application/vnd.dev.cosign.artifact.sig.v1+json";

/**
 * A signature artifact whose `subject` is `of`, pushed by digest. With `referrersTag`, also the referrers tag
 * (`sha256-<hex>`, an index listing it) that a registry without the referrers API (distribution 2.x) needs.
 */
export async function pushSignature(
	c: V2Client,
	repo: string,
	of: Pushed,
	opts: { referrersTag?: boolean } = {},
): Promise<Pushed> {
	const empty = Buffer.from("{}");
	const sig = Buffer.from(
		JSON.stringify({
			critical: { image: { "docker-manifest-digest": of.digest } },
			nonce: randomBytes(4).toString("hex"),
		}),
	);
	await putBlobs(c, repo, [empty, sig]);
	const signature = await putManifest(
		c,
		repo,
		undefined,
		{
			schemaVersion: 2,
			mediaType: mediaTypes.ociManifest,
			artifactType: signatureType,
			config: {
				mediaType: mediaTypes.ociEmpty,
				digest: sha256(empty),
				size: empty.length,
			},
			layers: [
				{
					mediaType: "application/vnd.dev.cosign.simplesigning.v1+json",
					digest: sha256(sig),
					size: sig.length,
				},
			],
			subject: { mediaType: of.mediaType, digest: of.digest, size: of.size },
		},
		[sha256(empty), sha256(sig)],
	);
	if (opts.referrersTag) {
		await putManifest(
			c,
			repo,
			of.digest.replace(":", "-"),
			{
				schemaVersion: 2,
				mediaType: mediaTypes.ociIndex,
				manifests: [
					{
						mediaType: signature.mediaType,
						digest: signature.digest,
						size: signature.size,
						artifactType: signatureType,
					},
				],
			},
			[],
		);
	}
	return signature;
}
