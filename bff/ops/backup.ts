import { createReadStream, createWriteStream } from "node:fs";
import {
	chmod,
	lstat,
	mkdir,
	mkdtemp,
	readdir,
	rm,
	stat,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import SQLite from "better-sqlite3";
import { extract, type Pack, pack } from "tar-stream";

/**
 * Backup and restore of the embedded default: the SQLite database (SQLite's online backup, consistent while Wharf
 * runs), the master key and the blob folder, as one tar. Blobs are content-addressed and a row appears only once its
 * bytes are durable, so the database is copied first: every blob the copy names is on disk when the folder is read.
 * A garbage collection running meanwhile could delete a blob the copy still names: do not back up during GC.
 */

const database = "wharf.db";
/** Not backed up: the live database files (the snapshot stands for them) and the disk reserve (a placeholder). */
const skipped = new Set([
	database,
	`${database}-wal`,
	`${database}-shm`,
	`${database}-journal`,
	"disk-reserve",
]);

async function addFile(tar: Pack, file: string, name: string) {
	// Read no more than the size the header says: an upload in flight may still grow (its tail is not needed).
	const { size, mode } = await stat(file);
	await new Promise<void>((resolve, reject) => {
		const entry = tar.entry(
			{ name, size, mode: mode & 0o777, type: "file" },
			(err) => (err ? reject(err) : resolve()),
		);
		if (size === 0) {
			entry.end("");
			return;
		}
		createReadStream(file, { start: 0, end: size - 1 })
			.on("error", reject)
			.pipe(entry);
	});
}

async function addTree(
	tar: Pack,
	dir: string,
	prefix: string,
	skip: (name: string) => boolean,
): Promise<number> {
	let files = 0;
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		if (skip(entry.name)) continue;
		const full = path.join(dir, entry.name);
		const name = prefix ? `${prefix}/${entry.name}` : entry.name;
		if (entry.isDirectory()) {
			tar.entry({ name, type: "directory", mode: 0o700 });
			files += await addTree(tar, full, name, () => false);
		} else if (entry.isFile()) {
			try {
				await addFile(tar, full, name);
				files++;
			} catch (e) {
				// A blob removed (GC) or an upload finished between listing and reading: it is gone, not needed.
				if ((e as { code?: string }).code !== "ENOENT") throw e;
			}
		}
	}
	return files;
}

/** Writes `file`, a tar of the data folder `dataDir` as of now; Wharf may be running. */
export async function backup(
	dataDir: string,
	file: string,
): Promise<{ files: number }> {
	const db = path.join(dataDir, database);
	if (!(await lstat(db).catch(() => null)))
		throw new Error(
			`no database at ${db}: is WHARF_DATA_DIR the data folder of a Wharf on SQLite?`,
		);
	const work = await mkdtemp(path.join(os.tmpdir(), "wharf-backup-"));
	try {
		const snapshot = path.join(work, database);
		const source = new SQLite(db, { readonly: true, fileMustExist: true });
		try {
			await source.backup(snapshot);
		} finally {
			source.close();
		}
		const tar = pack();
		const written = pipeline(tar, createWriteStream(file, { mode: 0o600 }));
		const build = (async () => {
			await addFile(tar, snapshot, database);
			const files =
				1 + (await addTree(tar, dataDir, "", (name) => skipped.has(name)));
			tar.finalize();
			return files;
		})();
		const [files] = await Promise.all([build, written]);
		return { files };
	} finally {
		await rm(work, { recursive: true, force: true });
	}
}

/** Unpacks a backup into `dataDir`, which must not hold a Wharf yet; checks the database it restored. */
export async function restore(
	file: string,
	dataDir: string,
): Promise<{ files: number }> {
	const existing = await readdir(dataDir).catch(() => [] as string[]);
	if (existing.length > 0)
		throw new Error(
			`${dataDir} is not empty: restore into a new data folder (and point WHARF_DATA_DIR at it)`,
		);
	await mkdir(dataDir, { recursive: true, mode: 0o700 });
	const root = path.resolve(dataDir);
	let files = 0;
	const untar = extract();
	untar.on("entry", (header, stream, next) => {
		const target = path.resolve(root, header.name);
		// Names stay inside the data folder: a crafted archive cannot write elsewhere.
		if (target !== root && !target.startsWith(root + path.sep)) {
			stream.resume();
			next(new Error(`unsafe name in the backup: ${header.name}`));
			return;
		}
		(async () => {
			if (header.type === "directory") {
				await mkdir(target, { recursive: true, mode: 0o700 });
				stream.resume();
				return;
			}
			if (header.type !== "file") {
				stream.resume();
				return;
			}
			await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
			await pipeline(
				stream,
				createWriteStream(target, { mode: 0o600, flags: "wx" }),
			);
			await chmod(target, 0o600);
			files++;
		})().then(() => next(), next);
	});
	await pipeline(createReadStream(file), untar);
	const db = new SQLite(path.join(root, database), { fileMustExist: true });
	try {
		const check = db.pragma("integrity_check", { simple: true });
		if (check !== "ok")
			throw new Error(
				`the restored database fails its integrity check: ${String(check)}`,
			);
	} finally {
		db.close();
	}
	return { files };
}
