import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../auth/users.ts";
import { now } from "../db/database.ts";
import {
	client,
	descriptor,
	expectError,
	imageManifest,
	mt,
	rawRequest,
	sha256,
	uniqueRepo,
} from "./distribution-helpers.ts";
import {
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

/** Follows `Link: <…>; rel="next"` from `first` and returns every page's items and the links seen. */
async function paginate(
	c: ReturnType<typeof client>,
	first: string,
	key: "tags" | "repositories",
) {
	const items: string[] = [];
	const links: string[] = [];
	let next: string | null = first;
	for (let pages = 0; next && pages < 50; pages++) {
		const r = await c.call(next);
		expect(r.status).toBe(200);
		items.push(...((await r.json()) as Record<string, string[]>)[key]);
		const link = r.headers.get("link");
		next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : null;
		if (link) links.push(link);
	}
	return { items, links };
}

describe.each(engines)("tags list and catalog on %s", (engine) => {
	let s: TestServer;
	let c: ReturnType<typeof client>;
	beforeAll(async () => {
		s = await startTestServer(engine);
		c = client(s);
	});
	afterAll(() => stopTestServer(s));

	it("lists tags in byte order, paginated by n and last with a Link header", async () => {
		const repo = uniqueRepo("tags");
		const img = await c.pushImage(repo, null);
		const tags = [
			"v1.9",
			"v1.10",
			"latest",
			"B",
			"a",
			"1.0",
			"_x",
			"Z-9",
			"v1.9-rc",
		];
		for (const t of tags) {
			const r = await c.putManifest(repo, t, img.body);
			expect(r.status).toBe(201);
		}
		const sorted = [...tags].sort(); // ASCII: code unit order is byte order
		expect(await (await c.call(`/v2/${repo}/tags/list`)).json()).toEqual({
			name: repo,
			tags: sorted,
		});

		const first = await c.call(`/v2/${repo}/tags/list?n=4`);
		expect(await first.json()).toEqual({
			name: repo,
			tags: sorted.slice(0, 4),
		});
		expect(first.headers.get("link")).toBe(
			`</v2/${repo}/tags/list?n=4&last=${encodeURIComponent(sorted[3])}>; rel="next"`,
		);
		const { items, links } = await paginate(
			c,
			`/v2/${repo}/tags/list?n=4`,
			"tags",
		);
		expect(items).toEqual(sorted);
		expect(links).toHaveLength(2);

		const after = await c.call(`/v2/${repo}/tags/list?last=latest`);
		expect(((await after.json()) as { tags: string[] }).tags).toEqual(
			sorted.filter((t) => t > "latest"),
		);
		const none = await c.call(`/v2/${repo}/tags/list?n=0`);
		expect(await none.json()).toEqual({ name: repo, tags: [] });
		expect(none.headers.get("link")).toBeNull();
		const rest = await c.call(`/v2/${repo}/tags/list?n=100`);
		expect(rest.headers.get("link")).toBeNull();
	});

	it("answers the tags list of a repository that does not exist with NAME_UNKNOWN 404", async () => {
		await expectError(
			await c.call(`/v2/${uniqueRepo("ghost")}/tags/list`),
			404,
			"NAME_UNKNOWN",
		);
	});

	it("lists the catalog sorted, paginated with a Link header, naming only repositories with artifacts", async () => {
		const names = [
			"library/cat-b",
			"library/cat-a",
			"library/cat-a/sub",
			"library/cat-c",
			"library/cat-a-b",
		];
		for (const n of names) await c.pushImage(n, "v1");
		const blobOnly = uniqueRepo("cat-blobonly");
		await c.pushBlob(blobOnly, randomBytes(10));

		const all = await c.call("/v2/_catalog?n=1000");
		expect(all.status).toBe(200);
		const repositories = ((await all.json()) as { repositories: string[] })
			.repositories;
		expect(repositories).toEqual([...repositories].sort());
		expect(repositories).toEqual(expect.arrayContaining(names));
		expect(repositories).not.toContain(blobOnly);
		expect(new Set(repositories).size).toBe(repositories.length);

		const { items, links } = await paginate(
			c,
			"/v2/_catalog?n=2",
			"repositories",
		);
		expect(items).toEqual(repositories);
		expect(links[0]).toBe(
			`</v2/_catalog?n=2&last=${encodeURIComponent(repositories[1])}>; rel="next"`,
		);
		const after = await c.call(
			`/v2/_catalog?last=${encodeURIComponent("library/cat-a")}`,
		);
		expect(
			((await after.json()) as { repositories: string[] }).repositories,
		).toEqual(repositories.filter((r) => r > "library/cat-a"));
	});
});

describe.each(engines)("access to /v2 on %s", (engine) => {
	let s: TestServer;
	let c: ReturnType<typeof client>;
	let image: Awaited<ReturnType<ReturnType<typeof client>["pushImage"]>>;
	const pub = "library/public-x";
	const priv = "private/x";
	beforeAll(async () => {
		s = await startTestServer(engine);
		c = client(s);
		const t = now();
		await s.db
			.insertInto("projects")
			.values({
				name: "private",
				owner_id: 1,
				public: 0,
				creation_time: t,
				update_time: t,
			})
			.execute();
		await createUserService(s.db).create({
			username: "reader",
			password: "Reader123",
		});
		image = await c.pushImage(pub, "v1");
		await c.pushImage(priv, "v1");
	});
	afterAll(() => stopTestServer(s));

	const challenge = (scope: string) =>
		`Bearer realm="${s.url}/service/token",service="harbor-registry",scope="${scope}"`;

	it("lets anonymous callers pull from the public library project without an Authorization header", async () => {
		const anon = { auth: null };
		const manifest = await c.call(`/v2/${pub}/manifests/v1`, anon);
		expect(manifest.status).toBe(200);
		expect(manifest.headers.get("docker-content-digest")).toBe(image.digest);
		expect(
			(
				await c.call(`/v2/${pub}/manifests/${image.digest}`, {
					...anon,
					method: "HEAD",
				})
			).status,
		).toBe(200);
		const layer = await c.call(`/v2/${pub}/blobs/${image.layer}`, anon);
		expect(layer.status).toBe(200);
		expect(sha256(Buffer.from(await layer.arrayBuffer()))).toBe(image.layer);
		expect(await (await c.call(`/v2/${pub}/tags/list`, anon)).json()).toEqual({
			name: pub,
			tags: ["v1"],
		});
		expect(
			(await c.call(`/v2/${pub}/referrers/${image.digest}`, anon)).status,
		).toBe(200);
	});

	it("challenges an anonymous push to library with 401 and a Bearer scope of pull,push", async () => {
		for (const [method, path] of [
			["POST", `/v2/${pub}/blobs/uploads/`],
			["PUT", `/v2/${pub}/manifests/v2`],
		] as const) {
			const r = await c.call(path, {
				method,
				auth: null,
				body: method === "PUT" ? image.body : undefined,
				headers: { "Content-Type": mt.ociManifest },
			});
			expect(r.headers.get("www-authenticate")).toBe(
				challenge(`repository:${pub}:pull,push`),
			);
			await expectError(r, 401, "UNAUTHORIZED");
		}
		const del = await c.call(`/v2/${pub}/manifests/v1`, {
			method: "DELETE",
			auth: null,
		});
		expect(del.headers.get("www-authenticate")).toBe(
			challenge(`repository:${pub}:delete`),
		);
		await expectError(del, 401, "UNAUTHORIZED");
		expect((await c.call(`/v2/${pub}/manifests/v1`)).status).toBe(200);
	});

	it("challenges anonymous pulls from a private project, the same whether the project exists or not", async () => {
		const hidden = await c.call(`/v2/${priv}/manifests/v1`, { auth: null });
		expect(hidden.headers.get("www-authenticate")).toBe(
			challenge(`repository:${priv}:pull`),
		);
		await expectError(hidden, 401, "UNAUTHORIZED");
		const missing = await c.call("/v2/nosuchproject/x/manifests/v1", {
			auth: null,
		});
		expect(missing.headers.get("www-authenticate")).toBe(
			challenge("repository:nosuchproject/x:pull"),
		);
		await expectError(missing, 401, "UNAUTHORIZED");
		expect((await c.call(`/v2/${priv}/manifests/v1`)).status).toBe(200); // admin may
	});

	it("challenges anonymous /v2/ and catalog requests", async () => {
		await expectError(
			await c.call("/v2/", { auth: null }),
			401,
			"UNAUTHORIZED",
		);
		const cat = await c.call("/v2/_catalog", { auth: null });
		expect(cat.headers.get("www-authenticate")).toBe(
			challenge("registry:catalog:*"),
		);
		await expectError(cat, 401, "UNAUTHORIZED");
	});

	it("refuses wrong basic credentials with 401 UNAUTHORIZED, never falling back to anonymous", async () => {
		for (const auth of [basic("admin", "wrong"), basic("nobody", "whatever")]) {
			for (const path of [
				"/v2/",
				`/v2/${pub}/manifests/v1`,
				`/v2/${pub}/blobs/uploads/`,
			]) {
				const r = await c.call(path, {
					auth,
					method: path.endsWith("uploads/") ? "POST" : "GET",
				});
				expect(r.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
				await expectError(r, 401, "UNAUTHORIZED");
			}
		}
	});

	it("mounts only from repositories the caller may pull: otherwise the mount falls back to a 202 upload", async () => {
		const t = now();
		const users = createUserService(s.db);
		const devId = await users.create({
			username: "mounter",
			password: "Mounter123",
		});
		const project = await s.db
			.insertInto("projects")
			.values({
				name: "team",
				owner_id: 1,
				public: 0,
				creation_time: t,
				update_time: t,
			})
			.returning("id")
			.executeTakeFirstOrThrow();
		await s.db
			.insertInto("members")
			.values({
				project_id: project.id,
				entity_type: "u",
				entity_id: devId,
				role: 2,
				creation_time: t,
				update_time: t,
			})
			.execute();
		const dev = basic("mounter", "Mounter123");
		const secret = randomBytes(200);
		const digest = await c.pushBlob(priv, secret);

		for (const query of [`?mount=${digest}&from=${priv}`, `?mount=${digest}`]) {
			const r = await c.call(`/v2/team/app/blobs/uploads/${query}`, {
				method: "POST",
				auth: dev,
			});
			expect({ query, status: r.status }).toEqual({ query, status: 202 });
			expect(r.headers.get("location")).toMatch(
				/^\/v2\/team\/app\/blobs\/uploads\/[0-9a-f-]{36}$/,
			);
		}
		await expectError(
			await c.call(`/v2/team/app/blobs/${digest}`, { auth: dev }),
			404,
			"BLOB_UNKNOWN",
		);
		// From the public library it may mount.
		const r = await c.call(
			`/v2/team/app/blobs/uploads/?mount=${image.layer}&from=${pub}`,
			{ method: "POST", auth: dev },
		);
		expect(r.status).toBe(201);
		expect(
			(
				await c.call(`/v2/team/app/blobs/${image.layer}`, {
					auth: dev,
					method: "HEAD",
				})
			).status,
		).toBe(200);
	});

	it("challenges a mount for pull on `from` too, so a token for exactly the challenged scopes mounts (201)", async () => {
		const t = now();
		const users = createUserService(s.db);
		const devId = await users.create({
			username: "mountee",
			password: "Mountee123",
		});
		const strangerId = await users.create({
			username: "stranger",
			password: "Stranger123",
		});
		const [dest, src] = await s.db
			.insertInto("projects")
			.values([
				{
					name: "dest",
					owner_id: 1,
					public: 0,
					creation_time: t,
					update_time: t,
				},
				{
					name: "src",
					owner_id: 1,
					public: 0,
					creation_time: t,
					update_time: t,
				},
			])
			.returning("id")
			.execute();
		await s.db
			.insertInto("members")
			.values([
				{
					project_id: dest.id,
					entity_type: "u",
					entity_id: devId,
					role: 2,
					creation_time: t,
					update_time: t,
				},
				{
					project_id: src.id,
					entity_type: "u",
					entity_id: devId,
					role: 3,
					creation_time: t,
					update_time: t,
				}, // guest: pull only
				{
					project_id: dest.id,
					entity_type: "u",
					entity_id: strangerId,
					role: 2,
					creation_time: t,
					update_time: t,
				},
			])
			.execute();
		const digest = await c.pushBlob("src/base", randomBytes(300));
		const mountPath = `/v2/dest/app/blobs/uploads/?mount=${digest}&from=src/base`;

		const anonymous = await c.call(mountPath, { method: "POST", auth: null });
		const header = anonymous.headers.get("www-authenticate")!;
		expect(header).toBe(
			challenge("repository:dest/app:pull,push repository:src/base:pull"),
		);
		await expectError(anonymous, 401, "UNAUTHORIZED");
		// Without a mount, or from the repository itself, the challenge names the one repository.
		const plain = await c.call("/v2/dest/app/blobs/uploads/?from=src/base", {
			method: "POST",
			auth: null,
		});
		expect(plain.headers.get("www-authenticate")).toBe(
			challenge("repository:dest/app:pull,push"),
		);
		const self = await c.call(
			`/v2/dest/app/blobs/uploads/?mount=${digest}&from=dest/app`,
			{ method: "POST", auth: null },
		);
		expect(self.headers.get("www-authenticate")).toBe(
			challenge("repository:dest/app:pull,push"),
		);

		// A client asks the realm for exactly what the challenge names.
		const tokenFor = async (challenged: string, auth: string) => {
			const params = Object.fromEntries(
				[...challenged.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
			);
			const r = await c.call(
				`/service/token?service=${params.service}&scope=${encodeURIComponent(params.scope)}`,
				{ auth },
			);
			expect(r.status).toBe(200);
			return `Bearer ${((await r.json()) as { token: string }).token}`;
		};
		const mounted = await c.call(mountPath, {
			method: "POST",
			auth: await tokenFor(header, basic("mountee", "Mountee123")),
		});
		expect({
			status: mounted.status,
			location: mounted.headers.get("location"),
		}).toEqual({ status: 201, location: `/v2/dest/app/blobs/${digest}` });
		expect(
			(await c.call(`/v2/dest/app/blobs/${digest}`, { method: "HEAD" })).status,
		).toBe(200);

		// Someone who may push to dest but not pull from src gets an upload session, the same as for a blob that is nowhere.
		for (const mount of [digest, sha256(randomBytes(8))]) {
			const path = `/v2/dest/other/blobs/uploads/?mount=${mount}&from=src/base`;
			const challenged = (
				await c.call(path, { method: "POST", auth: null })
			).headers.get("www-authenticate")!;
			const r = await c.call(path, {
				method: "POST",
				auth: await tokenFor(challenged, basic("stranger", "Stranger123")),
			});
			expect({ status: r.status, location: r.headers.get("location") }).toEqual(
				{
					status: 202,
					location: expect.stringMatching(
						/^\/v2\/dest\/other\/blobs\/uploads\/[0-9a-f-]{36}$/,
					),
				},
			);
		}
		await expectError(
			await c.call(`/v2/dest/other/blobs/${digest}`),
			404,
			"BLOB_UNKNOWN",
		);
	});

	it("lets a developer cancel an upload with push rights (basic and bearer), and no one without them", async () => {
		const t = now();
		const users = createUserService(s.db);
		const devId = await users.create({
			username: "canceller",
			password: "Cancel123",
		});
		const guestId = await users.create({
			username: "onlooker",
			password: "Onlook123",
		});
		const project = await s.db
			.insertInto("projects")
			.values({
				name: "uploads",
				owner_id: 1,
				public: 0,
				creation_time: t,
				update_time: t,
			})
			.returning("id")
			.executeTakeFirstOrThrow();
		await s.db
			.insertInto("members")
			.values([
				{
					project_id: project.id,
					entity_type: "u",
					entity_id: devId,
					role: 2,
					creation_time: t,
					update_time: t,
				},
				{
					project_id: project.id,
					entity_type: "u",
					entity_id: guestId,
					role: 3,
					creation_time: t,
					update_time: t,
				},
			])
			.execute();
		const dev = basic("canceller", "Cancel123");
		const guest = basic("onlooker", "Onlook123");
		const start = async () => {
			const r = await c.call("/v2/uploads/app/blobs/uploads/", {
				method: "POST",
				auth: dev,
			});
			expect(r.status).toBe(202);
			return r.headers.get("location")!;
		};

		// A guest (pull only) may not cancel it; the upload goes on.
		const kept = await start();
		await expectError(
			await c.call(kept, { method: "DELETE", auth: guest }),
			403,
			"DENIED",
		);
		expect((await c.call(kept, { auth: dev })).status).toBe(204);

		// With basic credentials, the developer who pushes cancels it.
		const cancelled = await start();
		expect(
			(await c.call(cancelled, { method: "DELETE", auth: dev })).status,
		).toBe(204);
		await expectError(
			await c.call(cancelled, { auth: dev }),
			404,
			"BLOB_UPLOAD_UNKNOWN",
		);

		// With the token docker holds for a push (pull,push: a developer is granted no delete), as well.
		const token = await c.call(
			"/service/token?service=harbor-registry&scope=repository:uploads/app:pull,push",
			{ auth: dev },
		);
		const bearer = `Bearer ${((await token.json()) as { token: string }).token}`;
		const viaToken = await start();
		expect(
			(await c.call(viaToken, { method: "DELETE", auth: bearer })).status,
		).toBe(204);
		// Deleting a blob still needs delete rights: the developer is refused.
		const blob = await c.pushBlob("uploads/app", randomBytes(32));
		await expectError(
			await c.call(`/v2/uploads/app/blobs/${blob}`, {
				method: "DELETE",
				auth: dev,
			}),
			403,
			"DENIED",
		);
	});

	it("denies with 403 a signed-in user who may pull but not push, and hides the private project from them", async () => {
		const reader = basic("reader", "Reader123");
		expect(
			(await c.call(`/v2/${pub}/manifests/v1`, { auth: reader })).status,
		).toBe(200);
		await expectError(
			await c.call(`/v2/${pub}/blobs/uploads/`, {
				method: "POST",
				auth: reader,
			}),
			403,
			"DENIED",
		);
		await expectError(
			await c.call(`/v2/${priv}/manifests/v1`, { auth: reader }),
			403,
			"DENIED",
		);
		const cat = await c.call("/v2/_catalog", { auth: reader });
		const repositories = ((await cat.json()) as { repositories: string[] })
			.repositories;
		expect(repositories).toContain(pub);
		expect(repositories).not.toContain(priv);
	});
});

describe.each(engines)("repository names on %s", (engine) => {
	let s: TestServer;
	let c: ReturnType<typeof client>;
	beforeAll(async () => {
		s = await startTestServer(engine);
		c = client(s);
	});
	afterAll(() => stopTestServer(s));

	const code = (body: string) =>
		(JSON.parse(body) as { errors: { code: string }[] }).errors[0].code;

	it("refuses path tricks, upper case, bad separators and names over 255 characters with NAME_INVALID", async () => {
		const long = `library/${"a".repeat(248)}`; // 256 characters
		expect(long).toHaveLength(256);
		const bad = [
			"library/../x",
			"library/%2e%2e/x",
			"library/%2E%2E/x",
			"library/./x",
			"library/Upper",
			"LIBRARY/x",
			"library/-x",
			"library/x%2fy",
			"library/x%00",
			"alpine",
			long,
		];
		for (const name of bad) {
			for (const [method, rest] of [
				["GET", "tags/list"],
				["POST", "blobs/uploads/"],
				["PUT", "manifests/v1"],
			] as const) {
				const r = await rawRequest(s, method, `/v2/${name}/${rest}`);
				expect({ name, method, status: r.status, code: code(r.body) }).toEqual({
					name,
					method,
					status: 400,
					code: "NAME_INVALID",
				});
			}
		}
		const repos = await s.db
			.selectFrom("repositories")
			.select("name")
			.execute();
		expect(repos).toEqual([]);
	});

	it("refuses an empty path component (library//x) with NAME_INVALID instead of serving another name", async () => {
		await c.pushImage("library/slash", "v1");
		for (const [method, path] of [
			["GET", "/v2/library//slash/manifests/v1"],
			["POST", "/v2/library//slash/blobs/uploads/"],
		] as const) {
			const r = await rawRequest(s, method, path, {});
			expect({ status: r.status, code: code(r.body) }).toEqual({
				status: 400,
				code: "NAME_INVALID",
			});
		}
	});

	it("accepts a name of exactly 255 characters", async () => {
		const name = `library/${"b".repeat(247)}`;
		expect(name).toHaveLength(255);
		const data = randomBytes(10);
		expect(
			(
				await c.call(`/v2/${name}/blobs/uploads/?digest=${sha256(data)}`, {
					method: "POST",
					body: data,
				})
			).status,
		).toBe(201);
	});

	it("answers NAME_UNKNOWN 404 when admin pushes to a project that does not exist, and creates nothing", async () => {
		const data = randomBytes(10);
		await expectError(
			await c.call("/v2/nosuch/x/blobs/uploads/", { method: "POST" }),
			404,
			"NAME_UNKNOWN",
		);
		await expectError(
			await c.call(`/v2/nosuch/x/blobs/uploads/?digest=${sha256(data)}`, {
				method: "POST",
				body: data,
			}),
			404,
			"NAME_UNKNOWN",
		);
		const body = imageManifest({
			config: descriptor(mt.ociConfig, data),
			layers: [],
		});
		await expectError(
			await c.putManifest("nosuch/x", "v1", body),
			404,
			"NAME_UNKNOWN",
		);
		await expectError(
			await c.call(
				`/v2/nosuch/x/blobs/uploads/?mount=${sha256(data)}&from=library/y`,
				{ method: "POST" },
			),
			404,
			"NAME_UNKNOWN",
		);
		await expectError(
			await c.call("/v2/nosuch/x/tags/list"),
			404,
			"NAME_UNKNOWN",
		);
		expect(
			await s.db
				.selectFrom("projects")
				.select("name")
				.where("name", "=", "nosuch")
				.executeTakeFirst(),
		).toBeUndefined();
		expect(
			await s.db
				.selectFrom("repositories")
				.select("name")
				.where("name", "like", "nosuch/%")
				.execute(),
		).toEqual([]);
	});
});
