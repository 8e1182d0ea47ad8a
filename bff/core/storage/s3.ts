import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
	CopyObjectCommand,
	DeleteObjectCommand,
	DeleteObjectsCommand,
	GetObjectCommand,
	HeadObjectCommand,
	ListObjectsV2Command,
	NoSuchKey,
	NotFound,
	PutObjectCommand,
	S3Client,
	S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ByteRange, StorageDriver } from "./driver.ts";

/** Where `WHARF_STORAGE=s3://bucket/prefix?path_style=true&region=…` puts blobs. */
export type S3Location = {
	bucket: string;
	prefix: string;
	pathStyle: boolean;
	region?: string;
};

/** Parses `s3://bucket[/prefix][?path_style=true&region=eu-west-1]`; throws saying what is wrong. */
export function parseS3Url(url: string): S3Location {
	const u = new URL(url);
	if (u.protocol !== "s3:" || !u.hostname)
		throw new Error("WHARF_STORAGE must look like s3://bucket/prefix");
	const flag = u.searchParams.get("path_style");
	if (flag !== null && flag !== "true" && flag !== "false")
		throw new Error("WHARF_STORAGE path_style must be true or false");
	return {
		bucket: u.hostname,
		prefix: decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, ""),
		pathStyle: flag === "true",
		region: u.searchParams.get("region") ?? undefined,
	};
}

/**
 * The S3 client for `WHARF_STORAGE`: endpoint, region and keys when the configuration gives them, else the SDK's own
 * chain (environment, profile, instance role). Throttling and 5xx answers are retried with backoff, six tries in all.
 */
export function createS3Client(
	loc: S3Location,
	opts: {
		endpoint?: string;
		region?: string;
		credentials?: {
			accessKeyId: string;
			secretAccessKey: string;
			sessionToken?: string;
		};
	},
) {
	return new S3Client({
		region: loc.region ?? opts.region ?? "us-east-1",
		forcePathStyle: loc.pathStyle,
		maxAttempts: 6,
		retryMode: "standard",
		...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
		...(opts.credentials ? { credentials: opts.credentials } : {}),
	});
}

/** How long a presigned blob URL stays good: distribution's 20 minutes, long enough for a slow client to start. */
export const redirectSeconds = 20 * 60;

/** CopyObject copies at most 5 GiB in one request; larger blobs are rewritten through a multipart upload. */
const maxCopyBytes = 5 * 1024 ** 3;
/** Multipart part size and parts in flight: what an upload holds in memory at most (partSize × queueSize). */
const partSize = 8 << 20;
const queueSize = 4;

const isMissing = (e: unknown) =>
	e instanceof NoSuchKey ||
	e instanceof NotFound ||
	(e instanceof S3ServiceException &&
		(e.$metadata.httpStatusCode === 404 ||
			e.name === "NoSuchKey" ||
			e.name === "NotFound"));

/**
 * Blobs and uploads in an S3 bucket (AWS or any S3-compatible server), for replicas that share storage. Blobs are
 * objects under `<prefix>/blobs/<algorithm>/<2 hex>/<hex>`, written whole (PUT, copy or a completed multipart upload),
 * so a reader never sees half a blob. An upload is a series of chunk objects `<prefix>/uploads/<id>/<offset>`, one per
 * write, so it goes on from any replica and a retried write replaces what it overlaps; committing copies the one chunk
 * (or streams the chunks, in order, into one multipart upload) to the blob's key. The SDK retries throttling
 * (SlowDown, 503) and network errors with backoff before a request fails. With `redirect`, blob GETs are answered with
 * a presigned URL of the object (`downloadUrl`), signed by the same client, so it names the endpoint Wharf reaches.
 */
