import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageDriver } from "../../core/storage/driver.ts";
import { createFilesystemDriver } from "../../core/storage/filesystem.ts";
import { createParseBudget } from "./blob-json.ts";
import { createManifestDetails } from "./manifest-details.ts";

const digestOf = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("manifest details", () => {
	let dir: string;
	let storage: StorageDriver;
	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), "wharf-details-"));
		storage = createFilesystemDriver(dir);
	});
	afterAll(() => rm(dir, { recursive: true, force: true }));

	/** Stores an image whose config carries `config` and returns the artifact row the API would pass. */
	async function image(config: Record<string, unknown>) {
		const c = Buffer.from(JSON.stringify(config));
		await storage.put(digestOf(c), c);
		const m = Buffer.from(
			JSON.stringify({
				schemaVersion: 2,
				mediaType: "application/vnd.oci.image.manifest.v1+json",
				config: {
					mediaType: "application/vnd.oci.image.config.v1+json",
					digest: digestOf(c),
					size: c.length,
					junk: "x".repeat(1000),
				},
				layers: [],
			}),
		);
		await storage.put(digestOf(m), m);
		return {
			digest: digestOf(m),
			size: m.length,
			type: "IMAGE",
			manifest_media_type: "application/vnd.oci.image.manifest.v1+json",
		};
	}

	it("keeps the cache under its byte bound however many large details it is given", async () => {
		const cacheBytes = 256 * 1024;
		const details = createManifestDetails(storage, { cacheBytes });
		// Each just under the 64 KiB a runtime config may take, so each entry is as large as the cache ever keeps.
		const env = (i: number) =>
			Array.from({ length: 1000 }, (_, j) => `VAR_${i}_${j}=${"v".repeat(40)}`);
		for (let i = 0; i < 20; i++) {
			const a = await image({
				os: "linux",
				architecture: "amd64",
				config: { Env: env(i) },
			});
			const d = await details.of(a);
			expect((d.extraAttrs.config as { Env: string[] }).Env).toEqual(env(i));
			expect(details.cachedBytes()).toBeLessThanOrEqual(cacheBytes);
		}
		expect(details.cachedBytes()).toBeGreaterThan(cacheBytes / 2);
	});

	it("keeps only the fields an answer needs", async () => {
		const details = createManifestDetails(storage);
		const a = await image({
			os: "linux",
			architecture: "arm64",
			variant: "v8",
			created: "2024-01-01T00:00:00Z",
			secret: "x".repeat(100_000),
			config: { Cmd: ["/app"], Healthcheck: { Test: ["x".repeat(100_000)] } },
			history: Array.from({ length: 1000 }, () => ({ created_by: "RUN x" })),
		});
		const d = await details.of(a);
		expect(d.extraAttrs).toEqual({
			os: "linux",
			architecture: "arm64",
			variant: "v8",
			created: "2024-01-01T00:00:00Z",
			author: "",
			config: { Cmd: ["/app"] },
		});
		expect(d.config).toEqual({
			digest: expect.any(String),
			size: expect.any(Number),
		});
		expect(details.cachedBytes()).toBeLessThan(2048);
	});

	it("reads past a request's budget nothing, and caches nothing for what it skipped", async () => {
		const details = createManifestDetails(storage);
		const big = {
			os: "linux",
			architecture: "amd64",
			pad: "p".repeat(300_000),
		};
		const [a, b] = [
			await image({ ...big, n: 1 }),
			await image({ ...big, n: 2 }),
		];
		const budget = createParseBudget(400_000);
		const [da, db] = [await details.of(a, budget), await details.of(b, budget)];
		expect(da.extraAttrs.os).toBe("linux");
		expect(db.extraAttrs).toEqual({});
		expect(
			(await details.of(b, createParseBudget(400_000))).extraAttrs.os,
		).toBe("linux");
	});
});
