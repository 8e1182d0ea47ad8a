import type { Readable, Writable } from "node:stream";

export type ByteRange = { start: number; end: number }; // inclusive, as HTTP ranges

/**
 * Where bytes live. Committed blobs are content-addressed by digest; uploads are temporary objects named by
 * upload id. The core never lists, renames or inspects paths: it asks only these questions, so S3 fits too.
 */
export interface StorageDriver {
	/** Size of a committed blob, or null when its bytes are not there. */
	stat(digest: string): Promise<{ size: number } | null>;
	/** Streams a committed blob, or the given inclusive range of it. */
	read(digest: string, range?: ByteRange): Promise<Readable>;
	/**
	 * Sends a committed blob, or an inclusive range of it, into `sink` and ends it: what a blob GET does. Rejects, with
	 * nothing written, when the bytes are gone; a failure once bytes have gone out destroys the sink instead.
	 */
	send(
		digest: string,
		sink: Writable,
		opts?: { range?: ByteRange; signal?: AbortSignal },
	): Promise<void>;
	/**
	 * Where a client may GET the committed blob itself for a while, without Wharf in the way (S3's presigned URL), when
	 * the driver is set to hand them out; absent: blob GETs stream through Wharf.
	 */
	downloadUrl?(digest: string): Promise<string>;
	/** Writes a small blob whole (manifests), durably, under its digest; idempotent. */
	put(digest: string, data: Buffer): Promise<void>;
	delete(digest: string): Promise<void>;

	createUpload(id: string): Promise<void>;
	/** Writes `source` into the upload starting at `offset`; resolves with the bytes written once they are durable. */
	writeUpload(
		id: string,
		offset: number,
		source: Readable,
		signal?: AbortSignal,
	): Promise<number>;
	/** Streams the first `length` bytes of an upload (to rebuild a hash after a restart). */
	readUpload(id: string, length: number): Promise<Readable>;
	/** Makes the first `size` bytes of the upload the durable blob `digest`, then forgets the upload. Idempotent. */
	commitUpload(id: string, size: number, digest: string): Promise<void>;
	deleteUpload(id: string): Promise<void>;
}
