import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import {
	afterAll,
	afterEach,
	beforeAll,
	describe,
	expect,
	it,
	vi,
} from "vitest";
import type { StorageDriver } from "./driver.ts";
import { createFilesystemDriver, flushEvery } from "./filesystem.ts";

/** A sink that keeps what it is sent, slowly, so the sender has to wait for flushes and reuse its buffers. */
function slowSink() {
	const chunks: Buffer[] = [];
	const sink = new Writable({
		highWaterMark: 1,
		write(chunk: Buffer, _e, done) {
			chunks.push(Buffer.from(chunk));
			setImmediate(done);
		},
	});
	const finished = new Promise<void>((resolve, reject) => {
		sink.on("finish", resolve);
		sink.on("error", reject);
	});
	return { sink, finished, bytes: () => Buffer.concat(chunks) };
}

describe("the filesystem driver sends a blob", () => {
	let root: string;
	let storage: StorageDriver;
	// Several megabytes and not a multiple of the 1 MiB buffers: every buffer is reused, and the last read is short.
	const data = randomBytes(5 * (1 << 20) + 12_345);
	const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;

	beforeAll(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), "wharf-storage-"));
		storage = createFilesystemDriver(root);
		await storage.put(digest, data);
	});
	afterAll(() => rm(root, { recursive: true, force: true }));

	it("whole, byte for byte, and ends the sink", async () => {
		const { sink, finished, bytes } = slowSink();
		await storage.send(digest, sink);
		await finished;
		expect(bytes().equals(data)).toBe(true);
	});

	it("as an inclusive range that spans buffers", async () => {
		const range = { start: (1 << 20) - 7, end: 3 * (1 << 20) + 99 };
		const { sink, finished, bytes } = slowSink();
		await storage.send(digest, sink, { range });
		await finished;
		expect(bytes().equals(data.subarray(range.start, range.end + 1))).toBe(
			true,
		);
	});

	it("rejects with nothing written when the bytes are gone", async () => {
		const sink = new PassThrough();
		await expect(
			storage.send(`sha256:${"0".repeat(64)}`, sink),
		).rejects.toThrow(/ENOENT/);
		expect(sink.destroyed).toBe(false);
		expect(sink.writableLength + sink.readableLength).toBe(0);
	});

	it("stops and destroys the sink when the receiver goes away midway, without hanging", async () => {
		const ac = new AbortController();
		let received = 0;
		const sink = new Writable({
			write(chunk: Buffer, _e, done) {
				received += chunk.length;
				if (received >= 2 << 20) ac.abort(new Error("client disconnected"));
				else setImmediate(done); // after the abort the write never completes, as on a dead socket
			},
		});
		await storage.send(digest, sink, { signal: ac.signal });
		expect(sink.destroyed).toBe(true);
		expect(received).toBeLessThan(data.length);
	});
});

describe("the filesystem driver writes an upload", () => {
	let root: string;
	let storage: StorageDriver;
	let fileHandle: { datasync(): Promise<void> };
	beforeAll(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), "wharf-storage-"));
		storage = createFilesystemDriver(root);
		const probe = await open(path.join(root, "probe"), "w");
		fileHandle = Object.getPrototypeOf(probe) as typeof fileHandle;
		await probe.close();
	});
	afterEach(() => {
		vi.restoreAllMocks();
	});
	afterAll(() => rm(root, { recursive: true, force: true }));

	/** A body of `data` in 1 MiB pieces, each on a later turn of the event loop, as a socket delivers it. */
	function arriving(data: Buffer, onLastPiece: () => void) {
		return Readable.from(
			(async function* () {
				for (let at = 0; at < data.length; at += 1 << 20) {
					if (at + (1 << 20) >= data.length) onLastPiece();
					await new Promise((r) => setImmediate(r));
					yield data.subarray(at, at + (1 << 20));
				}
			})(),
		);
	}

	it("flushes to disk while the body arrives, and keeps every byte at its offset", async () => {
		const datasync = vi.spyOn(fileHandle, "datasync");
		const head = randomBytes(1000);
		const body = randomBytes(2 * flushEvery + 4321);
		await storage.createUpload("u1");
		expect(await storage.writeUpload("u1", 0, Readable.from([head]))).toBe(
			head.length,
		);
		let flushesBeforeEnd = 0;
		expect(
			await storage.writeUpload(
				"u1",
				head.length,
				arriving(body, () => {
					flushesBeforeEnd = datasync.mock.calls.length;
				}),
			),
		).toBe(body.length);
		expect(flushesBeforeEnd).toBeGreaterThan(0);
		expect(
			(await readFile(path.join(root, "uploads", "u1"))).equals(
				Buffer.concat([head, body]),
			),
		).toBe(true);
	});

	it("fails the write when a flush made while the body arrived failed", async () => {
		vi.spyOn(fileHandle, "datasync").mockRejectedValue(
			Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" }),
		);
		await storage.createUpload("u2");
		await expect(
			storage.writeUpload(
				"u2",
				0,
				arriving(randomBytes(flushEvery + 10), () => {}),
			),
		).rejects.toThrow(/EIO/);
	});
});
