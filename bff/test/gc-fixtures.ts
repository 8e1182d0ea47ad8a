import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pino } from "pino";
import { createQuotaStore } from "../api/quotas/store.ts";
import { createManifestService } from "../core/manifests.ts";
import type { StorageDriver } from "../core/storage/driver.ts";
import { createFilesystemDriver } from "../core/storage/filesystem.ts";
import { createRegistryStore } from "../core/store.ts";
import { createUploadService } from "../core/uploads.ts";
import { type Db, now } from "../db/database.ts";
import { collectGarbage, type GcParameters } from "../gc/collector.ts";
import { createGcStore } from "../gc/store.ts";
import {
	type Descriptor,
	descriptor,
	imageIndex,
	imageManifest,
	mt,
	sha256,
} from "./distribution-helpers.ts";
import { type Engine, withDatabase } from "./harness.ts";

export const quiet = pino({ level: "silent" });

/**
 * The registry core on a real database and a real storage folder, without HTTP: pushes through the upload and
 * manifest services, GC through its collector, so a test can place a collection exactly between two steps of a push.
 */
export async function withRegistry(
	engine: Engine,
	work: (r: Registry) => Promise<void>,
) {
	const root = await mkdtemp(path.join(os.tmpdir(), "wharf-gc-"));
	try {
		await withDatabase(engine, async (db) => work(await registry(db, root)));
	} finally {
		await rm(root, { recursive: true, force: true });
	}
}

async function registry(db: Db, root: string) {
	const t = now();
	const project = await db
		.insertInto("projects")
		.values({
			name: "p",
			owner_id: 1,
			public: 0,
			creation_time: t,
			update_time: t,
		})
		.returning("id")
		.executeTakeFirstOrThrow();
	const store = createRegistryStore(db);
	const storage = createFilesystemDriver(root);
	const uploads = createUploadService({ store, storage });
	const manifests = createManifestService({ store, storage });
	const gcStore = createGcStore(db);
	const quotas = createQuotaStore(db);

	const repo = async (name: string) => ({
		id: await store.ensureRepository(project.id, `p/${name}`),
		projectId: project.id,
		name: `p/${name}`,
	});
	type Repo = Awaited<ReturnType<typeof repo>>;

	async function pushBlob(r: Repo, data: Buffer): Promise<string> {
		const id = await uploads.start(r, "admin");
		return uploads.finish(id, r, sha256(data), Readable.from([data]), {
			length: data.length,
		});
	}

	/** An image of a config and the given layers (random ones when not given), under `tag` or by digest. */
	async function pushImage(
		r: Repo,
		tag: string | null,
		layers: Buffer[] = [randomBytes(1000)],
	) {
		const config = Buffer.from(
			JSON.stringify({ nonce: randomBytes(8).toString("hex") }),
		);
		for (const b of [config, ...layers]) await pushBlob(r, b);
		const body = imageManifest({
			config: descriptor(mt.ociConfig, config),
			layers: layers.map((l) => descriptor(mt.ociLayer, l)),
		});
		const digest = sha256(body);
		await manifests.put(r, tag ?? digest, body, mt.ociManifest);
		return {
			digest,
			body,
			config: sha256(config),
			layers: layers.map(sha256),
			bytes:
				body.length + config.length + layers.reduce((n, l) => n + l.length, 0),
		};
	}

	async function pushIndex(
		r: Repo,
		tag: string | null,
		children: Descriptor[],
	) {
		const body = imageIndex(children);
		const digest = sha256(body);
		await manifests.put(r, tag ?? digest, body, mt.ociIndex);
		return { digest, body };
	}

	/** One run; `opts.storage` replaces the driver GC deletes through, `opts.onLog` sees each line (and may stop the run). */
	async function gc(
		params: Partial<GcParameters> = {},
		windowHours = 0,
		opts: {
			storage?: StorageDriver;
			onLog?: (line: string, stop: () => void) => void;
		} = {},
	) {
		const lines: string[] = [];
		const control = new AbortController();
		const result = await collectGarbage(
			{
				store: gcStore,
				storage: opts.storage ?? storage,
				manifests,
				windowHours,
				purgeUploads: (before) => uploads.purgeStale(before),
				log: async (l) => {
					lines.push(l);
					opts.onLog?.(l, () => control.abort(new Error("job stopped")));
				},
				progress: async () => {},
				signal: control.signal,
			},
			{ delete_untagged: false, dry_run: false, workers: 2, ...params },
		);
		return { ...result, lines };
	}

	/** Blob rows a reader can see whose bytes are gone: must always be none. */
	async function visibleWithoutFile(): Promise<string[]> {
		const rows = await db
			.selectFrom("blobs")
			.select("digest")
			.where("deleting", "=", 0)
			.execute();
		const missing: string[] = [];
		for (const r of rows)
			if (!(await storage.stat(r.digest))) missing.push(r.digest);
		return missing;
	}

	return {
		db,
		store,
		storage,
		uploads,
		manifests,
		gcStore,
		projectId: project.id,
		repo,
		pushBlob,
		pushImage,
		pushIndex,
		gc,
		visibleWithoutFile,
		/** Whether the registry still has the blob: its row, and its file. */
		has: async (digest: string) => ({
			row: !!(await store.findBlob(digest)),
			file: !!(await storage.stat(digest)),
		}),
		used: () => quotas.used(project.id),
	};
}

export type Registry = Awaited<ReturnType<typeof registry>>;
