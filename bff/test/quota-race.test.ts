import { randomBytes } from "node:crypto";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManifestService } from "../core/manifests.ts";
import type { StorageDriver } from "../core/storage/driver.ts";
import { createFilesystemDriver } from "../core/storage/filesystem.ts";
import { createRegistryStore } from "../core/store.ts";
import type { Db } from "../db/database.ts";
import { collectGarbage } from "../gc/collector.ts";
import { createGcStore } from "../gc/store.ts";
import { createV2Client } from "../replication/v2-client.ts";
import { addProject, api } from "./api-fixtures.ts";
import {
	client,
	descriptor,
	imageManifest,
	mt,
	sha256,
	sleep,
} from "./distribution-helpers.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { pushImage } from "./oci-fixtures.ts";
import {
	addEndpoint,
	addPolicy,
	ended,
	startExecution,
} from "./replication-fixtures.ts";

const racingMs = 8000;
const hard = 40_000;

/**
 * Whether the project's pending counts match its links, in one consistent read: every blob counted as pending is still
 * linked by one of its repositories, and every blob no manifest names that a repository of it links is counted.
 * (Links and counts change together in one transaction, so this holds in every committed state, also mid-race.)
 */
async function pendingProblems(
	db: Db,
	projectId: number,
	unreferenced: Set<string>,
): Promise<string[]> {
	const r = await sql<{ digest: string; problem: string }>`
    select pb.digest, 'counted as pending, no repository of the project links it' as problem from project_blobs pb
      where pb.project_id = ${projectId} and not exists (select 1 from repository_blobs rb inner join repositories r on r.id = rb.repository_id
        where r.project_id = ${projectId} and rb.digest = pb.digest)
    union all
    select rb.digest, 'linked, no manifest names it, not counted' as problem from repository_blobs rb inner join repositories r on r.id = rb.repository_id
      where r.project_id = ${projectId} and rb.digest in (${unreferenced.size ? sql.join([...unreferenced]) : sql`''`})
      and not exists (select 1 from project_blobs pb where pb.project_id = ${projectId} and pb.digest = rb.digest)`.execute(
		db,
	);
	return r.rows.map((row) => `${row.digest}: ${row.problem}`);
}

/**
 * What the project uses, counted from scratch and from the content itself rather than from the quota's query: every
 * artifact's manifest is read from storage and parsed; the project holds each distinct digest it names once (the
 * manifest, its config and layers, at the sizes the manifest gives), plus the blobs pushed into it that no manifest
 * took yet (pending), plus what uploads in flight reserved. Also answers what is wrong with the rows it read: a
 * referenced blob without its row, with another size, tombstoned, or without its bytes.
 */
