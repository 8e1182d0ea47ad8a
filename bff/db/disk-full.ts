import { mkdir, rm, stat, statfs, writeFile } from "node:fs/promises";
import path from "node:path";

/** What Wharf answers (507 on both surfaces) when the data volume or the database has no room left. */
export const diskFullMessage =
	"insufficient storage: the registry's disk is full; free space on its data volume and try again";

/** A write that failed for want of space: the filesystem's ENOSPC/EDQUOT, SQLite's SQLITE_FULL, Postgres's disk_full. */
export function isDiskFull(err: unknown): boolean {
	const code = (err as { code?: unknown } | null)?.code;
	return (
		code === "ENOSPC" ||
		code === "EDQUOT" ||
		code === "SQLITE_FULL" ||
		code === "53100"
	);
}

const MiB = 1024 * 1024;

/**
 * Room held back on the data volume for the SQLite database. On a volume with no free byte SQLite can write nothing
 * (not even the session row of a sign-in), so a file of zeros keeps some room: it is released when the database meets a
 * full disk, or at a start on a nearly full volume, and put back by the next push once there is room again. Pushes need
 * it in place, so blobs never eat the database's room.
 */
export function createDiskReserve(dataDir: string, bytes = 8 * MiB) {
	const file = path.join(dataDir, "disk-reserve");
	const free = async () => {
		const s = await statfs(dataDir);
		return s.bavail * s.bsize;
	};
	let held = false;
	let putting: Promise<boolean> | undefined;

	/** Frees the reserve; true when it held room to give. */
	async function release(): Promise<boolean> {
		const had = held;
		held = false;
		await rm(file, { force: true });
		return had;
	}

	async function put(): Promise<boolean> {
		if ((await free()) < 2 * bytes) return false;
		try {
			await writeFile(file, Buffer.alloc(bytes), { mode: 0o600 });
			held = true;
		} catch (e) {
			await rm(file, { force: true });
			if (!isDiskFull(e)) throw e;
		}
		return held;
	}

	/** Puts the reserve in place if it is not; false when the volume has no room for it and as much again besides. */
	function ensure(): Promise<boolean> {
		if (held) return Promise.resolve(true);
		putting ??= put().finally(() => {
			putting = undefined;
		});
		return putting;
	}

	return {
		ensure,
		/** At start: on a nearly full volume the reserve is released, so the database opens and takes sign-ins; else put in place. */
		async prepare(): Promise<"held" | "released"> {
			await mkdir(dataDir, { recursive: true });
			held = (await stat(file).catch(() => null))?.size === bytes;
			if ((await free()) < bytes) await release();
			return (await ensure()) ? "held" : "released";
		},
		/** Runs a database write; on a full disk releases the reserve and runs it once more. Only for writes safe to repeat. */
		async withRoom<T>(work: () => Promise<T>): Promise<T> {
			try {
				return await work();
			} catch (e) {
				if (!isDiskFull(e) || !(await release())) throw e;
				return work();
			}
		},
	};
}

export type DiskReserve = ReturnType<typeof createDiskReserve>;

/** Postgres keeps its data elsewhere: nothing to hold back on the data volume. */
export const noReserve: DiskReserve = {
	ensure: async () => true,
	prepare: async () => "held",
	withRoom: (work) => work(),
};
