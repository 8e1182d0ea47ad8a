import { createHash, type Hash, randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isForeignKeyViolation } from "../db/sql-match.ts";
import { allowAll, type WriteGuard } from "./access.ts";
import { withPin } from "./blob-locks.ts";
import {
	type DigestAlgorithm,
	finishDigest,
	hashing,
	parseDigest,
} from "./digest.ts";
import { RegistryError, unknownUpload } from "./errors.ts";
import type { StorageDriver } from "./storage/driver.ts";
import type { RegistryStore } from "./store.ts";

export type RepositoryRef = { id: number; projectId: number; name: string };

const leaseMs = 30_000;
const leaseRenewMs = 10_000;
/**
 * A body of unknown length reserves quota this far ahead of the bytes it has sent (one transaction per step); near
 * the limit, where a step no longer fits, exactly what each chunk needs. A known length is reserved whole, up front.
 */
const reserveStep = 8 * 1024 * 1024;

/**
 * Lets bytes through only once `ensure` has reserved quota up to them. A refusal ends the stream where it stands (the
 * rest of the body is read and dropped) and is kept in `refusal`: the write then stops cleanly, and the caller throws.
 */
function metered(
	start: number,
	covered: number,
	ensure: (upTo: number) => Promise<number>,
) {
	let at = start;
	const state: { refusal?: unknown } = {};
	const stream = new Transform({
		transform(chunk: Buffer, _enc, done) {
			if ("refusal" in state) {
				done();
				return;
			}
			at += chunk.length;
			if (at <= covered) {
				done(null, chunk);
				return;
			}
			ensure(at).then(
				(now) => {
					covered = now;
					done(null, chunk);
				},
				(e: unknown) => {
					state.refusal = e;
					this.push(null);
					done();
				},
			);
		},
	});
	return { stream, state };
}

const refusedByQuota = (e: unknown) =>
	e instanceof RegistryError && e.code === "DENIED";

/**
 * Upload sessions. The session (offset, algorithm) is a database row and the bytes a temporary object, so any
 * replica can continue an upload, also after a restart. node:crypto hashes at ~2 GB/s but cannot save its state,
 * so the running hash is kept in this process while its offset matches the row, and rebuilt by re-reading the
 * received part when it does not (another replica or a restart): the common path pays nothing for resumability.
 */