async function recount(
	db: Db,
	storage: StorageDriver,
	projectId: number,
	unreferenced: Set<string>,
) {
	const sizes = new Map<string, number>();
	const problems: string[] = [];
	const note = (digest: string, size: number, where: string) => {
		const known = sizes.get(digest);
		if (known !== undefined && known !== size)
			problems.push(`${digest} is ${known} and ${size} bytes (${where})`);
		sizes.set(digest, size);
	};
	const artifacts = await db
		.selectFrom("artifacts")
		.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
		.select(["artifacts.digest", "repositories.name"])
		.where("artifacts.project_id", "=", projectId)
		.execute();
	for (const a of artifacts) {
		const chunks: Buffer[] = [];
		try {
			for await (const c of await storage.read(a.digest))
				chunks.push(c as Buffer);
		} catch (e) {
			problems.push(
				`${a.name}@${a.digest}: manifest unreadable (${(e as Error).message})`,
			);
			continue;
		}
		const body = Buffer.concat(chunks);
		note(a.digest, body.length, `${a.name}@${a.digest}`);
		const m = JSON.parse(body.toString("utf8")) as {
			config?: { digest: string; size: number };
			layers?: { digest: string; size: number; urls?: string[] }[];
		};
		for (const d of [
			m.config,
			...(m.layers ?? []).filter((l) => !l.urls?.length),
		])
			if (d) note(d.digest, d.size, `${a.name}@${a.digest}`);
	}
	const referenced = [...sizes.keys()];
	for (const digest of referenced) {
		const row = await db
			.selectFrom("blobs")
			.select(["size", "deleting"])
			.where("digest", "=", digest)
			.executeTakeFirst();
		if (!row) problems.push(`${digest}: referenced, no blob row`);
		else if (row.deleting) problems.push(`${digest}: referenced, tombstoned`);
		else if (Number(row.size) !== sizes.get(digest))
			problems.push(
				`${digest}: row says ${row.size} bytes, manifest ${sizes.get(digest)}`,
			);
		if ((await storage.stat(digest)) === null)
			problems.push(`${digest}: referenced, bytes gone`);
	}
	const pending = await db
		.selectFrom("project_blobs")
		.innerJoin("blobs", "blobs.digest", "project_blobs.digest")
		.select(["blobs.digest", "blobs.size"])
		.where("project_blobs.project_id", "=", projectId)
		.execute();
	for (const p of pending)
		if (!sizes.has(p.digest)) sizes.set(p.digest, Number(p.size));
	problems.push(...(await pendingProblems(db, projectId, unreferenced)));
	const uploads = await db
		.selectFrom("uploads")
		.innerJoin("repositories", "repositories.id", "uploads.repository_id")
		.select(["uploads.id", "uploads.reserved", "uploads.offset"])
		.where("repositories.project_id", "=", projectId)
		.execute();
	const reserved = uploads.reduce((n, u) => n + Number(u.reserved), 0);
	const stored = [...sizes.values()].reduce((n, s) => n + s, 0);
	return {
		bytes: stored + reserved,
		referenced: referenced.length,
		pending: pending.length,
		uploads,
		problems,
	};
}

/**
 * THE quota race: against one project with a storage quota, clients push (refusals by the quota included), delete
 * artifacts and tags on /v2 and on the API, copy artifacts in from another project, a pull replication from
 * docker-registry runs again and again, and GC runs back to back with a time window of 0 (deleting untagged
 * artifacts every other run); blobs are pushed into two repositories and deleted from both at once, or from one while
 * the other links it. Usage must never pass the limit, the pending counts must match the links all along, and once
 * all of it has stopped, the usage the API answers must equal a recount from the manifests in storage — before GC has
 * swept what the race left, and after. (Without the digest's exclusive lock in `unlinkBlob`, Postgres left blobs
 * counted that no repository linked.)
 */
