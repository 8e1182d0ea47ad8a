import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { cvss3BaseScore, severityOfScore, severityOfWord } from "./cvss.ts";
import { pypiName } from "./inventory.ts";
import type { AdvisoryRecord, OsvStore } from "./osv-store.ts";

/** A zip that is not one, or an advisory that is not OSV's: the message says which. */
export class OsvImportError extends Error {}

/** The name advisories and packages are compared by: PEP 503's form for PyPI, the name itself elsewhere. */
export const nameKey = (ecosystem: string, name: string) =>
	ecosystem.split(":")[0] === "PyPI" ? pypiName(name) : name;

type Osv = {
	id?: unknown;
	modified?: unknown;
	published?: unknown;
	withdrawn?: unknown;
	aliases?: unknown;
	upstream?: unknown;
	summary?: unknown;
	details?: unknown;
	severity?: { type?: unknown; score?: unknown }[];
	affected?: {
		package?: { ecosystem?: unknown; name?: unknown };
		ranges?: { type?: unknown; events?: unknown }[];
		versions?: unknown;
		ecosystem_specific?: { severity?: unknown };
		database_specific?: { severity?: unknown };
	}[];
	references?: { url?: unknown }[];
	database_specific?: { severity?: unknown; cwe_ids?: unknown };
};

const strings = (v: unknown): string[] =>
	Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
const str = (v: unknown) => (typeof v === "string" ? v : null);

/** One OSV advisory (schema 1.x) as rows; undefined when it lacks the id and `modified` every advisory has. */
export function toRecord(o: Osv): AdvisoryRecord | undefined {
	const id = str(o.id);
	const modified = str(o.modified);
	if (!id || !modified) return undefined;
	const vector = (Array.isArray(o.severity) ? o.severity : [])
		.map((s) => str(s?.score))
		.find((s) => s && /^CVSS:3\.[01]\//.test(s));
	const score = vector ? cvss3BaseScore(vector) : undefined;
	const severity =
		severityOfWord(o.database_specific?.severity) ??
		(score !== undefined ? severityOfScore(score) : "Unknown");
	const links = [
		`https://osv.dev/vulnerability/${id}`,
		...(Array.isArray(o.references) ? o.references : [])
			.map((r) => str(r?.url))
			.filter((u): u is string => !!u),
	].slice(0, 12);
	return {
		advisory: {
			id,
			modified,
			published: str(o.published),
			withdrawn: str(o.withdrawn),
			aliases: JSON.stringify([
				...new Set([...strings(o.aliases), ...strings(o.upstream)]),
			]),
			summary: (str(o.summary) ?? "").slice(0, 1000),
			details: (str(o.details) ?? "").slice(0, 8000),
			severity,
			cvss_vector: vector ?? null,
			cvss_score: score ?? null,
			links: JSON.stringify(links),
			cwe_ids: JSON.stringify(strings(o.database_specific?.cwe_ids)),
		},
		affected: (Array.isArray(o.affected) ? o.affected : []).flatMap((a) => {
			const ecosystem = str(a?.package?.ecosystem);
			const name = str(a?.package?.name);
			if (!ecosystem || !name) return [];
			const ranges = (Array.isArray(a.ranges) ? a.ranges : []).filter(
				(r) =>
					(r?.type === "ECOSYSTEM" || r?.type === "SEMVER") &&
					Array.isArray(r.events),
			);
			const versions = strings(a.versions);
			if (ranges.length === 0 && versions.length === 0) return [];
			return [
				{
					ecosystem,
					name: nameKey(ecosystem, name),
					ranges: JSON.stringify(
						ranges.map((r) => ({ type: r.type, events: r.events })),
					),
					versions: JSON.stringify(versions),
					severity:
						severityOfWord(a.ecosystem_specific?.severity) ??
						severityOfWord(a.database_specific?.severity) ??
						null,
				},
			];
		}),
	};
}

/**
 * Imports advisories incrementally: one whose `modified` is not newer than the stored one is skipped, a new or
 * changed one replaces what was stored (its affected packages with it), in transactions of a few hundred.
 */
export async function importAdvisories(
	store: OsvStore,
	advisories: AsyncIterable<unknown>,
): Promise<{ read: number; changed: number }> {
	const known = await store.modifiedById();
	let read = 0;
	let changed = 0;
	let batch: AdvisoryRecord[] = [];
	for await (const raw of advisories) {
		read++;
		const r = toRecord(raw as Osv);
		if (!r) continue;
		const had = known.get(r.advisory.id);
		if (had && Date.parse(had) >= Date.parse(r.advisory.modified)) continue;
		known.set(r.advisory.id, r.advisory.modified);
		batch.push(r);
		changed++;
		if (batch.length >= 500) {
			await store.replace(batch);
			batch = [];
		}
	}
	await store.replace(batch);
	return { read, changed };
}

/** The JSON files of a zip on disk, read one entry at a time; an entry that is not JSON fails the import. */
export async function* zipAdvisories(file: string): AsyncGenerator<unknown> {
	let zip: yauzl.ZipFile;
	try {
		zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
			yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, z) =>
				err ? reject(err) : resolve(z),
			),
		);
	} catch (e) {
		throw new OsvImportError(`not a zip file: ${(e as Error).message}`);
	}
	try {
		for (;;) {
			const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
				const onEntry = (e: yauzl.Entry) => {
					zip.off("end", onEnd);
					zip.off("error", onError);
					resolve(e);
				};
				const onEnd = () => {
					zip.off("entry", onEntry);
					zip.off("error", onError);
					resolve(null);
				};
				const onError = (e: Error) => {
					zip.off("entry", onEntry);
					zip.off("end", onEnd);
					reject(new OsvImportError(`a broken zip: ${e.message}`));
				};
				zip.once("entry", onEntry);
				zip.once("end", onEnd);
				zip.once("error", onError);
				zip.readEntry();
			});
			if (!entry) return;
			if (!entry.fileName.endsWith(".json")) continue;
			const stream = await new Promise<Readable>((resolve, reject) =>
				zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
			);
			const chunks: Buffer[] = [];
			for await (const c of stream) chunks.push(c as Buffer);
			try {
				yield JSON.parse(Buffer.concat(chunks).toString("utf8"));
			} catch {
				throw new OsvImportError(`${entry.fileName} is not JSON`);
			}
		}
	} finally {
		zip.close();
	}
}