export function createUploadService(deps: {
	store: RegistryStore;
	storage: StorageDriver;
	guard?: WriteGuard;
}) {
	const { store, storage } = deps;
	const guard = deps.guard ?? allowAll;
	const running = new Map<
		string,
		{ offset: number; hash: Hash; algorithm: DigestAlgorithm }
	>();

	async function load(id: string, repo: RepositoryRef) {
		if (!/^[0-9a-f-]{36}$/.test(id)) throw unknownUpload();
		const row = await store.findUpload(id);
		if (!row || row.repository_id !== repo.id) throw unknownUpload();
		return row;
	}

	/** The hash of the first `offset` bytes, from memory or rebuilt from storage. */
	async function hashAt(
		id: string,
		offset: number,
		algorithm: DigestAlgorithm,
	): Promise<Hash> {
		const kept = running.get(id);
		if (kept && kept.offset === offset && kept.algorithm === algorithm)
			return kept.hash;
		const hash = createHash(algorithm);
		await pipeline(
			await storage.readUpload(id, offset),
			hashing(hash),
			new Writable({ write: (_c, _e, done) => done() }),
		);
		return hash;
	}

	/** Holds the upload's lease for the duration of `work`, renewing it, so no second writer interleaves bytes. */
	async function withLease<T>(
		id: string,
		offset: number,
		work: (token: string) => Promise<T>,
	): Promise<T> {
		const token = randomUUID();
		if (!(await store.claimUpload(id, offset, token, leaseMs))) {
			// Gone meanwhile (cancelled, or deleted with its repository): the client starts again.
			if (!(await store.findUpload(id))) throw unknownUpload();
			throw new RegistryError(
				"RANGE_INVALID",
				"upload is being written by another request, or the offset moved",
				undefined,
				416,
			);
		}
		const renew = setInterval(() => {
			void store.claimUpload(id, offset, token, leaseMs).catch(() => {});
		}, leaseRenewMs);
		try {
			return await work(token);
		} finally {
			clearInterval(renew);
		}
	}

	/**
	 * Reserves `bytes` more for the upload, atomically against the project's quota (DENIED when they do not fit);
	 * `ahead`: more than the bytes in hand need (a refusal is then asked again for less, not reported).
	 */
	const reserve = (
		repo: RepositoryRef,
		id: string,
		bytes: number,
		ahead = false,
	) =>
		store.reserve(id, bytes, (tx) =>
			guard.beforeAdd(repo.projectId, { bytes, ahead }, tx),
		);

	type Chunk = {
		repo: RepositoryRef;
		id: string;
		offset: number;
		reserved: number;
		algorithm: DigestAlgorithm;
		free?: number;
	};

	/**
	 * Writes a body at `offset`, each byte only once quota covers it: `reserved` is what the upload holds, `free` what
	 * needs no reservation (the size of a blob the client declared, which adds nothing if the project has it; the
	 * closing check counts it otherwise). A refusal forgets the upload, so nothing of it stays behind.
	 */
	async function writeChunk(
		c: Chunk,
		body: Readable,
		expectedLength: number | undefined,
		signal?: AbortSignal,
	) {
		const { repo, id, offset } = c;
		let covered = Math.max(c.reserved, offset) + (c.free ?? 0);
		const ensure = async (upTo: number) => {
			const need = upTo - covered;
			if (need > 0) {
				const step =
					expectedLength === undefined && need < reserveStep
						? reserveStep
						: need;
				try {
					await reserve(repo, id, step, step > need);
					covered += step;
				} catch (e) {
					if (step === need || !refusedByQuota(e)) throw e;
					await reserve(repo, id, need);
					covered += need;
				}
			}
			return covered;
		};
		try {
			if (expectedLength !== undefined) await ensure(offset + expectedLength);
			return await writeMetered(
				c,
				body,
				expectedLength,
				signal,
				ensure,
				covered,
			);
		} catch (e) {
			if (refusedByQuota(e)) await forget(id, repo);
			throw e;
		}
	}

	async function writeMetered(
		c: Chunk,
		body: Readable,
		expectedLength: number | undefined,
		signal: AbortSignal | undefined,
		ensure: (upTo: number) => Promise<number>,
		covered: number,
	) {
		const { id, offset, algorithm } = c;
		return withLease(id, offset, async (token) => {
			let end = offset;
			try {
				const hash = await hashAt(id, offset, algorithm);
				running.delete(id); // the hash is about to move: it is only trusted again once the write is durable
				const meter = metered(offset, covered, ensure);
				const written = await storage.writeUpload(
					id,
					offset,
					body.pipe(meter.stream).pipe(hashing(hash)),
					signal,
				);
				if ("refusal" in meter.state) throw meter.state.refusal;
				if (expectedLength !== undefined && written !== expectedLength) {
					throw new RegistryError(
						"SIZE_INVALID",
						`received ${written} bytes, Content-Length said ${expectedLength}`,
					);
				}
				end = offset + written;
				running.set(id, { offset: end, hash, algorithm });
				return end;
			} finally {
				await store.releaseUpload(id, token, end);
				await store.settleReservation(id, end);
			}
		});
	}

	/** Drops an upload refused by the quota, and its repository when the refused push was all it held. */
	async function forget(id: string, repo: RepositoryRef) {
		running.delete(id);
		await store.deleteUpload(id);
		await storage.deleteUpload(id);
		await store.dropIfEmpty(repo.id);
	}

	return {
		/**
		 * Starts an upload. A push the quota refused in a repository that held nothing else removes the repository: one
		 * starting there meanwhile makes it again, and `repo` then names the new one.
		 */
		async start(
			repo: RepositoryRef,
			principal: string,
			algorithm: DigestAlgorithm = "sha256",
		): Promise<string> {
			const id = randomUUID();
			// The row first: a file without one (its insert refused on a full disk) would never be purged.
			try {
				await store.createUpload({
					id,
					repositoryId: repo.id,
					principal,
					algorithm,
				});
			} catch (e) {
				if (!isForeignKeyViolation(e)) throw e;
				repo.id = await store.ensureRepository(repo.projectId, repo.name);
				await store.createUpload({
					id,
					repositoryId: repo.id,
					principal,
					algorithm,
				});
			}
			await storage.createUpload(id);
			return id;
		},

		async status(id: string, repo: RepositoryRef): Promise<number> {
			return (await load(id, repo)).offset;
		},

		/** A PATCH: appends the body at the current offset. `range` is the Content-Range the client sent, if any. */
		async append(
			id: string,
			repo: RepositoryRef,
			body: Readable,
			opts: { range?: string; length?: number; signal?: AbortSignal },
		): Promise<number> {
			const row = await load(id, repo);
			let expected = opts.length;
			if (opts.range) {
				const m = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(opts.range.trim());
				if (!m)
					throw new RegistryError(
						"RANGE_INVALID",
						`invalid Content-Range: ${opts.range}`,
						undefined,
						416,
					);
				const [start, end] = [Number(m[1]), Number(m[2])];
				if (start !== row.offset || end < start) {
					throw new RegistryError(
						"RANGE_INVALID",
						`chunk starts at ${start}, upload is at ${row.offset}`,
						{ offset: row.offset },
						416,
					);
				}
				expected = end - start + 1;
			}
			const chunk = {
				repo,
				id,
				offset: row.offset,
				reserved: Number(row.reserved),
				algorithm: row.hash_algorithm as DigestAlgorithm,
			};
			return writeChunk(chunk, body, expected, opts.signal);
		},

		/** The closing PUT: appends an optional last chunk, verifies the digest, and makes the blob visible. */
		async finish(
			id: string,
			repo: RepositoryRef,
			digestParam: string,
			body: Readable | null,
			opts: { length?: number; signal?: AbortSignal },
		): Promise<string> {
			const { algorithm, digest } = parseDigest(digestParam);
			const row = await load(id, repo);
			let offset = row.offset;
			if (body && (opts.length ?? 1) > 0) {
				// Bytes declared to be a blob the registry holds need no reservation: the commit below counts them if need be.
				const known = offset === 0 ? await store.findBlob(digest) : undefined;
				const free =
					known &&
					(opts.length === undefined || opts.length === Number(known.size))
						? Number(known.size)
						: 0;
				const chunk = {
					repo,
					id,
					offset,
					reserved: Number(row.reserved),
					algorithm: row.hash_algorithm as DigestAlgorithm,
					free,
				};
				offset = await writeChunk(chunk, body, opts.length, opts.signal);
			}
			return withLease(id, offset, async () => {
				const actual = finishDigest(
					await hashAt(id, offset, algorithm),
					algorithm,
				);
				if (actual !== digest) {
					await this.cancel(id);
					throw new RegistryError(
						"DIGEST_INVALID",
						"provided digest did not match uploaded content",
						{ expected: digest, actual },
					);
				}
				// Pinned from before the bytes land until their row is committed: GC leaves the digest alone meanwhile.
				await withPin(store.db, digest, async () => {
					await storage.commitUpload(id, offset, digest);
					try {
						// The reservation becomes the blob's pending link; a blob written unreserved (declared and held) is counted here.
						await store.commitUpload(
							id,
							repo.id,
							repo.projectId,
							digest,
							offset,
							(tx, reserved) =>
								guard.beforeAdd(
									repo.projectId,
									{ blobs: [{ digest, size: offset }], bytes: -reserved },
									tx,
								),
						);
					} catch (e) {
						if (refusedByQuota(e)) await forget(id, repo);
						// The repository was deleted meanwhile, and the upload with it.
						if (isForeignKeyViolation(e)) throw unknownUpload();
						throw e;
					}
				});
				running.delete(id);
				return digest;
			});
		},

		async cancel(id: string, repo?: RepositoryRef): Promise<void> {
			if (repo) await load(id, repo);
			running.delete(id);
			await store.deleteUpload(id);
			await storage.deleteUpload(id);
		},

		/** Forgets uploads idle since before `before` (abandoned pushes), and blobs pushed before it that no manifest took. */
		async purgeStale(before: Date): Promise<number> {
			const stale = await store.staleUploads(before.toISOString());
			for (const { id } of stale) await this.cancel(id);
			await store.purgeStalePending(before.toISOString());
			return stale.length;
		},
	};
}

export type UploadService = ReturnType<typeof createUploadService>;
