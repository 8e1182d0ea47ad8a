import { describe, expect, it } from "vitest";
import { lockDigests } from "../../core/blob-locks.ts";
import { createRegistryStore } from "../../core/store.ts";
import { now } from "../../db/database.ts";
import { withDatabase } from "../../test/harness.ts";
import { createRepositoryStore } from "./store.ts";

// Digests that differ in their first hex digits, so each has a lock of its own (bff/core/blob-locks.ts buckets by them).
const digest = (n: number) =>
	`sha256:${n.toString(16).padStart(8, "0").padEnd(64, "0")}`;
const media = "application/octet-stream";

describe("deleting a repository on postgres", () => {
	// Seen in a loaded CI run: a push linked a blob into the repository after the deletion had read its links and before
	// it removed them; the link went with the repository and the project went on counting the blob.
	it("uncounts a blob linked into it while the deletion waits for its blobs' locks", () =>
		withDatabase("postgres", async (db) => {
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
			const registry = createRegistryStore(db);
			const repo = await registry.ensureRepository(project.id, "p/app");
			await registry.linkBlob(repo, project.id, digest(1), 10, media);

			// Hold the first blob's lock, so the deletion stops after reading the links it knows of.
			let removal: Promise<void> | undefined;
			await db.transaction().execute(async (holder) => {
				await lockDigests(holder, [digest(1)], "exclusive");
				removal = createRepositoryStore(db).remove(repo);
				removal.catch(() => undefined);
				await new Promise((r) => setTimeout(r, 300));
				await registry.linkBlob(repo, project.id, digest(2), 10, media);
			});
			await removal;

			const counted = await db
				.selectFrom("project_blobs")
				.select("digest")
				.where("project_id", "=", project.id)
				.execute();
			expect(counted).toEqual([]);
			expect(
				await db.selectFrom("repositories").select("id").execute(),
			).toEqual([]);
		}));
});