/** Imports a zip of OSV advisories from disk, recorded as an import from `source`. */
export async function importZipFile(
	store: OsvStore,
	file: string,
	source: string,
): Promise<{ id: number; read: number; changed: number }> {
	const id = await store.startImport(source);
	try {
		const r = await importAdvisories(store, zipAdvisories(file));
		await store.finishImport(id, {
			status: "Success",
			...r,
			message: `${r.changed} of ${r.read} advisories new or changed`,
		});
		return { id, ...r };
	} catch (e) {
		await store.finishImport(id, {
			status: "Error",
			read: 0,
			changed: 0,
			message: (e as Error).message,
		});
		throw e;
	}
}

/** Writes a stream to a temporary zip file (yauzl reads a zip's directory at its end), then imports it. */
export async function importZipStream(
	store: OsvStore,
	body: Readable,
	source: string,
	tmpDir = os.tmpdir(),
) {
	await mkdir(tmpDir, { recursive: true });
	const file = path.join(tmpDir, `osv-${randomUUID()}.zip`);
	try {
		await pipeline(body, createWriteStream(file));
		return await importZipFile(store, file, source);
	} finally {
		await rm(file, { force: true });
	}
}

/** Downloads `<source>/<ecosystem>/all.zip` for each ecosystem and imports it; the first failure is thrown after all ran. */
export async function downloadAndImport(
	store: OsvStore,
	opts: {
		signal?: AbortSignal;
		tmpDir?: string;
		log?: (line: string) => Promise<void>;
	},
) {
	const { sourceUrl, ecosystems } = await store.settings();
	let failure: Error | undefined;
	const results: { ecosystem: string; read: number; changed: number }[] = [];
	for (const ecosystem of ecosystems) {
		const url = `${sourceUrl.replace(/\/+$/, "")}/${encodeURIComponent(ecosystem)}/all.zip`;
		try {
			const r = await fetch(url, { signal: opts.signal });
			if (r.status !== 200 || !r.body) {
				await r.body?.cancel();
				throw new OsvImportError(`${url} answered ${r.status}`);
			}
			const res = await importZipStream(
				store,
				Readable.fromWeb(r.body as import("node:stream/web").ReadableStream),
				url,
				opts.tmpDir,
			);
			results.push({ ecosystem, read: res.read, changed: res.changed });
			await opts.log?.(
				`${url}: ${res.changed} of ${res.read} advisories new or changed`,
			);
		} catch (e) {
			if (opts.signal?.aborted) throw e;
			const err = e as Error;
			await opts.log?.(`${url}: ${err.message}`);
			failure ??= new OsvImportError(
				`${url}: ${(err.cause as Error | undefined)?.message ?? err.message}`,
			);
		}
	}
	if (failure) throw failure;
	return results;
}
