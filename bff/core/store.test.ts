import { describe, expect, it } from "vitest";
import { chunks } from "../db/chunks.ts";
import { type Db, now } from "../db/database.ts";
import { engines, withDatabase } from "../test/harness.ts";
import { createRegistryStore } from "./store.ts";

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;

describe.each(engines)("the registry metadata on %s", (engine) => {
	const withStore = (
		work: (
			store: ReturnType<typeof createRegistryStore>,
			projectId: number,
			db: Db,
		) => Promise<void>,
	) =>
		withDatabase(engine, async (db) => {
			const t = now();
			const p = await db
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
			await work(createRegistryStore(db), p.id, db);
		});

	const record = (
		projectId: number,
		repositoryId: number,
		d: string,
		tag: string | null,
	) => ({
		projectId,
		repositoryId,
		digest: d,
		size: 10,
		manifestMediaType: "application/vnd.oci.image.manifest.v1+json",
		type: "IMAGE",
		configMediaType: "application/vnd.oci.image.config.v1+json",
		artifactType: null,
		subjectDigest: null,
		annotations: null,
		blobs: [],
		children: [],
		tags: tag ? [tag] : [],
	});

	it("lists tags in byte order, so `last` pages the same on both engines", () =>
		withStore(async (store, pid) => {
			const repo = await store.ensureRepository(pid, "p/app");
			for (const [i, tag] of ["b", "B", "a", "_x", "1.0", "A"].entries())
				await store.recordManifest(record(pid, repo, digest(i + 1), tag));
			expect(await store.listTags(repo, 10)).toEqual([
				"1.0",
				"A",
				"B",
				"_x",
				"a",
				"b",
			]);
			expect(await store.listTags(repo, 2, "B")).toEqual(["_x", "a"]);
		}));

	it("moves a tag to the newest manifest pushed under it", () =>
		withStore(async (store, pid) => {
			const repo = await store.ensureRepository(pid, "p/app");
			await store.recordManifest(record(pid, repo, digest(1), "latest"));
			await store.recordManifest(record(pid, repo, digest(2), "latest"));
			expect((await store.findTagged(repo, "latest"))?.digest).toBe(digest(2));
			expect(await store.listTags(repo, 10)).toEqual(["latest"]);
		}));

	it("records manifests naming more digests than one SQL statement may bind", () =>
		withStore(async (store, pid) => {
			const repo = await store.ensureRepository(pid, "p/wide");
			const blobs = Array.from({ length: 20_000 }, (_, i) =>
				digest(100_000 + i),
			);
			// A manifest records only blobs its repository links (the links alone: no bytes are looked at).
			for (const slice of chunks(blobs)) {
				await store.db
					.insertInto("repository_blobs")
					.values(
						slice.map((d) => ({
							repository_id: repo,
							digest: d,
							linked_at: now(),
						})),
					)
					.execute();
			}
			await store.recordManifest({
				...record(pid, repo, digest(1), "wide"),
				blobs: [...blobs, ...blobs],
			});
			const children = Array.from({ length: 7000 }, (_, i) =>
				digest(200_000 + i),
			);
			for (const [i, d] of children.entries())
				if (i < 5) await store.recordManifest(record(pid, repo, d, null));
			const kids = children.slice(0, 5).flatMap((d) =>
				Array.from({ length: 1400 }, () => ({
					digest: d,
					platform: null,
					annotations: null,
				})),
			);
			await store.recordManifest({
				...record(pid, repo, digest(2), "index"),
				children: kids,
			});
			expect([
				...(await store.linkedSizes(repo, [...blobs, digest(1)])).keys(),
			]).toEqual([digest(1)]);
			const rows = await store.db
				.selectFrom("artifact_blobs")
				.select((eb) => eb.fn.countAll<number>().as("n"))
				.executeTakeFirstOrThrow();
			expect(Number(rows.n)).toBe(20_000);
			expect((await store.artifactIdsByDigest(repo, children)).size).toBe(5);
		}));

	it("counts a blob once per project however many repositories link it", () =>
		withStore(async (store, pid) => {
			const a = await store.ensureRepository(pid, "p/a");
			const b = await store.ensureRepository(pid, "p/b");
			await store.linkBlob(a, pid, digest(9), 1000, "application/octet-stream");
			await store.linkBlob(b, pid, digest(9), 1000, "application/octet-stream");
			await store.linkBlob(b, pid, digest(9), 1000, "application/octet-stream");
			const rows = await store.db
				.selectFrom("project_blobs")
				.selectAll()
				.where("project_id", "=", pid)
				.execute();
			expect(rows.map((r) => r.digest)).toEqual([digest(9)]);
			expect((await store.linkedBlob(b, digest(9)))?.size).toBe(1000);
		}));

	it("lets only one writer claim an upload at an offset", () =>
		withStore(async (store, pid) => {
			const repo = await store.ensureRepository(pid, "p/app");
			await store.createUpload({
				id: "00000000-0000-4000-8000-000000000001",
				repositoryId: repo,
				principal: "admin",
				algorithm: "sha256",
			});
			const id = "00000000-0000-4000-8000-000000000001";
			const claims = await Promise.all([
				store.claimUpload(id, 0, "one", 30_000),
				store.claimUpload(id, 0, "two", 30_000),
			]);
			expect(claims.filter(Boolean)).toHaveLength(1);
			await store.releaseUpload(id, claims[0] ? "one" : "two", 5);
			expect(await store.claimUpload(id, 0, "three", 30_000)).toBe(false);
			expect(await store.claimUpload(id, 5, "three", 30_000)).toBe(true);
			expect((await store.findUpload(id))?.offset).toBe(5);
		}));

	it("lists only repositories that hold artifacts in the catalog", () =>
		withStore(async (store, pid) => {
			const empty = await store.ensureRepository(pid, "p/empty");
			const full = await store.ensureRepository(pid, "p/full");
			expect(empty).not.toBe(full);
			await store.recordManifest(record(pid, full, digest(3), "v1"));
			expect(
				await store.listRepositories(10, undefined, { all: true }),
			).toEqual(["p/full"]);
		}));

	// Seen as a 500 on a tag's DELETE in CI: a batch of pull times took the artifact's row, then waited on the tag's,
	// which the deletion held while it waited on the artifact's. The deletion here holds the tag, then touches the
	// artifact once the pulls have had time to take what they would.
	it.runIf(engine === "postgres")(
		"records pull times without deadlocking a tag's deletion",
		() =>
			withStore(async (store, pid, db) => {
				const repo = await store.ensureRepository(pid, "p/app");
				await store.recordManifest(record(pid, repo, digest(1), "v1"));
				const tagged = (await store.findTagged(repo, "v1"))!;
				let pulls: Promise<void> | undefined;
				await db.transaction().execute(async (tx) => {
					await tx
						.deleteFrom("tags")
						.where("repository_id", "=", repo)
						.where("name", "=", "v1")
						.execute();
					pulls = store.recordPulls([
						{
							artifactId: tagged.id,
							repositoryId: repo,
							tag: "v1",
							count: 1,
							time: now(),
						},
					]);
					pulls.catch(() => undefined);
					await new Promise((r) => setTimeout(r, 300));
					await tx
						.updateTable("artifacts")
						.set({ top_level: 0 })
						.where("id", "=", tagged.id)
						.execute();
				});
				await pulls;
				const row = await db
					.selectFrom("artifacts")
					.select(["pull_time", "top_level"])
					.where("id", "=", tagged.id)
					.executeTakeFirstOrThrow();
				expect(row.pull_time).not.toBeNull();
				expect(row.top_level).toBe(0);
			}),
	);
});
