import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { LRUCache } from "lru-cache";
import pLimit from "p-limit";
import { mediaTypes } from "../core/media-types.ts";
import { createPacer } from "./bandwidth.ts";
import {
	blobsOf,
	type Descriptor,
	missingManifests,
	parseManifest,
	planTree,
	readManifest,
} from "./manifest-tree.ts";
import type { Referrer, V2Client } from "./v2-client.ts";

export type CopySide = { client: V2Client; repo: string };
export type CopyOptions = {
	/** false: a destination tag already pointing at another digest is left alone (skipped). */
	override: boolean;
	/** KB/s bandwidth limit for this task's blob bytes; -1 or 0 = unlimited. */
	speedKb: number;
	/** Chunked blob upload (PATCHes) instead of one PUT. */
	copyByChunk: boolean;
	/** Stop/shutdown: give up promptly, leave nothing half-written at the destination. */
	signal: AbortSignal;
	log(line: string): Promise<void>;
	progress?(bytesDone: number, bytesTotal: number): void;
};
export type CopyResult = {
	digest: string;
	skipped: false | "exists" | "not-overridden";
	blobsSent: number;
	blobsSkipped: number;
	blobsMounted: number;
	bytesSent: number;
};

/** Harbor's chunk size for `copy_by_chunk`; one chunk is in memory at a time. */
const chunkSize = 10 * 1024 * 1024;
/** Blobs of one artifact sent at once (layers of an image, platforms of an index). */
const blobConcurrency = 3;
/** Referrers of referrers (a signature of an SBOM) are followed this deep. */
const maxAccessoryDepth = 2;
const cosignSuffixes = [".sig", ".att", ".sbom"];
const progressEveryMs = 250;

/**
 * Blobs this process sent to each destination client, by digest → repository: a later copy of the same blob into
 * another repository of that destination mounts it instead of sending it again. Remembered only where known for
 * free (never asked of the remote), bounded, and gone with the client.
 */
const sentBlobs = new WeakMap<V2Client, LRUCache<string, string>>();
const sentOn = (c: V2Client) => {
	let m = sentBlobs.get(c);
	if (!m) {
		m = new LRUCache<string, string>({ max: 10_000 });
		sentBlobs.set(c, m);
	}
	return m;
};

const referrersTag = (digest: string) => digest.replace(":", "-");

type Run = {
	src: CopySide;
	dst: CopySide;
	opts: CopyOptions;
	result: Omit<CopyResult, "digest" | "skipped">;
	pacer: ReturnType<typeof createPacer>;
	limit: ReturnType<typeof pLimit>;
	active: Set<Readable>;
	bytesDone: number;
	bytesTotal: number;
	lastProgress: number;
	dstHasReferrersApi?: boolean;
};

function report(run: Run, force = false) {
	if (!run.opts.progress) return;
	const now = Date.now();
	if (!force && now - run.lastProgress < progressEveryMs) return;
	run.lastProgress = now;
	run.opts.progress(run.bytesDone, run.bytesTotal);
}

/** One blob: skipped when the destination has it (a retried task resumes here), mounted when cheap, else streamed. */
async function copyBlob(run: Run, blob: Descriptor): Promise<void> {
	const { src, dst, opts } = run;
	await run.pacer.idle();
	opts.signal.throwIfAborted();
	if ((await dst.client.headBlob(dst.repo, blob.digest)) !== null) {
		run.result.blobsSkipped++;
		run.bytesDone += blob.size;
		await opts.log(
			`blob ${blob.digest} (${blob.size} bytes) is already at the destination: skipped`,
		);
		return;
	}
	const sent = sentOn(dst.client);
	const from = sent.get(blob.digest);
	if (
		from &&
		from !== dst.repo &&
		(await dst.client.mountBlob(dst.repo, blob.digest, from).catch(() => false))
	) {
		run.result.blobsMounted++;
		run.bytesDone += blob.size;
		await opts.log(`blob ${blob.digest} mounted from ${from}`);
		return;
	}
	opts.signal.throwIfAborted();
	const { stream } = await src.client.getBlob(src.repo, blob.digest);
	run.active.add(stream);
	try {
		const counter = new Transform({
			transform(chunk: Buffer, _enc, done) {
				run.bytesDone += chunk.length;
				run.result.bytesSent += chunk.length;
				report(run);
				done(null, chunk);
			},
		});
		// Which end broke first: a failing upload tears the source down too, and the other way round.
		let firstBroken: "source" | "destination" | undefined;
		stream.once("error", () => {
			firstBroken ??= "source";
		});
		counter.once("error", () => {
			firstBroken ??= "destination";
		});
		// The pipeline ends in `counter`, which the upload reads: bytes flow source → pacer → destination.
		const flowing = pipeline([stream, run.pacer.through(), counter]).then(
			() => null,
			(e: unknown) => e,
		);
		try {
			await dst.client.putBlob(
				dst.repo,
				blob.digest,
				counter,
				blob.size,
				opts.copyByChunk ? { chunkSize } : {},
			);
		} catch (e) {
			// When the source broke off, say so: the upload then fails only because its body ended early.
			const broke = (await flowing) as { message?: string } | null;
			if (broke && firstBroken === "source" && !opts.signal.aborted) {
				throw new Error(
					`reading blob ${blob.digest} from ${src.client.url} failed: ${broke.message ?? broke}`,
				);
			}
			throw e;
		}
		const failed = await flowing;
		if (failed) throw failed;
	} finally {
		run.active.delete(stream);
	}
	run.result.blobsSent++;
	sent.set(blob.digest, dst.repo);
	await opts.log(`blob ${blob.digest} (${blob.size} bytes) copied`);
}

