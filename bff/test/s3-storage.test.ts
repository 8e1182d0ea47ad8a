import { createHash, randomBytes } from "node:crypto";
import { PassThrough, Readable, Writable } from "node:stream";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageDriver } from "../core/storage/driver.ts";
import { createS3Driver, parseS3Url } from "../core/storage/s3.ts";
import { type S3Server, startS3Server } from "./s3-server.ts";

const digestOf = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;
const bytesOf = async (r: Readable) => {
	const out: Buffer[] = [];
	for await (const c of r) out.push(c as Buffer);
	return Buffer.concat(out);
};
/** A body in pieces on later turns of the event loop, as a socket delivers it. */
const arriving = (data: Buffer, piece = 256 * 1024) =>
	Readable.from(
		(async function* () {
			for (let at = 0; at < data.length; at += piece) {
				await new Promise((r) => setImmediate(r));
				yield data.subarray(at, at + piece);
			}
		})(),
	);

describe("the S3 storage driver against an S3-compatible server (s3rver)", () => {
	let s3: S3Server;
	let storage: StorageDriver;
	/** Another replica's driver on the same bucket and prefix. */
	let other: StorageDriver;
	const keysUnder = async (prefix: string) =>
		(
			(
				await s3
					.client()
					.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))
			).Contents ?? []
		).map((o) => o.Key!);

	beforeAll(async () => {
		s3 = await startS3Server();
		const loc = parseS3Url(`s3://${s3.bucket}/site-a?path_style=true`);
		storage = createS3Driver(loc, s3.client());
		other = createS3Driver(loc, s3.client());
	});
	afterAll(() => s3?.stop());

	it("reads WHARF_STORAGE URLs, and refuses what is not one", () => {
		expect(
			parseS3Url("s3://bucket/some/prefix/?path_style=true&region=eu-west-1"),
		).toEqual({
			bucket: "bucket",
			prefix: "some/prefix",
			pathStyle: true,
			region: "eu-west-1",
		});
		expect(parseS3Url("s3://bucket")).toEqual({
			bucket: "bucket",
			prefix: "",
			pathStyle: false,
			region: undefined,
		});
		expect(() => parseS3Url("http://bucket/x")).toThrow(
			/s3:\/\/bucket\/prefix/,
		);
		expect(() => parseS3Url("s3://bucket/x?path_style=yes")).toThrow(
			/path_style must be true or false/,
		);
	});

	it("keeps a blob whole under its digest: stat, read, a range, send, delete", async () => {
		const data = randomBytes(3 * (1 << 20) + 17);
		const digest = digestOf(data);
		expect(await storage.stat(digest)).toBeNull();
		await storage.put(digest, data);
		expect(await storage.stat(digest)).toEqual({ size: data.length });
		expect((await bytesOf(await storage.read(digest))).equals(data)).toBe(true);
		expect(
			(
				await bytesOf(
					await storage.read(digest, { start: 1000, end: 2_000_000 }),
				)
			).equals(data.subarray(1000, 2_000_001)),
		).toBe(true);
		const got: Buffer[] = [];
		const sink = new Writable({
			write(c: Buffer, _e, done) {
				got.push(c);
				done();
			},
		});
		await storage.send(digest, sink, { range: { start: 5, end: 99 } });
		expect(Buffer.concat(got).equals(data.subarray(5, 100))).toBe(true);
		expect(await keysUnder("site-a/blobs/sha256/")).toContain(
			`site-a/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`,
		);
		await storage.delete(digest);
		expect(await storage.stat(digest)).toBeNull();
	});

	it("rejects sending a blob whose bytes are gone, with nothing written", async () => {
		const sink = new PassThrough();
		await expect(
			storage.send(`sha256:${"0".repeat(64)}`, sink),
		).rejects.toThrow();
		expect(sink.destroyed).toBe(false);
		expect(sink.writableLength + sink.readableLength).toBe(0);
	});

	it("commits an upload written in one go by copying it to its digest, and forgets the upload", async () => {
		const data = randomBytes(9 * (1 << 20) + 3); // more than one multipart part
		const digest = digestOf(data);
		await storage.createUpload("one");
		expect(await storage.writeUpload("one", 0, arriving(data))).toBe(
			data.length,
		);
		expect(
			(await bytesOf(await storage.readUpload("one", 1234))).equals(
				data.subarray(0, 1234),
			),
		).toBe(true);
		await storage.commitUpload("one", data.length, digest);
		expect((await bytesOf(await storage.read(digest))).equals(data)).toBe(true);
		expect(await keysUnder("site-a/uploads/one/")).toEqual([]);
		await storage.commitUpload("one", data.length, digest); // idempotent: committed before, nothing left to do
		expect(await storage.stat(digest)).toEqual({ size: data.length });
	});

	it("joins a chunked upload in order, goes on from another replica, and a retried write replaces what it overlaps", async () => {
		const parts = [
			randomBytes(700_000),
			randomBytes(6 * (1 << 20)),
			randomBytes(12_345),
		];
		await storage.createUpload("chunks");
		expect(await storage.writeUpload("chunks", 0, arriving(parts[0]))).toBe(
			parts[0].length,
		);
		// A write that died: its bytes are written but the client starts again at the end of the first part.
		await storage.writeUpload(
			"chunks",
			parts[0].length,
			arriving(randomBytes(3 * (1 << 20))),
		);
		// The rest arrives at another replica.
		expect(
			await other.writeUpload("chunks", parts[0].length, arriving(parts[1])),
		).toBe(parts[1].length);
		expect(
			await other.writeUpload(
				"chunks",
				parts[0].length + parts[1].length,
				arriving(parts[2]),
			),
		).toBe(parts[2].length);
		const whole = Buffer.concat(parts);
		expect(
			(await bytesOf(await storage.readUpload("chunks", whole.length))).equals(
				whole,
			),
		).toBe(true);
		await storage.commitUpload("chunks", whole.length, digestOf(whole));
		expect(
			(await bytesOf(await other.read(digestOf(whole)))).equals(whole),
		).toBe(true);
		expect(await keysUnder("site-a/uploads/chunks/")).toEqual([]);
	});

	it("commits only the size asked for, an empty blob too, and deleteUpload leaves nothing behind", async () => {
		const data = randomBytes(100_000);
		await storage.writeUpload("short", 0, Readable.from([data]));
		await storage.commitUpload("short", 4000, digestOf(data.subarray(0, 4000)));
		expect(
			(
				await bytesOf(await storage.read(digestOf(data.subarray(0, 4000))))
			).equals(data.subarray(0, 4000)),
		).toBe(true);

		await storage.createUpload("empty");
		await storage.commitUpload("empty", 0, digestOf(Buffer.alloc(0)));
		expect(await storage.stat(digestOf(Buffer.alloc(0)))).toEqual({ size: 0 });

		await storage.writeUpload("dropped", 0, Readable.from([data]));
		await storage.deleteUpload("dropped");
		expect(await keysUnder("site-a/uploads/dropped/")).toEqual([]);
	});

	it("stores nothing of a write whose client went away", async () => {
		const ac = new AbortController();
		const body = Readable.from(
			(async function* () {
				yield randomBytes(1 << 20);
				ac.abort(new Error("client disconnected"));
				await new Promise((r) => setTimeout(r, 50));
				yield randomBytes(1 << 20);
			})(),
		);
		await expect(
			storage.writeUpload("gone", 0, body, ac.signal),
		).rejects.toThrow();
		expect(await keysUnder("site-a/uploads/gone/")).toEqual([]);
	});
});
