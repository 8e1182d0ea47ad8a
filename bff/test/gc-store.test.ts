import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RegistryError } from "../core/errors.ts";
import { descriptor, mt } from "./distribution-helpers.ts";
import { withRegistry } from "./gc-fixtures.ts";
import { engines } from "./harness.ts";

const gone = { row: false, file: false };
const kept = { row: true, file: true };

describe.each(engines)(
	"garbage collection of the registry metadata on %s",
	(engine) => {
		it("frees a deleted image's blobs (rows, files, quota) and keeps a layer another repository uses", () =>
			withRegistry(engine, async (r) => {
				const shared = randomBytes(2000);
				const a = await r.repo("a");
				const b = await r.repo("b");
				const imageA = await r.pushImage(a, "v1", [shared, randomBytes(3000)]);
				const imageB = await r.pushImage(b, "v1", [shared]);
				const before = await r.used();
				await r.manifests.delete(a, imageA.digest);

				const result = await r.gc();
				for (const d of [imageA.digest, imageA.config, imageA.layers[1]])
					expect(await r.has(d), d).toEqual(gone);
				for (const d of [
					imageB.digest,
					imageB.config,
					shared.length ? imageB.layers[0] : "",
				])
					expect(await r.has(d), d).toEqual(kept);
				expect(result.blobs).toBe(3);
				expect(result.bytes).toBe(imageA.bytes - shared.length);
				// The deletion already stopped counting A; its blobs, gone, never count again; B's count as before.
				expect(await r.used()).toBe(before - (imageA.bytes - shared.length));
				expect(
					await r.store.linkedBlob(a.id, shared.length ? imageA.layers[0] : ""),
				).toBeUndefined();
				expect(await r.store.linkedBlob(b.id, imageB.layers[0])).toBeDefined();
				// A second run finds nothing left to do.
				expect((await r.gc()).blobs).toBe(0);
			}));

		it("keeps what is younger than the time window", () =>
			withRegistry(engine, async (r) => {
				const a = await r.repo("a");
				const image = await r.pushImage(a, "v1");
				await r.manifests.delete(a, image.digest);
				expect((await r.gc({}, 2)).blobs).toBe(0);
				expect(await r.has(image.layers[0])).toEqual(kept);
				// …and collects it once the window is over (the candidate was noted again for a later run).
				expect((await r.gc({}, 0)).blobs).toBe(3);
			}));

		it("frees blobs pushed without a manifest (pending in the quota) and stops counting them", () =>
			withRegistry(engine, async (r) => {
				const a = await r.repo("a");
				const before = await r.used();
				const orphan = await r.pushBlob(a, randomBytes(4096));
				expect(await r.used()).toBe(before + 4096);
				const result = await r.gc();
				expect(result.blobs).toBe(1);
				expect(await r.has(orphan)).toEqual(gone);
				expect(await r.used()).toBe(before);
			}));

		it("dry run reports what would go and its size, and deletes nothing", () =>
			withRegistry(engine, async (r) => {
				const a = await r.repo("a");
				const image = await r.pushImage(a, "v1", [randomBytes(5000)]);
				await r.manifests.delete(a, image.digest);
				const dry = await r.gc({ dry_run: true });
				expect({ blobs: dry.blobs, bytes: dry.bytes }).toEqual({
					blobs: 3,
					bytes: image.bytes,
				});
				expect(
					dry.lines.filter((l) => l.startsWith("would delete blob")),
				).toHaveLength(3);
				for (const d of [image.digest, image.config, image.layers[0]])
					expect(await r.has(d)).toEqual(kept);
				const real = await r.gc();
				expect({ blobs: real.blobs, bytes: real.bytes }).toEqual({
					blobs: 3,
					bytes: image.bytes,
				});
			}));

		it("delete_untagged removes untagged top-level artifacts, not a tagged index's children nor a kept subject's accessories", () =>
			withRegistry(engine, async (r) => {
				const a = await r.repo("a");
				const untagged = await r.pushImage(a, null);
				const tagged = await r.pushImage(a, "v1");
				const child = await r.pushImage(a, null);
				await r.pushIndex(a, "multi", [
					{
						...descriptor(mt.ociManifest, child.body),
						platform: { os: "linux", architecture: "amd64" },
					},
				]);
				const result = await r.gc({ delete_untagged: true });
				expect(result.artifacts).toBe(1);
				expect(
					await r.store.findArtifact(a.id, untagged.digest),
				).toBeUndefined();
				for (const d of [tagged.digest, child.digest])
					expect(await r.store.findArtifact(a.id, d)).toBeDefined();
				expect(await r.has(untagged.layers[0])).toEqual(gone);
				expect(await r.has(child.layers[0])).toEqual(kept);
			}));

		it("refuses a manifest whose blob link GC removed after the push checked it (the client pushes the blob again)", () =>
			withRegistry(engine, async (r) => {
				const a = await r.repo("a");
				const layer = randomBytes(100);
				const digest = await r.pushBlob(a, layer);
				// Exactly what GC does between the manifest service's look at the links and the commit of the manifest.
				const config = await r.pushBlob(a, Buffer.from("{}"));
				await r.gcStore.unlink(
					[digest],
					new Date(Date.now() + 1000).toISOString(),
					false,
				);
				const record = {
					projectId: r.projectId,
					repositoryId: a.id,
					digest: `sha256:${"e".repeat(64)}`,
					size: 10,
					manifestMediaType: mt.ociManifest,
					type: "IMAGE",
					configMediaType: mt.ociConfig,
					artifactType: null,
					subjectDigest: null,
					annotations: null,
					blobs: [config, digest],
					children: [],
					tags: ["v1"],
				};
				const err = await r.store
					.recordManifest(record)
					.catch((e: unknown) => e);
				expect(err).toBeInstanceOf(RegistryError);
				expect((err as RegistryError).code).toBe("MANIFEST_BLOB_UNKNOWN");
				expect(await r.store.findTagged(a.id, "v1")).toBeUndefined();
			}));

		it('a mount of a blob GC took answers "unknown" and a crash between file and row leaves nothing visible', () =>
			withRegistry(engine, async (r) => {
				const a = await r.repo("a");
				const b = await r.repo("b");
				const digest = await r.pushBlob(a, randomBytes(100));
				// A run that dies after tombstoning: the row is invisible, the file still there.
				const cutoff = new Date(Date.now() + 1000).toISOString();
				await r.gcStore.unlink([digest], cutoff, false);
				expect(await r.gcStore.mark([digest], cutoff, false)).toHaveLength(1);
				expect(await r.store.findBlob(digest)).toBeUndefined();
				expect(await r.store.linkedBlob(a.id, digest)).toBeUndefined();
				const mount = await r.store
					.linkBlobs(
						b.id,
						r.projectId,
						[{ digest, size: 100, mediaType: "x" }],
						async () => {},
					)
					.catch((e: unknown) => e);
				expect((mount as RegistryError).code).toBe("BLOB_UNKNOWN");
				// The next run finishes it: file, then row.
				await r.gc();
				expect(await r.has(digest)).toEqual(gone);
				expect(
					await r.db
						.selectFrom("blobs")
						.select("digest")
						.where("digest", "=", digest)
						.executeTakeFirst(),
				).toBeUndefined();
			}));

		it("a push of a blob GC is deleting waits for the deletion and then keeps its bytes", () =>
			withRegistry(engine, async (r) => {
				const a = await r.repo("a");
				const data = randomBytes(100);
				const digest = await r.pushBlob(a, data);
				const cutoff = new Date(Date.now() + 1000).toISOString();
				await r.gcStore.unlink([digest], cutoff, false);
				await r.gcStore.mark([digest], cutoff, false);
				const push = r.pushBlob(a, data);
				await new Promise((res) => setTimeout(res, 200));
				// GC finishes (file, then row) while the push waits; the push then lands for good.
				await r.storage.delete(digest);
				await r.gcStore.forget([digest]);
				expect(await push).toBe(digest);
				expect(await r.has(digest)).toEqual(kept);
				expect(await r.store.linkedBlob(a.id, digest)).toBeDefined();
			}));

		it("a stopped run, or one whose storage fails mid-way, leaves every visible blob whole; the next run finishes", () =>
			withRegistry(engine, async (r) => {
				const a = await r.repo("a");
				const images = [];
				for (let i = 0; i < 40; i++)
					images.push(
						await r.pushImage(a, `t${i}`, [randomBytes(200), randomBytes(200)]),
					);
				for (const image of images) await r.manifests.delete(a, image.digest);
				const garbage = images.flatMap((i) => [
					i.digest,
					i.config,
					...i.layers,
				]);

				const stopped = await r
					.gc({}, 0, {
						onLog: (line, stop) => {
							if (line.startsWith("deleted blob")) stop();
						},
					})
					.catch((e: unknown) => e);
				expect((stopped as Error).message).toBe("job stopped");
				expect(await r.visibleWithoutFile()).toEqual([]);
				const left = (
					await Promise.all(garbage.map(async (d) => (await r.has(d)).row))
				).filter(Boolean).length;
				expect(left).toBeGreaterThan(0);
				expect(left).toBeLessThan(garbage.length);

				// A "crash": the storage fails after a few deletions; rows were tombstoned first, so nothing visible lacks its file.
				let deletions = 0;
				const failing = {
					...r.storage,
					delete: async (d: string) => {
						if (++deletions > 5) throw new Error("disk gone");
						await r.storage.delete(d);
					},
				};
				await expect(r.gc({}, 0, { storage: failing })).rejects.toThrow(
					"disk gone",
				);
				expect(await r.visibleWithoutFile()).toEqual([]);

				await r.gc();
				for (const d of garbage) expect(await r.has(d), d).toEqual(gone);
				expect(
					await r.db
						.selectFrom("blobs")
						.select("digest")
						.where("deleting", "=", 1)
						.execute(),
				).toEqual([]);
			}));

		it("purges uploads abandoned for more than 24 hours, and leaves a recent one", () =>
			withRegistry(engine, async (r) => {
				const a = await r.repo("a");
				const abandoned = await r.uploads.start(a, "admin");
				const recent = await r.uploads.start(a, "admin");
				const dayAgo = new Date(Date.now() - 25 * 3600_000).toISOString();
				await r.db
					.updateTable("uploads")
					.set({ last_activity: dayAgo })
					.where("id", "=", abandoned)
					.execute();
				const result = await r.gc();
				expect(result.uploads).toBe(1);
				expect(result.lines).toContain(
					"purged 1 uploads abandoned for more than 24 h",
				);
				expect(await r.store.findUpload(abandoned)).toBeUndefined();
				expect(await r.store.findUpload(recent)).toBeDefined();
			}));
	},
);
