import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { backup } from "../ops/backup.ts";
import { createV2Client } from "../replication/v2-client.ts";
import {
	adminAuth,
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { pushImage } from "./oci-fixtures.ts";

const exec = promisify(execFile);
const sha256 = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;

/** `npm run restore -- <file>` as a user runs it (the script npm runs), into `dataDir`. */
const restoreCli = (file: string, dataDir: string) =>
	exec(
		process.execPath,
		["--import", "tsx", "bff/ops/backup-cli.ts", "restore", file],
		{
			env: {
				...process.env,
				WHARF_DATA_DIR: dataDir,
				DATABASE_URL: "",
				WHARF_STORAGE: "",
			},
		},
	).then(
		(r) => ({ ok: true, out: r.stdout + r.stderr }),
		(e: { stdout?: string; stderr?: string }) => ({
			ok: false,
			out: `${e.stdout}${e.stderr}`,
		}),
	);

/** Every artifact the database names, pulled whole from `s`: its manifest and blobs, each matching its digest. */
async function pullEverything(s: TestServer) {
	const rows = await s.db
		.selectFrom("artifacts")
		.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
		.select(["repositories.name as repo", "artifacts.id", "artifacts.digest"])
		.execute();
	for (const a of rows) {
		const m = await fetch(`${s.url}/v2/${a.repo}/manifests/${a.digest}`, {
			headers: { Authorization: adminAuth, Accept: "*/*" },
		});
		expect(m.status, `${a.repo}@${a.digest}`).toBe(200);
		expect(sha256(Buffer.from(await m.arrayBuffer()))).toBe(a.digest);
		const blobs = await s.db
			.selectFrom("artifact_blobs")
			.select("digest")
			.where("artifact_id", "=", a.id)
			.execute();
		for (const b of blobs) {
			const r = await fetch(`${s.url}/v2/${a.repo}/blobs/${b.digest}`, {
				headers: { Authorization: adminAuth },
			});
			expect(r.status, `${a.repo} ${b.digest}`).toBe(200);
			expect(sha256(Buffer.from(await r.arrayBuffer()))).toBe(b.digest);
		}
	}
	return rows.length;
}

describe("backup and restore of the embedded default", () => {
	it("backs up a running Wharf while it takes pushes, and a Wharf on the restored folder serves all it names", async () => {
		const s = await startTestServer("sqlite");
		const work = await mkdtemp(path.join(os.tmpdir(), "wharf-backup-test-"));
		const restoredDir = path.join(work, "restored");
		let restored: TestServer | undefined;
		try {
			const v2 = createV2Client({
				url: s.url,
				credential: { username: "admin", password: adminPassword },
			});
			await pushImage(v2, "library/before", "v1", { layerBytes: 256 * 1024 });
			const file = path.join(work, "wharf.tar");
			// Pushes go on while the backup reads: whatever it caught must be whole.
			const during = Promise.all(
				[0, 1, 2].map((i) =>
					pushImage(v2, `library/during-${i}`, "v1", {
						layerBytes: 512 * 1024,
					}),
				),
			);
			const [{ files }] = await Promise.all([backup(s.dataDir, file), during]);
			expect(files).toBeGreaterThan(3);
			expect((await stat(file)).mode & 0o777).toBe(0o600);
			await stopTestServer(s);

			// Not over a folder that holds something.
			const occupied = path.join(work, "occupied");
			await exec("mkdir", ["-p", occupied]);
			await writeFile(path.join(occupied, "x"), "x");
			const refused = await restoreCli(file, occupied);
			expect(refused.ok).toBe(false);
			expect(refused.out).toMatch(/is not empty/);

			const r = await restoreCli(file, restoredDir);
			expect(r.ok, r.out).toBe(true);
			expect(
				(await stat(path.join(restoredDir, "wharf.db"))).mode & 0o777,
			).toBe(0o600);
			expect(
				(await stat(path.join(restoredDir, "master.key"))).mode & 0o777,
			).toBe(0o600);
			// The signing key is sealed under the master key: a start proves the key came back with the database.
			restored = await startTestServer("sqlite", {}, { dataDir: restoredDir });
			const manifest = await fetch(
				`${restored.url}/v2/library/before/manifests/v1`,
				{ headers: { Authorization: adminAuth, Accept: "*/*" } },
			);
			expect(manifest.status).toBe(200);
			expect(await pullEverything(restored)).toBeGreaterThanOrEqual(1);
		} finally {
			await stopTestServer(restored);
			await rm(work, { recursive: true, force: true });
		}
	});

	it("refuses a Wharf on Postgres or S3: those are backed up with their own tools", async () => {
		const r = await exec(
			process.execPath,
			["--import", "tsx", "bff/ops/backup-cli.ts", "backup", "/tmp/x.tar"],
			{
				env: {
					...process.env,
					DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
				},
			},
		).then(
			() => "",
			(e: { stderr?: string }) => e.stderr ?? "",
		);
		expect(r).toMatch(/pg_dump/);
	});
});
