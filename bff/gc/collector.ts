import type { ManifestService } from "../core/manifests.ts";
import type { StorageDriver } from "../core/storage/driver.ts";
import type { GcStore } from "./store.ts";

export type GcParameters = {
	delete_untagged: boolean;
	dry_run: boolean;
	workers: number;
};

export type GcResult = {
	blobs: number;
	bytes: number;
	artifacts: number;
	links: number;
	uploads: number;
};

export type GcRunDeps = {
	store: GcStore;
	storage: StorageDriver;
	manifests: ManifestService;
	/** Forgets uploads idle since before the time given; answers how many. */
	purgeUploads(before: Date): Promise<number>;
	/** Blobs (and links, and untagged artifacts) younger than this are kept; 0 collects at once. */
	windowHours: number;
	log(line: string): Promise<void>;
	progress(percent: number): Promise<void>;
	signal: AbortSignal;
};

const candidatePage = 500;
const lockChunk = 100;
/** Deleted digests listed one per line in the log; beyond, only counted (a huge log breaks the console, Harbor #20431). */
const listedDigests = 200;
const abandonedUploadMs = 24 * 3600_000;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/** Runs `work` on every item, at most `workers` at once. */
async function inParallel<T>(
	items: T[],
	workers: number,
	work: (item: T) => Promise<void>,
) {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(workers, items.length) }, async () => {
			while (next < items.length) await work(items[next++]);
		}),
	);
}

/**
 * One garbage collection. Order, and why it is safe online and after a crash:
 * 1. finish blobs an earlier run tombstoned (their files, then their rows);
 * 2. (delete_untagged) delete untagged top-level artifacts older than the window, as a DELETE by digest would;
 * 3. for each candidate digest (noted by triggers since the last run): remove its links no artifact of their
 *    repository references and older than the window; then tombstone the blob if nothing holds it — both under the
 *    digest's lock, re-checked in the statement that acts; then delete the files, then the rows. A tombstoned row is
 *    invisible and refused to writers, so a crash leaves at worst a tombstone (finished by step 1 next time), never
 *    a visible row without its file.
 * Dry run: the same queries without the locks and writes; it reports what would go.
 */
export const emptyResult = (): GcResult => ({
	blobs: 0,
	bytes: 0,
	artifacts: 0,
	links: 0,
	uploads: 0,
});

/** Fills `result` as it goes, so a stopped run still reports what it did. */
export async function collectGarbage(
	deps: GcRunDeps,
	params: GcParameters,
	result: GcResult = emptyResult(),
): Promise<GcResult> {
	const { store, storage, log, signal } = deps;
	const dry = params.dry_run;
	const workers = Math.max(1, Math.min(5, params.workers));
	const cutoff = new Date(
		Date.now() - deps.windowHours * 3600_000,
	).toISOString();
	const stopIfAsked = () => {
		if (signal.aborted)
			throw signal.reason instanceof Error
				? signal.reason
				: new Error("stopped");
	};
	let listed = 0;
	const listBlob = async (b: { digest: string; size: number }) => {
		if (listed++ < listedDigests)
			await log(
				`${dry ? "would delete" : "deleted"} blob ${b.digest} (${b.size} bytes)`,
			);
	};

	await log(
		`${dry ? "dry run: nothing is deleted. " : ""}time window ${deps.windowHours} h (kept: pushed after ${cutoff}); delete untagged: ${params.delete_untagged}; workers: ${workers}`,
	);

	if (!dry) {
		let finished = 0;
		for (
			let batch = await store.tombstones(500);
			batch.length;
			batch = await store.tombstones(500)
		) {
			await inParallel(batch, workers, (b) => storage.delete(b.digest));
			await store.forget(batch.map((b) => b.digest));
			finished += batch.length;
			stopIfAsked();
		}
		if (finished)
			await log(
				`finished ${finished} blobs an interrupted run had begun to delete`,
			);
		await store.dropExpiredPins();
		result.uploads = await deps.purgeUploads(
			new Date(Date.now() - abandonedUploadMs),
		);
		if (result.uploads)
			await log(
				`purged ${result.uploads} uploads abandoned for more than 24 h`,
			);
	}

	if (params.delete_untagged) {
		for (
			let after = 0, page = await store.untagged(cutoff, 0, 200);
			page.length;
			page = await store.untagged(cutoff, after, 200)
		) {
			for (const a of page) {
				after = a.id;
				if (!dry) {
					try {
						await deps.manifests.delete(
							{
								id: a.repository_id,
								projectId: a.project_id,
								name: a.repository,
							},
							a.digest,
						);
					} catch (e) {
						await log(
							`kept untagged ${a.repository}@${a.digest}: ${(e as Error).message}`,
						);
						continue;
					}
				}
				result.artifacts++;
				if (result.artifacts <= listedDigests)
					await log(
						`${dry ? "would delete" : "deleted"} untagged artifact ${a.repository}@${a.digest}`,
					);
			}
			stopIfAsked();
		}
		await log(
			`${dry ? "would delete" : "deleted"} ${result.artifacts} untagged artifacts${dry ? " (the blobs only they hold are not counted below)" : ""}`,
		);
	}
	await deps.progress(5);

	const upTo = await store.lastCandidate();
	const first = (await store.candidates(0, upTo, 1))[0]?.id ?? upTo;
	for (
		let after = first - 1,
			page = await store.candidates(after, upTo, candidatePage);
		page.length;
		page = await store.candidates(after, upTo, candidatePage)
	) {
		const digests = [...new Set(page.map((c) => c.digest))];
		const again: string[] = [];
		for (let i = 0; i < digests.length; i += lockChunk) {
			const slice = digests.slice(i, i + lockChunk);
			result.links += await store.unlink(slice, cutoff, dry);
			const marked = await store.mark(slice, cutoff, dry);
			if (!dry) {
				await inParallel(marked, workers, (b) => storage.delete(b.digest));
				await store.forget(marked.map((b) => b.digest));
				again.push(...(await store.stillPending(slice)));
			}
			for (const b of marked) await listBlob(b);
			result.blobs += marked.length;
			result.bytes += marked.reduce((n, b) => n + b.size, 0);
			// A stop lands between chunks: this page's candidates stay noted, so the next run looks at them again.
			stopIfAsked();
		}
		const last = page[page.length - 1].id;
		if (!dry) await store.settleCandidates(after, last, again);
		after = last;
		await deps.progress(
			5 + Math.floor((95 * (last - first + 1)) / Math.max(1, upTo - first + 1)),
		);
		stopIfAsked();
	}
	if (listed > listedDigests)
		await log(`… and ${listed - listedDigests} more blobs`);
	await log(
		`${dry ? "would remove" : "removed"} ${result.links} repository links; ${dry ? "would delete" : "deleted"} ${result.blobs} blobs, ${mib(result.bytes)} (${result.bytes} bytes) ${dry ? "would be" : ""} freed`.replace(
			"  ",
			" ",
		),
	);
	await deps.progress(100);
	return result;
}
