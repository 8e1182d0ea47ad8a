import type { Readable } from 'node:stream';
import type { StorageDriver } from '../../core/storage/driver.ts';

/**
 * Blob bytes held for parsing at once, in the whole process. JSON.parse of crafted input takes about 20 times its
 * size in heap, so this bounds what parsing can cost however many clients ask at once; readers beyond it queue.
 */
const parsingBytes = 8 * 1024 * 1024;

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
      try { return await work(); } finally { free += n; wake(); }
    },
  };
}

const gate = createByteGate(parsingBytes);

/** What one request may have the server read and parse; once spent, the rest of the request goes without. */
export type ParseBudget = { take(bytes: number): boolean };

export function createParseBudget(bytes: number): ParseBudget {
  let left = bytes;
  return { take: (n) => (n <= left ? ((left -= n), true) : false) };
}

/** Reads a small blob whole, or null when it is missing or larger than `cap` (never buffered past the cap). */
export async function readSmall(storage: StorageDriver, digest: string, cap: number): Promise<Buffer | null> {
  let stream: Readable;
  try { stream = await storage.read(digest); } catch { return null; }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > cap) { stream.destroy(); return null; }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export const parseJson = (bytes: Buffer): unknown => {
  try { return JSON.parse(bytes.toString('utf8')) as unknown; } catch { return null; }
};

/**
 * Reads a JSON blob and hands the parsed value to `pick`, which keeps what the answer needs: the parse tree never
 * outlives this call. `size` is what the descriptor says the blob weighs; a blob over `cap`, or heavier than it
 * claims, is not read further. Null when the blob is missing, too large or not JSON.
 */
export function readJsonBlob<T>(storage: StorageDriver, blob: { digest: string; size: number }, cap: number, pick: (json: unknown) => T): Promise<T | null> {
  if (blob.size > cap) return Promise.resolve(null);
  return gate.run(blob.size, async () => {
    const bytes = await readSmall(storage, blob.digest, blob.size);
    if (!bytes) return null;
    const json = parseJson(bytes);
    return json === null ? null : pick(json);
  });
}