/** One artifact (and its whole tree) by tag or digest, then the given tags; no accessories. */
async function copyOne(
	run: Run,
	reference: string,
	tags: string[],
): Promise<{ digest: string; skipped: CopyResult["skipped"] }> {
	const { src, dst, opts } = run;
	await run.pacer.idle();
	opts.signal.throwIfAborted();
	const top = await readManifest(src.client, src.repo, reference);
	const toTag: string[] = [];
	let leftAlone = 0;
	for (const tag of tags) {
		const there = await dst.client.headManifest(dst.repo, tag);
		if (there?.digest === top.digest) continue;
		if (there && !opts.override) {
			leftAlone++;
			await opts.log(
				`tag ${dst.repo}:${tag} points to ${there.digest} at the destination, not ${top.digest}: left alone (override is off)`,
			);
			continue;
		}
		toTag.push(tag);
	}
	if (tags.length && leftAlone === tags.length)
		return { digest: top.digest, skipped: "not-overridden" };
	const tree = await planTree(src, dst, top);
	if (tree.present && !toTag.length) {
		await opts.log(`${dst.repo}@${top.digest} is already at the destination`);
		return { digest: top.digest, skipped: "exists" };
	}
	const blobs = [...blobsOf(tree).values()];
	run.bytesTotal += blobs.reduce((n, b) => n + b.size, 0);
	report(run, true);
	await Promise.all(blobs.map((b) => run.limit(() => copyBlob(run, b))));
	for (const m of missingManifests(tree)) {
		opts.signal.throwIfAborted();
		await dst.client.putManifest(dst.repo, m.digest, m.body, m.mediaType);
		await opts.log(`manifest ${m.digest} (${m.mediaType}) copied`);
	}
	for (const tag of toTag) {
		opts.signal.throwIfAborted();
		await dst.client.putManifest(dst.repo, tag, top.body, top.mediaType);
		await opts.log(`tag ${dst.repo}:${tag} → ${top.digest}`);
	}
	report(run, true);
	return { digest: top.digest, skipped: false };
}

/**
 * What refers to `subject` at the source: the referrers API, or where a registry has none, the referrers tag
 * (`sha256-<hex>`, an index of them, OCI 1.1's fallback).
 */
async function sourceReferrers(run: Run, subject: string): Promise<Referrer[]> {
	const { src } = run;
	const listed = await src.client.referrers(src.repo, subject);
	if (listed) return listed;
	if (!(await src.client.headManifest(src.repo, referrersTag(subject))))
		return [];
	const index = await src.client.getManifest(src.repo, referrersTag(subject));
	return (parseManifest(index.body, `${src.repo}:${referrersTag(subject)}`)
		.manifests ?? []) as Referrer[];
}

/**
 * A destination without the referrers API (distribution 2.x) lists a subject's referrers in the referrers tag
 * index: the pusher keeps it, as the OCI spec asks of clients.
 */