export function createS3Driver(
	loc: S3Location,
	client: S3Client,
	opts: { redirect?: boolean } = {},
): StorageDriver {
	const { bucket } = loc;
	const base = loc.prefix ? `${loc.prefix}/` : "";
	const blobKey = (digest: string) => {
		const [algorithm, hex] = digest.split(":");
		return `${base}blobs/${algorithm}/${hex.slice(0, 2)}/${hex}`;
	};
	const uploadPrefix = (id: string) => `${base}uploads/${id}/`;
	// Offsets zero-padded, so keys list in offset order.
	const chunkKey = (id: string, offset: number) =>
		`${uploadPrefix(id)}${String(offset).padStart(16, "0")}`;

	/** The upload's chunk objects in offset order: [offset, size, key]. */
	async function chunks(
		id: string,
	): Promise<{ offset: number; size: number; key: string }[]> {
		const out: { offset: number; size: number; key: string }[] = [];
		let token: string | undefined;
		do {
			const page = await client.send(
				new ListObjectsV2Command({
					Bucket: bucket,
					Prefix: uploadPrefix(id),
					ContinuationToken: token,
				}),
			);
			for (const o of page.Contents ?? [])
				out.push({
					offset: Number(o.Key!.slice(uploadPrefix(id).length)),
					size: o.Size ?? 0,
					key: o.Key!,
				});
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);
		return out.sort((a, b) => a.offset - b.offset);
	}

	/** The byte ranges of chunk objects that make the upload's first `length` bytes: a later chunk replaces what it overlaps. */
	function segments(
		list: { offset: number; size: number; key: string }[],
		length: number,
	) {
		const out: { key: string; start: number; end: number }[] = [];
		let at = 0;
		for (const [i, c] of list.entries()) {
			if (at >= length) break;
			if (c.offset > at)
				throw new Error(`upload is missing bytes ${at}–${c.offset - 1}`);
			const until = Math.min(
				c.offset + c.size,
				list[i + 1]?.offset ?? Infinity,
				length,
			);
			if (until > at)
				out.push({
					key: c.key,
					start: at - c.offset,
					end: until - c.offset - 1,
				});
			at = Math.max(at, until);
		}
		if (at < length) throw new Error(`upload has ${at} of ${length} bytes`);
		return out;
	}

	const get = async (key: string, range?: ByteRange) =>
		(
			await client.send(
				new GetObjectCommand({
					Bucket: bucket,
					Key: key,
					Range: range ? `bytes=${range.start}-${range.end}` : undefined,
				}),
			)
		).Body as Readable;

	/** The segments as one stream, each fetched when the one before has been read. */
	const concatenated = (parts: { key: string; start: number; end: number }[]) =>
		Readable.from(
			(async function* () {
				for (const p of parts)
					yield* await get(p.key, { start: p.start, end: p.end });
			})(),
		);

	async function removeKeys(keys: string[]) {
		for (let i = 0; i < keys.length; i += 1000) {
			await client.send(
				new DeleteObjectsCommand({
					Bucket: bucket,
					Delete: {
						Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })),
						Quiet: true,
					},
				}),
			);
		}
	}

	/** Streams `body` into `key` through a multipart upload (one PUT when small); answers once the object exists whole. */
	async function upload(key: string, body: Readable, signal?: AbortSignal) {
		const u = new Upload({
			client,
			params: { Bucket: bucket, Key: key, Body: body },
			partSize,
			queueSize,
			leavePartsOnError: false,
		});
		const abort = () => {
			void u.abort();
		};
		signal?.addEventListener("abort", abort, { once: true });
		try {
			await u.done();
		} finally {
			signal?.removeEventListener("abort", abort);
		}
	}

	async function stat(digest: string) {
		try {
			const h = await client.send(
				new HeadObjectCommand({ Bucket: bucket, Key: blobKey(digest) }),
			);
			return { size: h.ContentLength ?? 0 };
		} catch (e) {
			if (isMissing(e)) return null;
			throw e;
		}
	}

	return {
		stat,
		...(opts.redirect
			? {
					downloadUrl: (digest: string) =>
						getSignedUrl(
							client,
							new GetObjectCommand({
								Bucket: bucket,
								Key: blobKey(digest),
								ResponseContentType: "application/octet-stream",
							}),
							{ expiresIn: redirectSeconds },
						),
				}
			: {}),
		read: (digest, range) => get(blobKey(digest), range),
		async send(digest, sink, { range, signal } = {}) {
			const body = await get(blobKey(digest), range); // a missing blob rejects here, before a byte goes out
			try {
				await pipeline(body, sink, { signal });
			} catch {
				body.destroy();
				sink.destroy();
			}
		},
		async put(digest, data) {
			await client.send(
				new PutObjectCommand({
					Bucket: bucket,
					Key: blobKey(digest),
					Body: data,
					ContentLength: data.length,
				}),
			);
		},
		async delete(digest) {
			await client.send(
				new DeleteObjectCommand({ Bucket: bucket, Key: blobKey(digest) }),
			);
		},
		async createUpload() {
			// Nothing to make: an upload is its chunks.
		},
		async writeUpload(id, offset, source, signal) {
			let written = 0;
			const counted = new Transform({
				transform(chunk: Buffer, _e, done) {
					written += chunk.length;
					done(null, chunk);
				},
			});
			const body = new PassThrough({ highWaterMark: 1 << 20 });
			// A failed store stops the body too, so the client's bytes are not left waiting for a reader.
			const stored = upload(chunkKey(id, offset), body, signal).catch(
				(e: unknown) => {
					body.destroy(e as Error);
					throw e;
				},
			);
			await Promise.all([pipeline(source, counted, body, { signal }), stored]);
			// Chunks past this write came from an earlier, abandoned one: they are not part of the upload.
			const stale = (await chunks(id))
				.filter((c) => c.offset > offset)
				.map((c) => c.key);
			if (stale.length) await removeKeys(stale);
			return written;
		},
		async readUpload(id, length) {
			if (length === 0) return Readable.from([]);
			return concatenated(segments(await chunks(id), length));
		},
		async commitUpload(id, size, digest) {
			const list = await chunks(id);
			if (list.length === 0 && (await stat(digest))) return; // committed before; the upload is forgotten already
			const parts = size === 0 ? [] : segments(list, size);
			const whole =
				parts.length === 1 &&
				parts[0].start === 0 &&
				list.find((c) => c.key === parts[0].key)!.size === size;
			if (whole && size <= maxCopyBytes) {
				await client.send(
					new CopyObjectCommand({
						Bucket: bucket,
						Key: blobKey(digest),
						CopySource: `${bucket}/${encodeURIComponent(parts[0].key).replace(/%2F/g, "/")}`,
					}),
				);
			} else if (size === 0) {
				await client.send(
					new PutObjectCommand({
						Bucket: bucket,
						Key: blobKey(digest),
						Body: Buffer.alloc(0),
						ContentLength: 0,
					}),
				);
			} else {
				await upload(blobKey(digest), concatenated(parts));
			}
			await removeKeys(list.map((c) => c.key));
		},
		async deleteUpload(id) {
			await removeKeys((await chunks(id)).map((c) => c.key));
		},
	};
}