describe.each(engines)(
	"quota usage racing pushes, deletes, copies, replication and GC on %s",
	(engine) => {
		let s: TestServer;
		let dist: DistributionServer;
		let projectId: number;

		beforeAll(async () => {
			[s, dist] = await Promise.all([
				startTestServer(engine, {
					GC_TIME_WINDOW_HOURS: "0",
					WHARF_REPLICATION_RETRY_SECONDS: "0.2",
				}),
				startDistributionServer(),
			]);
		}, 60_000);
		afterAll(async () => {
			await Promise.all([stopTestServer(s), dist?.stop()]);
		});

		it("keeps usage equal to a recount, and never past the limit", async () => {
			const c = client(s);
			const call = api(s);
			projectId = await addProject(s, "q");
			await addProject(s, "src");
			expect(
				(
					await call(`/quotas/${projectId}`, {
						method: "PUT",
						json: { hard: { storage: hard } },
					})
				).status,
			).toBe(200);

			// What copies take from (another project) and what replication pulls (docker-registry).
			// Their layers are also the layers pushes into the project mount from `src`.
			const srcLayers = [randomBytes(2500), randomBytes(2500)];
			for (const l of srcLayers) await c.pushBlob("src/app", l);
			const sources: string[] = [];
			for (let i = 0; i < 4; i++) {
				const config = Buffer.from(
					JSON.stringify({ architecture: "amd64", os: "linux", nonce: i }),
				);
				await c.pushBlob("src/app", config);
				const body = imageManifest({
					config: descriptor(mt.ociConfig, config),
					layers: [descriptor(mt.ociLayer, srcLayers[i % 2])],
				});
				expect((await c.putManifest("src/app", `s${i}`, body)).status).toBe(
					201,
				);
				sources.push(`src/app:s${i}`, `src/app@${sha256(body)}`);
			}
			const remote = createV2Client({ url: dist.url });
			for (let i = 0; i < 3; i++)
				await pushImage(remote, `mirror/app${i % 2}`, `m${i}`, {
					layerBytes: 3000,
				});
			await remote.close();
			const endpoint = await addEndpoint(s, {
				name: "dist",
				type: "docker-registry",
				url: dist.url,
			});
			const policy = await addPolicy(s, {
				name: "pull-q",
				src_registry: { id: endpoint },
				dest_namespace: "q",
				dest_namespace_replace_count: 1,
				filters: [{ type: "name", value: "mirror/**" }],
			});

			const outcomes = new Map<string, number>();
			const unexpected: string[] = [];
			const count = (what: string) =>
				outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
			/** Records the answer; one outside `allowed` is a failure the test reports at the end. */
			const expectStatus = async (
				what: string,
				r: Response,
				allowed: number[],
			) => {
				count(`${what} ${r.status}`);
				if (!allowed.includes(r.status))
					unexpected.push(
						`${what}: ${r.status} ${(await r.text()).slice(0, 300)}`,
					);
				return r.status;
			};
			let stop = false;
			let maxUsed = 0;
			let landed = 0;
			const unreferenced = new Set<string>(); // blobs no manifest names

			const shared = Array.from({ length: 3 }, () => randomBytes(3000));
			const pushed: string[] = []; // repo:tag

			/**
			 * One blob, as clients send them: reused when the repository has it, mounted from `src` when that holds it, else
			 * in one POST or in PATCHed chunks (a reservation taken per chunk). False when the quota refused it (403): the
			 * push stops there, as docker's does.
			 */
			async function upload(repo: string, b: Buffer): Promise<boolean> {
				const digest = sha256(b);
				if (
					(await c.call(`/v2/${repo}/blobs/${digest}`, { method: "HEAD" }))
						.status === 200
				)
					return true;
				const mode = Math.floor(Math.random() * 3);
				if (mode === 0) {
					const m = await c.call(
						`/v2/${repo}/blobs/uploads/?mount=${digest}&from=src/app`,
						{ method: "POST" },
					);
					if ((await expectStatus("mount", m, [201, 202, 403])) === 201)
						return true;
					if (m.status !== 202) return false;
					await c.call(m.headers.get("location")!, { method: "DELETE" });
				}
				if (mode === 2) {
					const start = await c.call(`/v2/${repo}/blobs/uploads/`, {
						method: "POST",
					});
					if ((await expectStatus("upload start", start, [202])) !== 202)
						return false;
					let location = start.headers.get("location")!;
					const half = Math.floor(b.length / 2);
					for (const [from, to] of [
						[0, half],
						[half, b.length],
					]) {
						const r = await c.call(location, {
							method: "PATCH",
							body: b.subarray(from, to),
							headers: {
								"Content-Type": "application/octet-stream",
								"Content-Range": `${from}-${to - 1}`,
							},
						});
						if ((await expectStatus("chunk", r, [202, 403])) !== 202)
							return false;
						location = r.headers.get("location")!;
					}
					const r = await c.call(
						`${location}${location.includes("?") ? "&" : "?"}digest=${digest}`,
						{ method: "PUT" },
					);
					return (await expectStatus("chunked upload", r, [201, 403])) === 201;
				}
				const r = await c.call(`/v2/${repo}/blobs/uploads/?digest=${digest}`, {
					method: "POST",
					body: b,
					headers: { "Content-Type": "application/octet-stream" },
				});
				return (await expectStatus("blob upload", r, [201, 403])) === 201;
			}

			async function pushOnce(repo: string, tag: string) {
				const config = Buffer.from(
					JSON.stringify({ nonce: randomBytes(8).toString("hex") }),
				);
				const layers = [
					randomBytes(1500 + Math.floor(Math.random() * 1000)),
					shared[Math.floor(Math.random() * shared.length)],
				];
				if (Math.random() < 0.5)
					layers.push(srcLayers[Math.floor(Math.random() * srcLayers.length)]);
				const body = imageManifest({
					config: descriptor(mt.ociConfig, config),
					layers: layers.map((l) => descriptor(mt.ociLayer, l)),
				});
				// 400 MANIFEST_BLOB_UNKNOWN: GC took a blob meanwhile; the client pushes again (a few times), as docker does.
				for (let attempt = 0; attempt < 5 && !stop; attempt++) {
					for (const b of [config, ...layers])
						if (!(await upload(repo, b))) return;
					const status = await expectStatus(
						"manifest push",
						await c.putManifest(repo, tag, body),
						[201, 400, 403],
					);
					if (status === 201) {
						pushed.push(`${repo}:${tag}`);
						landed++;
					}
					if (status !== 400) return;
				}
			}

			async function pusher(n: number) {
				for (let i = 0; !stop; i++)
					await pushOnce(`q/race-${n % 2}`, `p${n}-${i}`);
			}

			/**
			 * Blobs pushed into two repositories of the project and deleted from both at once (/v2 DELETE of a blob): the
			 * project counts such a blob while one of them holds it, and stops once neither does. Now and then a repository
			 * holding pending blobs is deleted whole.
			 */
			async function unlinker() {
				const repos = ["q/race-0", "q/race-1"];
				const unlink = async (repo: string, b: Buffer) =>
					expectStatus(
						"v2 delete blob",
						await c.call(`/v2/${repo}/blobs/${sha256(b)}`, {
							method: "DELETE",
						}),
						[202, 404],
					);
				for (let i = 0; !stop; i++) {
					const b = randomBytes(700);
					unreferenced.add(sha256(b));
					if (!(await upload(repos[0], b))) continue;
					if (i % 2) {
						// Held by both, then let go by both at once.
						if (!(await upload(repos[1], b))) continue;
						await Promise.all(repos.map((repo) => unlink(repo, b)));
					} else {
						// Let go by one while the other takes it.
						await Promise.all([unlink(repos[0], b), upload(repos[1], b)]);
					}
					if (i % 10 === 9) {
						if (!(await upload("q/scratch", randomBytes(500)))) continue;
						await expectStatus(
							"api delete repository",
							await call("/projects/q/repositories/scratch", {
								method: "DELETE",
							}),
							[200, 404],
						);
					}
				}
			}

			const pick = <T>(items: T[]) =>
				items.splice(Math.floor(Math.random() * items.length), 1)[0];
			async function deleter() {
				for (let i = 0; !stop; i++) {
					await sleep(20);
					const ref = pushed.length > 2 ? pick(pushed) : undefined;
					if (!ref) continue;
					const [repo, tag] = ref.split(":");
					const name = repo.slice("q/".length);
					switch (i % 4) {
						case 0:
							await expectStatus(
								"v2 delete tag",
								await c.call(`/v2/${repo}/manifests/${tag}`, {
									method: "DELETE",
								}),
								[202, 404],
							);
							break;
						case 1:
							await expectStatus(
								"api delete tag",
								await call(
									`/projects/q/repositories/${name}/artifacts/${tag}/tags/${tag}`,
									{ method: "DELETE" },
								),
								[200, 404],
							);
							break;
						case 2:
							await expectStatus(
								"api delete artifact",
								await call(
									`/projects/q/repositories/${name}/artifacts/${tag}`,
									{ method: "DELETE" },
								),
								[200, 404],
							);
							break;
						default: {
							const m = await c.call(`/v2/${repo}/manifests/${tag}`, {
								method: "HEAD",
								headers: { Accept: mt.ociManifest },
							});
							if (m.status !== 200) {
								count("v2 delete artifact gone");
								break;
							}
							await expectStatus(
								"v2 delete artifact",
								await c.call(
									`/v2/${repo}/manifests/${m.headers.get("docker-content-digest")}`,
									{ method: "DELETE" },
								),
								[202, 404],
							);
						}
					}
					// Now and then a copied or replicated artifact goes too, so copies and replication write again.
					if (i % 5 === 0) {
						const repoName = ["copied", "app0", "app1"][i % 3];
						const list = await call(
							`/projects/q/repositories/${repoName}/artifacts?page_size=20`,
						);
						if (list.status !== 200) continue;
						const items = (await list.json()) as { digest: string }[];
						if (items.length)
							await expectStatus(
								"api delete copied",
								await call(
									`/projects/q/repositories/${repoName}/artifacts/${pick(items).digest}`,
									{ method: "DELETE" },
								),
								[200, 404, 412],
							);
					}
				}
			}

			async function copier() {
				for (let i = 0; !stop; i++) {
					const from = sources[i % sources.length];
					// 403: the quota; 404/400: GC took a blob between the links and the manifest (the copy leaves nothing).
					await expectStatus(
						"copy",
						await call(
							`/projects/q/repositories/copied/artifacts?from=${encodeURIComponent(from)}`,
							{ method: "POST" },
						),
						[201, 400, 403, 404],
					);
					await sleep(50);
				}
			}

			const executions: string[] = [];
			async function replicator() {
				while (!stop) {
					const e = await ended(s, await startExecution(s, policy), 120_000);
					executions.push(String(e.status));
					count(`replication ${String(e.status)}`);
				}
			}

			const storage = createFilesystemDriver(path.join(s.dataDir, "storage"));
			const manifests = createManifestService({
				store: createRegistryStore(s.db),
				storage,
			});
			const gcStore = createGcStore(s.db);
			const gc = (deleteUntagged: boolean) =>
				collectGarbage(
					{
						store: gcStore,
						storage,
						manifests,
						windowHours: 0,
						purgeUploads: async () => 0,
						log: async () => {},
						progress: async () => {},
						signal: new AbortController().signal,
					},
					{ delete_untagged: deleteUntagged, dry_run: false, workers: 2 },
				);
			let runs = 0;
			let freed = 0;
			let stopGc = false;
			async function collector() {
				while (!stop && !stopGc) {
					freed += (await gc(runs % 2 === 1)).blobs;
					runs++;
					// Spaced at random (up to 1 s), so some pushes fit between two runs and the others meet one.
					await sleep(Math.random() * 1000);
				}
			}

			const used = async () =>
				Number(
					(
						(await (await call(`/quotas/${projectId}`)).json()) as {
							used: { storage: number };
						}
					).used.storage,
				);
			async function watcher() {
				while (!stop) {
					const u = await used();
					maxUsed = Math.max(maxUsed, u);
					if (u > hard) unexpected.push(`usage ${u} past the limit ${hard}`);
					for (const p of await pendingProblems(
						s.db,
						projectId,
						new Set(unreferenced),
					))
						if (!unexpected.includes(p)) unexpected.push(p);
					await sleep(50);
				}
			}

			const collecting = collector();
			const work = [
				pusher(0),
				pusher(1),
				pusher(2),
				unlinker(),
				deleter(),
				copier(),
				replicator(),
				collecting,
				watcher(),
			];
			const started = Date.now();
			const refusals = () =>
				[
					"manifest push",
					"blob upload",
					"chunk",
					"chunked upload",
					"mount",
				].reduce((n, what) => n + (outcomes.get(`${what} 403`) ?? 0), 0);
			// At least `racingMs`, and on (within a limit) until the quota refused some pushes and every writer met GC.
			while (
				Date.now() - started < racingMs ||
				((refusals() === 0 ||
					executions.length < 2 ||
					runs < 10 ||
					landed < 10) &&
					Date.now() - started < 150_000)
			)
				await sleep(100);
			// GC stops first: what the other writers then leave is recounted as they left it, not as GC tidied it.
			stopGc = true;
			await collecting;
			await sleep(1500);
			stop = true;
			await Promise.all(work);
			console.log(
				`${engine}: ${Date.now() - started} ms, ${landed} pushes landed, ${executions.length} replications; max usage ${maxUsed} of ${hard}; ${runs} GC runs freed ${freed} blobs;`,
				Object.fromEntries([...outcomes].sort()),
			);
			expect(unexpected).toEqual([]);

			// Everything has stopped: the usage answered is the recount, with what the race left pending…
			const before = await recount(s.db, storage, projectId, unreferenced);
			expect(before.problems).toEqual([]);
			expect(before.uploads).toEqual([]);
			expect(await used()).toBe(before.bytes);
			// …and once GC swept it: then the project holds exactly what its artifacts name.
			await gc(false);
			await gc(false);
			const after = await recount(s.db, storage, projectId, unreferenced);
			expect(after.problems).toEqual([]);
			expect(await used()).toBe(after.bytes);
			// The race was real: the quota refused pushes, GC freed blobs, replication ran while all this went on.
			expect(refusals()).toBeGreaterThan(0);
			expect(freed).toBeGreaterThan(0);
			expect(executions.length).toBeGreaterThan(1);
		}, 300_000);

		it("lets a push start in a repository while a push the quota refuses there removes it as empty", async () => {
			const c = client(s);
			const id = await addProject(s, "tiny");
			// Room for the hundred small blobs, never for one big one.
			expect(
				(
					await api(s)(`/quotas/${id}`, {
						method: "PUT",
						json: { hard: { storage: 100_000 } },
					})
				).status,
			).toBe(200);
			const answers = new Map<string, number>();
			for (let i = 0; i < 100; i++) {
				const repo = `tiny/r${i}`;
				const big = randomBytes(200_000);
				const small = randomBytes(100);
				// The refused push leaves the new repository empty and removes it; the other one's upload must land anyway.
				const [refused, started] = await Promise.all([
					c.call(`/v2/${repo}/blobs/uploads/?digest=${sha256(big)}`, {
						method: "POST",
						body: big,
						headers: { "Content-Type": "application/octet-stream" },
					}),
					c.call(`/v2/${repo}/blobs/uploads/`, { method: "POST" }),
				]);
				const location = started.headers.get("location");
				const done =
					location &&
					(await c.call(
						`${location}${location.includes("?") ? "&" : "?"}digest=${sha256(small)}`,
						{
							method: "PUT",
							body: small,
							headers: { "Content-Type": "application/octet-stream" },
						},
					));
				const key = `${refused.status} ${started.status} ${done ? done.status : "-"}`;
				answers.set(key, (answers.get(key) ?? 0) + 1);
			}
			expect(Object.fromEntries(answers)).toEqual({ "403 202 201": 100 });
		}, 120_000);

		it("counts a blob pushed while its repository is deleted exactly while a repository links it", async () => {
			const c = client(s);
			const id = await addProject(s, "gone");
			expect(
				(
					await api(s)(`/quotas/${id}`, {
						method: "PUT",
						json: { hard: { storage: 10_000_000 } },
					})
				).status,
			).toBe(200);
			const answers = new Set<string>();
			for (let i = 0; i < 50; i++) {
				const repo = `gone/r${i}`;
				await c.pushBlob(repo, randomBytes(100));
				const late = randomBytes(100);
				// The push lands before the deletion (and goes with the repository), after it (in the repository made again), or
				// fails: whichever, the project counts the blob exactly while a repository of it links the blob.
				const [removed, pushed] = await Promise.all([
					api(s)(`/projects/gone/repositories/r${i}`, { method: "DELETE" }),
					c.call(`/v2/${repo}/blobs/uploads/?digest=${sha256(late)}`, {
						method: "POST",
						body: late,
						headers: { "Content-Type": "application/octet-stream" },
					}),
				]);
				answers.add(
					`${removed.status} ${pushed.status}${pushed.status === 201 ? "" : ` ${await pushed.text()}`}`,
				);
			}
			// A failed push was told its upload is unknown (it starts again), never that the server failed.
			expect(
				[...answers].filter(
					(a) => !/^200 (201|404 .*BLOB_UPLOAD_UNKNOWN)/.test(a),
				),
			).toEqual([]);
			expect(await pendingProblems(s.db, id, new Set())).toEqual([]);
		}, 120_000);
	},
);
