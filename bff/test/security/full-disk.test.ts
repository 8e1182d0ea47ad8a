import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, statfsSync, writeSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login } from "../api-fixtures.ts";
import {
	client,
	expectError,
	sha256,
	uniqueRepo,
} from "../distribution-helpers.ts";
import {
	adminAuth,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * Issue 9, finding 5: a full data volume took the registry down for good. A push bigger than the free space answered
 * 500 and left its partial upload for 24 h, every later write failed (console sign-in too), and a restart failed with
 * SQLITE_FULL, so pulls stopped as well. Here Wharf runs on SQLite in a 48 MiB tmpfs (mounting one needs root, as
 * `npm test` runs on CI), and the volume is filled for real.
 */
const MiB = 1024 * 1024;

const free = (dir: string) => {
	const s = statfsSync(dir);
	return s.bavail * s.bsize;
};

/** Writes zeros into `file` until the volume refuses another byte. */
function fill(file: string) {
	const fd = openSync(file, "a");
	try {
		for (let size = MiB; size >= 512; ) {
			try {
				writeSync(fd, Buffer.alloc(size));
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
				size /= 2;
			}
		}
	} finally {
		closeSync(fd);
	}
}

/** A PATCH streaming `bytes` zeros (chunked, no Content-Length), as a client pushing a big layer sends it. */
function streamedPatch(s: TestServer, location: string, bytes: number) {
	return new Promise<{ status: number; body: string }>((resolve, reject) => {
		const req = http.request(
			`${s.url}${location}`,
			{
				method: "PATCH",
				headers: {
					Authorization: adminAuth,
					"Content-Type": "application/octet-stream",
				},
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on("data", (c: Buffer) => chunks.push(c));
				res.on("end", () =>
					resolve({
						status: res.statusCode!,
						body: Buffer.concat(chunks).toString(),
					}),
				);
			},
		);
		req.on("error", reject);
		const chunk = Buffer.alloc(MiB);
		Readable.from(
			(function* () {
				for (let sent = 0; sent < bytes; sent += MiB) yield chunk;
			})(),
		).pipe(req);
	});
}

/** The disk-full answer on both surfaces: 507 Insufficient Storage, code DENIED, a message that names the cause. */
function expectDiskFull(r: { status: number; body: string }) {
	expect(
		{
			status: r.status,
			error: (JSON.parse(r.body || "{}") as { errors?: unknown[] }).errors?.[0],
		},
		r.body,
	).toEqual({
		status: 507,
		error: { code: "DENIED", message: expect.stringMatching(/disk is full/) },
	});
}
const answer = async (r: Response) => ({
	status: r.status,
	body: await r.text(),
});

describe("a full data volume (SQLite in a 48 MiB tmpfs)", () => {
	let dir = "";
	let mounted = false;
	let s: TestServer | undefined;
	let c: ReturnType<typeof client>;
	const repo = uniqueRepo("full");
	let image: Awaited<ReturnType<ReturnType<typeof client>["pushImage"]>>;

	/** Stops Wharf, does `meanwhile` to the volume, and starts it again on the same data. */
	const restart = async (meanwhile = () => {}) => {
		await stopTestServer(s, { keepData: true });
		s = undefined;
		meanwhile();
		s = await startTestServer("sqlite", {}, { dataDir: dir });
		c = client(s);
	};

	/** The image pushed first still pulls: its manifest and its layer, byte for byte. */
	async function expectPull() {
		const m = await c.call(`/v2/${repo}/manifests/v1`, {
			headers: { Accept: "application/vnd.oci.image.manifest.v1+json" },
		});
		expect(m.status).toBe(200);
		expect(Buffer.from(await m.arrayBuffer()).equals(image.body)).toBe(true);
		const layer = await c.call(`/v2/${repo}/blobs/${image.layer}`);
		expect(layer.status).toBe(200);
		expect(sha256(Buffer.from(await layer.arrayBuffer()))).toBe(image.layer);
	}

	/** Console sign-in, then a request on the session it set. */
	async function expectSignIn() {
		const r = await login(s!);
		expect(r.status, await r.clone().text()).toBe(200);
		const cookie = r.headers.get("set-cookie")!.split(";")[0];
		const me = await fetch(`${s!.url}/api/v2.0/users/current`, {
			headers: { Cookie: cookie },
		});
		expect(me.status).toBe(200);
		expect(((await me.json()) as { username: string }).username).toBe("admin");
	}

	beforeAll(async () => {
		if (process.getuid?.() !== 0) {
			throw new Error(
				"full-disk.test.ts mounts a tmpfs as the data volume and must run as root (npm test on CI does)",
			);
		}
		dir = await mkdtemp(path.join(os.tmpdir(), "wharf-full-"));
		execFileSync("mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", dir]);
		mounted = true;
		s = await startTestServer("sqlite", {}, { dataDir: dir });
		c = client(s);
		image = await c.pushImage(repo, "v1");
	});
	afterAll(async () => {
		await stopTestServer(s, { keepData: true }).catch(() => {});
		if (mounted) execFileSync("umount", ["--lazy", dir]);
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	it("refuses a push bigger than the free space with 507 and frees its partial upload at once", async () => {
		const before = free(dir);
		expect(before).toBeLessThan(64 * MiB);
		const location = await c.startUpload(repo);
		expectDiskFull(await streamedPatch(s!, location, 64 * MiB));

		expect(await readdir(path.join(dir, "storage", "uploads"))).toEqual([]);
		expect(free(dir)).toBeGreaterThan(before - MiB);
		await expectError(await c.call(location), 404, "BLOB_UPLOAD_UNKNOWN");
		expect(await s!.db.selectFrom("uploads").select("id").execute()).toEqual(
			[],
		);
	});

	it("while the volume stays full: pushes answer 507 and leave nothing, pulls, API reads and console sign-in work", async () => {
		fill(path.join(dir, "filler-1"));
		expect(free(dir)).toBe(0);
		const refusedPushes = async () => {
			const blob = randomBytes(4096);
			expectDiskFull(
				await answer(
					await c.call(`/v2/${repo}/blobs/uploads/?digest=${sha256(blob)}`, {
						method: "POST",
						body: blob,
					}),
				),
			);
			expectDiskFull(await answer(await c.putManifest(repo, "v2", image.body)));
			expect(await readdir(path.join(dir, "storage", "uploads"))).toEqual([]);
		};
		await refusedPushes();

		await expectPull();
		const project = await c.call("/api/v2.0/projects/library");
		expect(project.status).toBe(200);
		await expectSignIn();
		await refusedPushes();
	});

	it("restarts on the full volume and serves pulls and sign-in", async () => {
		await restart();
		await expectPull();
		await expectSignIn();
	});

	it("restarts when nothing at all is left, serves pulls, and refuses sign-in and API writes with 507", async () => {
		await restart(() => fill(path.join(dir, "filler-2")));
		expect(free(dir)).toBe(0);

		await expectPull();
		expect((await c.call("/api/v2.0/projects/library")).status).toBe(200);
		expectDiskFull(await answer(await login(s!)));
		expectDiskFull(
			await answer(
				await c.call("/api/v2.0/projects", {
					method: "POST",
					body: JSON.stringify({
						project_name: "roomless",
						metadata: { public: "false" },
					}),
					headers: { "Content-Type": "application/json" },
				}),
			),
		);
	});

	it("takes pushes again, without a restart, once space is freed", async () => {
		await rm(path.join(dir, "filler-1"));
		await rm(path.join(dir, "filler-2"));
		const again = await c.pushImage(repo, "v2");
		const back = await c.call(`/v2/${repo}/manifests/v2`, {
			headers: { Accept: "application/vnd.oci.image.manifest.v1+json" },
		});
		expect(Buffer.from(await back.arrayBuffer()).equals(again.body)).toBe(true);
		await expectSignIn();
	});
});
