import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
	chmod,
	mkdir,
	mkdtemp,
	readdir,
	rm,
	stat,
	writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { installRoot } from "../../install-root.ts";
import {
	adminAuth,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * Issue 9, finding 18: the data folder and the database were world-readable (0755, 0644), so any local user could read
 * the metadata, the master key beside it, and every private image. The folder is 0700 and what Wharf makes is 0600.
 */
async function modes(dir: string): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	const walk = async (d: string) => {
		for (const e of await readdir(d, { withFileTypes: true })) {
			const p = path.join(d, e.name);
			out[path.relative(dir, p)] = ((await stat(p)).mode & 0o777).toString(8);
			if (e.isDirectory()) await walk(p);
		}
	};
	await walk(dir);
	return out;
}
const modeOf = async (p: string) => ((await stat(p)).mode & 0o777).toString(8);

/** Leaves an upload open (its file in uploads/) and pushes a blob (its file under blobs/). */
async function pushSome(url: string) {
	const open = await fetch(`${url}/v2/library/perm/blobs/uploads/`, {
		method: "POST",
		headers: { Authorization: adminAuth },
	});
	expect(open.status).toBe(202);
	const data = randomBytes(64);
	const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
	const put = await fetch(
		`${url}/v2/library/perm/blobs/uploads/?digest=${digest}`,
		{ method: "POST", body: data, headers: { Authorization: adminAuth } },
	);
	expect(put.status).toBe(201);
}

describe("the data folder", () => {
	let child: ChildProcess | undefined;
	let s: TestServer | undefined;
	const dirs: string[] = [];
	afterEach(async () => {
		if (child?.pid && child.exitCode === null) {
			const gone = new Promise((r) => child!.once("exit", r));
			child.kill("SIGTERM");
			await gone;
		}
		child = undefined;
		await stopTestServer(s);
		s = undefined;
		for (const d of dirs.splice(0))
			await rm(d, { recursive: true, force: true });
	});

	it("is closed to other users when Wharf runs, an older permissive one included, and all it makes is 0600", async () => {
		// An install from before: folder 0755, the generated master key 0644 beside the data.
		const dataDir = await mkdtemp(path.join(os.tmpdir(), "wharf-perm-"));
		dirs.push(dataDir);
		await chmod(dataDir, 0o755);
		await writeFile(
			path.join(dataDir, "master.key"),
			randomBytes(32).toString("base64"),
			{ mode: 0o644 },
		);
		await mkdir(path.join(dataDir, "storage"), { mode: 0o755 });
		await chmod(path.join(dataDir, "storage"), 0o755);

		// `npm start` as a shell with the usual umask 022 runs it.
		child = spawn(
			"sh",
			["-c", `umask 022; exec "${process.execPath}" --import tsx bff/main.ts`],
			{
				cwd: installRoot,
				env: {
					...process.env,
					PORT: "0",
					WHARF_HOST: "127.0.0.1",
					WHARF_DATA_DIR: dataDir,
					WHARF_ADMIN_PASSWORD: "Harbor12345",
					WHARF_LOG_LEVEL: "info",
					DATABASE_URL: "",
				},
				stdio: ["ignore", "pipe", "inherit"],
			},
		);
		const url = await new Promise<string>((resolve, reject) => {
			child!.once("exit", (code) =>
				reject(new Error(`wharf exited with ${code}`)),
			);
			createInterface({ input: child!.stdout! }).on("line", (line) => {
				if (line.includes("Wharf is listening"))
					resolve(
						(JSON.parse(line) as { url: string }).url.replace(
							"localhost",
							"127.0.0.1",
						),
					);
			});
		});
		await pushSome(url);

		const all = await modes(dataDir);
		expect(await modeOf(dataDir)).toBe("700");
		expect(all).toMatchObject({
			"wharf.db": "600",
			"wharf.db-wal": "600",
			"wharf.db-shm": "600",
			"master.key": "600",
			storage: "700",
		});
		expect(Object.keys(all).some((p) => p.startsWith("storage/uploads/"))).toBe(
			true,
		);
		expect(Object.keys(all).some((p) => p.startsWith("storage/blobs/"))).toBe(
			true,
		);
		// Nothing anywhere in it is open to the group or others.
		expect(
			Object.entries(all).filter(([, m]) => (parseInt(m, 8) & 0o077) !== 0),
		).toEqual([]);
	});

	it("gets 0700 folders and 0600 blobs and uploads from the storage driver, whatever the umask", async () => {
		s = await startTestServer("sqlite");
		await pushSome(s.url);
		expect(await modeOf(s.dataDir)).toBe("700");
		const storage = await modes(path.join(s.dataDir, "storage"));
		expect(Object.keys(storage).length).toBeGreaterThan(3);
		expect(
			Object.entries(storage).filter(([, m]) => (parseInt(m, 8) & 0o077) !== 0),
		).toEqual([]);
	});
});