async function listAtDestination(
	run: Run,
	subject: string,
	referrer: Referrer,
): Promise<void> {
	const { dst } = run;
	run.dstHasReferrersApi ??=
		(await dst.client.referrers(dst.repo, subject)) !== null;
	if (run.dstHasReferrersApi) return;
	const tag = referrersTag(subject);
	const held = await dst.client.headManifest(dst.repo, tag);
	const index = held
		? parseManifest(
				(await dst.client.getManifest(dst.repo, tag)).body,
				`${dst.repo}:${tag}`,
			)
		: { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [] };
	const manifests = (index.manifests ?? []) as Referrer[];
	if (manifests.some((m) => m.digest === referrer.digest)) return;
	const body = Buffer.from(
		JSON.stringify({ ...index, manifests: [...manifests, referrer] }),
	);
	await dst.client.putManifest(dst.repo, tag, body, mediaTypes.ociIndex);
	await run.opts.log(
		`referrers tag ${dst.repo}:${tag} lists ${referrer.digest}`,
	);
}

/** Accessories follow their subject: its referrers (signatures, SBOMs) by digest, and cosign's tag accessories. */
async function copyAccessories(
	run: Run,
	subject: string,
	depth: number,
): Promise<void> {
	if (depth > maxAccessoryDepth) return;
	const { src, opts } = run;
	for (const r of await sourceReferrers(run, subject)) {
		await opts.log(
			`accessory ${r.digest}${r.artifactType ? ` (${r.artifactType})` : ""} of ${subject}`,
		);
		await copyOne(run, r.digest, []);
		await listAtDestination(run, subject, r);
		await copyAccessories(run, r.digest, depth + 1);
	}
	for (const suffix of cosignSuffixes) {
		const tag = `${referrersTag(subject)}${suffix}`;
		if (!(await src.client.headManifest(src.repo, tag))) continue;
		await opts.log(`accessory ${src.repo}:${tag} of ${subject}`);
		await copyOne(run, tag, [tag]);
	}
}

/** Copies one artifact (by digest or tag) with the given destination tags (may be empty = by digest only). */
export async function copyArtifact(
	src: CopySide & { reference: string },
	dst: CopySide & { tags: string[] },
	opts: CopyOptions,
): Promise<CopyResult> {
	const run: Run = {
		src,
		dst,
		opts,
		result: { blobsSent: 0, blobsSkipped: 0, blobsMounted: 0, bytesSent: 0 },
		pacer: createPacer(opts.speedKb, opts.signal),
		limit: pLimit(blobConcurrency),
		active: new Set(),
		bytesDone: 0,
		bytesTotal: 0,
		lastProgress: 0,
	};
	// Stopping ends the streams in flight: their uploads fail and are cancelled; no manifest is put after a stop.
	const stop = () => {
		for (const s of run.active) s.destroy(opts.signal.reason as Error);
	};
	opts.signal.addEventListener("abort", stop, { once: true });
	try {
		await opts.log(
			`copying ${src.repo}:${src.reference} to ${dst.repo}${dst.tags.length ? ` as ${dst.tags.join(", ")}` : ""}`,
		);
		const { digest, skipped } = await copyOne(run, src.reference, dst.tags);
		if (skipped === "not-overridden") {
			await opts.log(
				`every destination tag points elsewhere and override is off: ${digest} not copied`,
			);
		} else {
			await copyAccessories(run, digest, 0);
		}
		const r = run.result;
		await opts.log(
			`done: ${r.blobsSent} blobs sent (${r.bytesSent} bytes), ${r.blobsSkipped} already there, ${r.blobsMounted} mounted`,
		);
		return { digest, skipped, ...r };
	} catch (e) {
		if (opts.signal.aborted) throw opts.signal.reason;
		throw e;
	} finally {
		opts.signal.removeEventListener("abort", stop);
	}
}

/** Deletes an artifact (by tag or digest) at the destination; resolves false when it was not there. */
export async function deleteArtifact(
	dst: CopySide & { reference: string },
	opts: Pick<CopyOptions, "signal" | "log">,
): Promise<boolean> {
	opts.signal.throwIfAborted();
	const found = await dst.client.headManifest(dst.repo, dst.reference);
	if (!found) {
		await opts.log(
			`${dst.repo}:${dst.reference} is not at the destination: nothing to delete`,
		);
		return false;
	}
	const digest = dst.reference.includes(":") ? dst.reference : found.digest;
	const deleted = await dst.client.deleteManifest(dst.repo, digest);
	await opts.log(
		deleted
			? `deleted ${dst.repo}@${digest}`
			: `${dst.repo}@${digest} was already gone`,
	);
	return deleted;
}
