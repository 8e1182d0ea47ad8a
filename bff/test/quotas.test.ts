import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../auth/users.ts";
import {
	client,
	descriptor,
	imageManifest,
	mt,
	sha256,
} from "./distribution-helpers.ts";
import {
	adminAuth,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const owner = basic("owner", "Owner12345");

describe.each(engines)("project quotas on %s", (engine) => {
	let s: TestServer;
	let projectId: number;
	const api = (
		path: string,
		init: { method?: string; body?: unknown; auth?: string } = {},
	) =>
		fetch(`${s.url}/api/v2.0${path}`, {
			method: init.method ?? "GET",
			headers: {
				Authorization: init.auth ?? adminAuth,
				...(init.body === undefined
					? {}
					: { "Content-Type": "application/json" }),
			},
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
		});
	const upload = (repo: string, data: Buffer) =>
		client(s).call(`/v2/${repo}/blobs/uploads/?digest=${sha256(data)}`, {
			method: "POST",
			body: data,
			headers: { "Content-Type": "application/octet-stream" },
		});
	const quota = async () => (await api(`/quotas/${projectId}`)).json();

	beforeAll(async () => {
		s = await startTestServer(engine);
		await createUserService(s.db).create({
			username: "owner",
			password: "Owner12345",
		});
		const r = await api("/projects", {
			method: "POST",
			body: { project_name: "limited", storage_limit: 1000 },
		});
		expect(r.status).toBe(201);
		projectId = Number(r.headers.get("location")!.split("/").pop());
	});
	afterAll(() => stopTestServer(s));

	it("shows the limit set at creation, with nothing used yet", async () => {
		expect(await quota()).toMatchObject({
			id: projectId,
			ref: { id: projectId, name: "limited", owner_name: "admin" },
			hard: { storage: 1000 },
			used: { storage: 0 },
		});
	});

	it("refuses a push past the limit with DENIED naming the quota, and counts a blob once per project", async () => {
		const first = randomBytes(600);
		expect((await upload("limited/one", first)).status).toBe(201);
		// The same bytes in another repository of the project add nothing.
		expect((await upload("limited/two", first)).status).toBe(201);
		expect((await quota()).used.storage).toBe(600);

		const refused = await upload("limited/one", randomBytes(600));
		expect(refused.status).toBe(403);
		expect((await refused.json()).errors[0]).toMatchObject({
			code: "DENIED",
			message:
				"adding 600B of storage resource, which when updated to current usage of 600B will exceed the configured upper limit of 1000B.",
		});
		expect((await quota()).used.storage).toBe(600);

		const summary = await (await api(`/projects/${projectId}/summary`)).json();
		expect(summary.quota).toEqual({
			hard: { storage: 1000 },
			used: { storage: 600 },
		});
	});

	it("refuses to copy an artifact into a project whose quota it would pass, and leaves nothing behind", async () => {
		const tiny = await api("/projects", {
			method: "POST",
			body: {
				project_name: `tiny-${randomBytes(3).toString("hex")}`,
				storage_limit: 100,
			},
		});
		const tinyName = (
			await (
				await api(tiny.headers.get("location")!.replace("/api/v2.0", ""))
			).json()
		).name as string;
		const pushed = await client(s).pushImage("library/big", "v1");
		const copy = await api(
			`/projects/${tinyName}/repositories/big/artifacts?from=library/big:v1`,
			{ method: "POST" },
		);
		expect(copy.status).toBe(403);
		expect((await copy.json()).errors[0].message).toMatch(
			/exceed the configured upper limit of 100B/,
		);
		expect(pushed.digest).toMatch(/^sha256:/);
		// The source is still there, and the target got no repository.
		const source = await api("/projects/library/repositories/big/artifacts/v1");
		expect(source.status).toBe(200);
		expect((await source.json()).digest).toBe(pushed.digest);
		expect((await api("/projects/library/repositories/big")).status).toBe(200);
		expect((await api(`/projects/${tinyName}/repositories/big`)).status).toBe(
			404,
		);
		const targetRepos = await api(`/projects/${tinyName}/repositories`);
		expect(targetRepos.status).toBe(200);
		expect(await targetRepos.json()).toEqual([]);
		expect(
			(
				await (
					await api(
						tiny.headers
							.get("location")!
							.replace("/api/v2.0", "")
							.replace("/projects/", "/quotas/"),
					)
				).json()
			).used.storage,
		).toBe(0);
	});

	it("lets only a system admin change a quota, and a raised limit lets the push through", async () => {
		const denied = await api(`/quotas/${projectId}`, {
			method: "PUT",
			auth: owner,
			body: { hard: { storage: -1 } },
		});
		expect(denied.status).toBe(403);
		expect((await denied.json()).errors[0].code).toBe("FORBIDDEN");
		expect((await api(`/quotas/${projectId}`, { auth: owner })).status).toBe(
			403,
		);
		expect((await api("/quotas", { auth: owner })).status).toBe(403);

		expect(
			(
				await api(`/quotas/${projectId}`, {
					method: "PUT",
					body: { hard: { count: 5 } },
				})
			).status,
		).toBe(400);
		expect(
			(
				await api(`/quotas/${projectId}`, {
					method: "PUT",
					body: { hard: { storage: -2 } },
				})
			).status,
		).toBe(400);
		expect(
			(
				await api("/quotas/999999", {
					method: "PUT",
					body: { hard: { storage: 10 } },
				})
			).status,
		).toBe(404);

		expect(
			(
				await api(`/quotas/${projectId}`, {
					method: "PUT",
					body: { hard: { storage: 2048 } },
				})
			).status,
		).toBe(200);
		expect((await upload("limited/one", randomBytes(600))).status).toBe(201);
		expect(await quota()).toMatchObject({
			hard: { storage: 2048 },
			used: { storage: 1200 },
		});
	});

	it("keeps a quota's creation_time when its limit changes, also for a project created without a limit", async () => {
		const r = await api("/projects", {
			method: "POST",
			body: { project_name: "unlimited-at-first", storage_limit: -1 },
		});
		const id = r.headers.get("location")!.split("/").pop();
		const created = await (await api(`/quotas/${id}`)).json();
		expect(created).toMatchObject({
			hard: { storage: -1 },
			creation_time: expect.any(String),
		});
		for (const storage of [4096, 8192]) {
			expect(
				(
					await api(`/quotas/${id}`, {
						method: "PUT",
						body: { hard: { storage } },
					})
				).status,
			).toBe(200);
			expect(await (await api(`/quotas/${id}`)).json()).toMatchObject({
				hard: { storage },
				creation_time: created.creation_time,
			});
		}
	});

	it("lists quotas by project with pagination headers and sorting by usage", async () => {
		const all = await api(
			"/quotas?reference=project&sort=-used.storage&page_size=1",
		);
		expect(all.status).toBe(200);
		expect(Number(all.headers.get("x-total-count"))).toBeGreaterThanOrEqual(2);
		expect(all.headers.get("link")).toContain('rel="next"');
		expect((await all.json())[0]).toMatchObject({
			ref: { name: "limited" },
			used: { storage: 1200 },
		});

		const one = await (
			await api(`/quotas?reference=project&reference_id=${projectId}`)
		).json();
		expect(one).toHaveLength(1);
		expect(one[0].hard).toEqual({ storage: 2048 });
		const library = await (await api("/quotas?reference_id=1")).json();
		expect(library[0]).toMatchObject({
			ref: { name: "library" },
			hard: { storage: -1 },
		});
		expect(await (await api("/quotas?reference=user")).json()).toEqual([]);
		expect((await api("/quotas?sort=color")).status).toBe(200); // skipped, as Harbor skips a key it cannot sort on
		expect((await api("/quotas/999999")).status).toBe(404);
	});

	it("finds quotas by part of the project name, any case, with a total to match (project_name, beyond Harbor)", async () => {
		// Names of their own, so what other tests made cannot match.
		for (const name of ["zq-partial", "zq-other"])
			expect(
				(
					await api("/projects", {
						method: "POST",
						body: { project_name: name },
					})
				).status,
			).toBe(201);
		const part = await api("/quotas?project_name=Q-PART&sort=-used.storage");
		expect(part.status).toBe(200);
		expect(
			(await part.json()).map((q: { ref: { name: string } }) => q.ref.name),
		).toEqual(["zq-partial"]);
		expect(part.headers.get("x-total-count")).toBe("1");
		const none = await api("/quotas?project_name=50%25");
		expect(await none.json()).toEqual([]); // % is a character here, not a wildcard
		expect(none.headers.get("x-total-count")).toBe("0");
		const both = await (await api("/quotas?project_name=ZQ")).json();
		expect(
			both.map((q: { ref: { name: string } }) => q.ref.name).sort(),
		).toEqual(["zq-other", "zq-partial"]);
	});

	it("counts pushed manifests too, and refuses an image whose manifest would pass the limit", async () => {
		expect(
			(
				await api(`/quotas/${projectId}`, {
					method: "PUT",
					body: { hard: { storage: 1202 } },
				})
			).status,
		).toBe(200);
		expect((await upload("limited/one", Buffer.from("{}"))).status).toBe(201);
		// The config fits exactly; the manifest over it is what no longer does.
		const push = await client(s).call(`/v2/limited/one/manifests/v1`, {
			method: "PUT",
			headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" },
			body: JSON.stringify({
				schemaVersion: 2,
				mediaType: "application/vnd.oci.image.manifest.v1+json",
				config: {
					mediaType: "application/vnd.oci.empty.v1+json",
					digest: sha256(Buffer.from("{}")),
					size: 2,
				},
				layers: [],
			}),
		});
		expect(push.status).toBe(403);
		expect((await push.json()).errors[0].code).toBe("DENIED");
	});

	it("follows the settings: default limit for non-admin creators, creation restriction, quotas switched off", async () => {
		const settings = (body: unknown) =>
			api("/configurations", { method: "PUT", body });
		expect((await settings({ storage_per_project: 5000 })).status).toBe(200);
		try {
			const mine = await api("/projects", {
				method: "POST",
				auth: owner,
				body: { project_name: "mine", storage_limit: -1 },
			});
			expect(mine.status).toBe(201);
			expect(
				await (
					await api(`/quotas/${mine.headers.get("location")!.split("/").pop()}`)
				).json(),
			).toMatchObject({ hard: { storage: 5000 } });
			const chosen = await api("/projects", {
				method: "POST",
				body: { project_name: "chosen", storage_limit: 7 },
			});
			expect(
				await (
					await api(
						`/quotas/${chosen.headers.get("location")!.split("/").pop()}`,
					)
				).json(),
			).toMatchObject({ hard: { storage: 7 } });
			expect(
				(await settings({ project_creation_restriction: "adminonly" })).status,
			).toBe(200);
			const refused = await api("/projects", {
				method: "POST",
				auth: owner,
				body: { project_name: "not-mine" },
			});
			expect(refused.status).toBe(403);
			// With per-project quotas switched off, a full project takes more.
			expect((await upload("limited/one", randomBytes(64))).status).toBe(403);
			expect((await settings({ quota_per_project_enable: false })).status).toBe(
				200,
			);
			expect((await upload("limited/one", randomBytes(64))).status).toBe(201);
		} finally {
			await settings({
				storage_per_project: -1,
				project_creation_restriction: "everyone",
				quota_per_project_enable: true,
			});
		}
	});
});

/**
 * Issue 9, finding 7: usage is what the project's artifacts reference plus what is in flight, reserved atomically
 * before bytes are written, and it goes down again when artifacts and repositories are deleted.
 */
describe.each(engines)("exact quota usage on %s", (engine) => {
	let s: TestServer;
	const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
		fetch(`${s.url}/api/v2.0${path}`, {
			method: init.method ?? "GET",
			headers: {
				Authorization: adminAuth,
				...(init.body === undefined
					? {}
					: { "Content-Type": "application/json" }),
			},
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
		});
	/** A project with a storage limit; answers its name and a reader of its usage. */
	async function limited(limit: number) {
		const name = `q-${randomBytes(4).toString("hex")}`;
		const r = await api("/projects", {
			method: "POST",
			body: { project_name: name, storage_limit: limit },
		});
		expect(r.status).toBe(201);
		const id = Number(r.headers.get("location")!.split("/").pop());
		return {
			name,
			used: async () =>
				(await (await api(`/quotas/${id}`)).json()).used.storage as number,
		};
	}
	/** Pushes config, layer and manifest; stops at the first refusal. Answers the last status and the bytes pushed. */
	async function push(repo: string, layerSize: number) {
		const c = client(s);
		const config = Buffer.from(
			JSON.stringify({
				architecture: "amd64",
				os: "linux",
				nonce: randomBytes(8).toString("hex"),
			}),
		);
		const layer = randomBytes(layerSize);
		const manifest = imageManifest({
			config: descriptor(mt.ociConfig, config),
			layers: [descriptor(mt.ociLayer, layer)],
		});
		const pushed: number[] = [];
		for (const blob of [config, layer]) {
			const r = await c.call(
				`/v2/${repo}/blobs/uploads/?digest=${sha256(blob)}`,
				{
					method: "POST",
					body: blob,
					headers: { "Content-Type": "application/octet-stream" },
				},
			);
			if (r.status !== 201)
				return {
					status: r.status,
					body: await r.text(),
					pushed,
					digest: sha256(manifest),
				};
			pushed.push(blob.length);
		}
		const r = await c.putManifest(repo, "v1", manifest);
		if (r.status === 201) pushed.push(manifest.length);
		return {
			status: r.status,
			body: await r.text(),
			pushed,
			digest: sha256(manifest),
		};
	}
	const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
	const uploadsOf = (project: string) =>
		s.db
			.selectFrom("uploads")
			.innerJoin("repositories", "repositories.id", "uploads.repository_id")
			.select("uploads.id")
			.where("repositories.name", "like", `${project}/%`)
			.execute();

	beforeAll(async () => {
		s = await startTestServer(engine);
	});
	afterAll(() => stopTestServer(s));

	it("accepts exactly the concurrent pushes that fit: ten images of about 1 MiB into 3 MiB", async () => {
		const q = await limited(3 * 1024 * 1024);
		const results = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				push(`${q.name}/app${i}`, 1024 * 1024 - 4096),
			),
		);
		const accepted = results.filter((r) => r.status === 201);
		expect(accepted).toHaveLength(3);
		for (const r of results.filter((x) => x.status !== 201)) {
			expect(r.status).toBe(403);
			expect(JSON.parse(r.body).errors[0].code).toBe("DENIED");
		}
		// Exact: the three images, and the configs of the refused pushes (pushed, not yet referenced by a manifest).
		expect(await q.used()).toBe(sum(results.flatMap((r) => r.pushed)));
		expect(await uploadsOf(q.name)).toEqual([]);
	});

	it("refuses an upload before writing it when its length passes the quota; a write that fills it exactly is accepted", async () => {
		const q = await limited(1024 * 1024);
		const c = client(s);
		const big = randomBytes(8 * 1024 * 1024);
		const location = await c.startUpload(`${q.name}/big`);
		const refused = await c.call(location, {
			method: "PATCH",
			body: big,
			headers: { "Content-Type": "application/octet-stream" },
		});
		expect(refused.status).toBe(403);
		// The whole declared length was asked for, and refused, before the body was read.
		expect((await refused.json()).errors[0].message).toBe(
			"adding 8MiB of storage resource, which when updated to current usage of 0B will exceed the configured upper limit of 1MiB.",
		);
		expect((await c.call(location)).status).toBe(404);
		expect(await uploadsOf(q.name)).toEqual([]);
		expect(
			existsSync(
				path.join(s.dataDir, "storage", "uploads", location.split("/").pop()!),
			),
		).toBe(false);
		expect((await api(`/projects/${q.name}/repositories/big`)).status).toBe(
			404,
		);

		// A body of unknown length is stopped as it flows, and forgotten.
		const streamed = await c.startUpload(`${q.name}/big`);
		const chunked = await fetch(`${s.url}${streamed}`, {
			method: "PATCH",
			headers: {
				Authorization: adminAuth,
				"Content-Type": "application/octet-stream",
			},
			duplex: "half",
			body: new ReadableStream({
				start(ctl) {
					for (let i = 0; i < 32; i++)
						ctl.enqueue(big.subarray(i * 65536, (i + 1) * 65536));
					ctl.close();
				},
			}),
		} as RequestInit);
		expect(chunked.status).toBe(403);
		expect(await uploadsOf(q.name)).toEqual([]);
		expect(
			existsSync(
				path.join(s.dataDir, "storage", "uploads", streamed.split("/").pop()!),
			),
		).toBe(false);

		// Exactly the limit, in flight, counts; one byte more does not fit.
		const exact = randomBytes(1024 * 1024);
		const fits = await c.startUpload(`${q.name}/big`);
		expect(
			(
				await c.call(fits, {
					method: "PATCH",
					body: exact,
					headers: { "Content-Type": "application/octet-stream" },
				})
			).status,
		).toBe(202);
		expect(await q.used()).toBe(1024 * 1024);
		const over = await c.startUpload(`${q.name}/big`);
		expect(
			(
				await c.call(over, {
					method: "PATCH",
					body: Buffer.from("x"),
					headers: { "Content-Type": "application/octet-stream" },
				})
			).status,
		).toBe(403);
		expect(
			(await c.call(`${fits}?digest=${sha256(exact)}`, { method: "PUT" }))
				.status,
		).toBe(201);
		expect(await q.used()).toBe(1024 * 1024);
	});

	it("lowers usage when artifacts and repositories are deleted, so a full project takes pushes again", async () => {
		const q = await limited(12 * 1024);
		const first = await push(`${q.name}/one`, 5000);
		const second = await push(`${q.name}/two`, 5000);
		expect([first.status, second.status]).toEqual([201, 201]);
		expect(await q.used()).toBe(sum([...first.pushed, ...second.pushed]));

		expect(
			(
				await api(
					`/projects/${q.name}/repositories/one/artifacts/${first.digest}`,
					{ method: "DELETE" },
				)
			).status,
		).toBe(200);
		expect(await q.used()).toBe(sum(second.pushed));
		expect(
			(await api(`/projects/${q.name}/repositories/two`, { method: "DELETE" }))
				.status,
		).toBe(200);
		expect(await q.used()).toBe(0);

		const third = await push(`${q.name}/three`, 10 * 1024);
		expect(third.status).toBe(201);
		expect(await q.used()).toBe(sum(third.pushed));
	});

	it("leaves no repository, upload or usage behind when the first push into a repository is refused", async () => {
		const q = await limited(12 * 1024);
		const refused = await push(`${q.name}/too-big`, 16 * 1024);
		expect(refused.status).toBe(403);
		// Its config fitted and waits for a manifest; the refused layer left nothing.
		expect(await q.used()).toBe(sum(refused.pushed));
		expect(await uploadsOf(q.name)).toEqual([]);

		const c = client(s);
		const layer = randomBytes(16 * 1024);
		const r = await c.call(
			`/v2/${q.name}/fresh/blobs/uploads/?digest=${sha256(layer)}`,
			{
				method: "POST",
				body: layer,
				headers: { "Content-Type": "application/octet-stream" },
			},
		);
		expect(r.status).toBe(403);
		expect((await api(`/projects/${q.name}/repositories/fresh`)).status).toBe(
			404,
		);
		expect(
			await (
				await api(`/projects/${q.name}/repositories?q=name%3D${q.name}%2Ffresh`)
			).json(),
		).toEqual([]);
	});
});
