import type { Readable } from "node:stream";
import type { StorageDriver } from "../../core/storage/driver.ts";

/**
 * Blob bytes held for parsing at once, in the whole process, so what reading and parsing costs stays bounded however
 * many clients ask at once; readers beyond it queue. One largest config (4 MiB) at a time: with two, the config-bomb
 * bench peaked at 325 MB RSS; with one, 287–298 MB against its 300 MB bound.
 */
const parsingBytes = 4 * 1024 * 1024;
/**
 * Most JSON values a blob may hold to be parsed. JSON.parse takes about 20 bytes of heap per byte of `[{},{},…]`, so
 * size alone does not bound it; the count does. A real config holds a few thousand (history, env, labels).
 */
const maxJsonValues = 100_000;

/** Whether `bytes` holds at most `max` values: commas and openers outside strings bound their number. */
function fewValues(bytes: Buffer, max: number): boolean {
	let n = 0;
	let inString = false;
	for (let i = 0; i < bytes.length; i++) {
		const c = bytes[i];
		if (inString) {
			if (c === 0x5c)
				i++; // a backslash escapes the next byte
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) inString = true;
		else if ((c === 0x2c || c === 0x5b || c === 0x7b) && ++n > max)
			return false;
	}
	return true;
}

/** A weighted semaphore over bytes, first come first served. */
function createByteGate(capacity: number) {
	let free = capacity;
	const waiting: { n: number; go: () => void }[] = [];
	const wake = () => {
		while (waiting.length && waiting[0].n <= free) {
			const w = waiting.shift()!;
			free -= w.n;
			w.go();
		}
	};
	return {
		async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
			const n = Math.min(Math.max(bytes, 1), capacity);
			if (waiting.length === 0 && n <= free) free -= n;
			else await new Promise<void>((go) => waiting.push({ n, go }));
			try {
				return await work();
			} finally {
				free += n;
				wake();
			}
		},
	};
}

const gate = createByteGate(parsingBytes);

/** What one request may have the server read and parse; once spent, the rest of the request goes without. */
export type ParseBudget = { take(bytes: number): boolean };

export function createParseBudget(bytes: number): ParseBudget {
	let left = bytes;
	return {
		take(n) {
			if (n > left) return false;
			left -= n;
			return true;
		},
	};
}

/** Reads a small blob whole, or null when it is missing or larger than `cap` (never buffered past the cap). */
async function readSmall(
	storage: StorageDriver,
	digest: string,
	cap: number,
): Promise<Buffer | null> {
	let stream: Readable;
	try {
		stream = await storage.read(digest);
	} catch {
		return null;
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		size += (chunk as Buffer).length;
		if (size > cap) {
			stream.destroy();
			return null;
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** The parsed JSON, or null when it is not JSON or holds more than `maxJsonValues` values. */
export const parseJson = (bytes: Buffer): unknown => {
	if (!fewValues(bytes, maxJsonValues)) return null;
	try {
		return JSON.parse(bytes.toString("utf8")) as unknown;
	} catch {
		return null;
	}
};

/**
 * Reads a JSON blob and hands the parsed value to `pick`, which keeps what the answer needs: the parse tree never
 * outlives this call. `size` is what the descriptor says the blob weighs; a blob over `cap`, or heavier than it
 * claims, is not read further. Null when the blob is missing, too large or not JSON.
 */
export function readJsonBlob<T>(
	storage: StorageDriver,
	blob: { digest: string; size: number },
	cap: number,
	pick: (json: unknown) => T,
): Promise<T | null> {
	if (blob.size > cap) return Promise.resolve(null);
	return gate.run(blob.size, async () => {
		const bytes = await readSmall(storage, blob.digest, blob.size);
		if (!bytes) return null;
		const json = parseJson(bytes);
		return json === null ? null : pick(json);
	});
}
