import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	client,
	type Descriptor,
	descriptor,
	expectError,
	imageIndex,
	imageManifest,
	mt,
	sha256,
	sha512,
	uniqueRepo,
} from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

describe.each(engines)("manifests on %s", (engine) => {
	let s: TestServer;
	let c: ReturnType<typeof client>;
	beforeAll(async () => {
		s = await startTestServer(engine);
		c = client(s);
	});
	afterAll(() => stopTestServer(s));

	/** Pushes a config and a layer and returns an OCI image manifest over them (not pushed). */
	async function blobsFor(
		repo: string,
		mediaTypes: { config: string; layer: string; manifest: string } = {
			config: mt.ociConfig,
			layer: mt.ociLayer,
			manifest: mt.ociManifest,
		},
	) {
		const config = Buffer.from(
			JSON.stringify({
				architecture: "arm64",
				os: "linux",
				nonce: randomBytes(8).toString("hex"),
			}),
		);
		const layer = randomBytes(700);
		await c.pushBlob(repo, config);
		await c.pushBlob(repo, layer);
		return imageManifest({
			mediaType: mediaTypes.manifest,
			config: descriptor(mediaTypes.config, config),
			layers: [descriptor(mediaTypes.layer, layer)],
		});
	}

	it("takes an OCI image manifest by tag with 201, Location and Docker-Content-Digest", async () => {
		const repo = uniqueRepo("put");
		const body = await blobsFor(repo);
		const r = await c.putManifest(repo, "v1", body);
		expect(r.status).toBe(201);
		expect(r.headers.get("location")).toBe(
			`/v2/${repo}/manifests/${sha256(body)}`,
		);
		expect(r.headers.get("docker-content-digest")).toBe(sha256(body));
		expect(r.headers.get("oci-subject")).toBeNull();
	});

	it("serves GET and HEAD by tag and by digest with Content-Type, Content-Length and Docker-Content-Digest", async () => {
		const repo = uniqueRepo("get");
		const img = await c.pushImage(repo, "latest");
		for (const ref of ["latest", img.digest]) {
			const get = await c.call(`/v2/${repo}/manifests/${ref}`, {
				headers: { Accept: mt.ociManifest },
			});
			expect(get.status).toBe(200);
			expect(get.headers.get("content-type")).toBe(mt.ociManifest);
			expect(get.headers.get("content-length")).toBe(String(img.size));
			expect(get.headers.get("docker-content-digest")).toBe(img.digest);
			expect(Buffer.from(await get.arrayBuffer()).equals(img.body)).toBe(true);
			const head = await c.call(`/v2/${repo}/manifests/${ref}`, {
				method: "HEAD",
			});
			expect(head.status).toBe(200);
			expect(head.headers.get("content-type")).toBe(mt.ociManifest);
			expect(head.headers.get("content-length")).toBe(String(img.size));
			expect(head.headers.get("docker-content-digest")).toBe(img.digest);
			expect(await head.text()).toBe("");
		}
		await expectError(
			await c.call(`/v2/${repo}/manifests/nosuchtag`),
			404,
			"MANIFEST_UNKNOWN",
		);
		expect(
			(await c.call(`/v2/${repo}/manifests/nosuchtag`, { method: "HEAD" }))
				.status,
		).toBe(404);
		await expectError(
			await c.call(`/v2/${repo}/manifests/${sha256(randomBytes(8))}`),
			404,
			"MANIFEST_UNKNOWN",
		);
	});

	it("takes a manifest by digest without making a tag", async () => {
		const repo = uniqueRepo("bydigest");
		const body = await blobsFor(repo);
		const r = await c.putManifest(repo, sha256(body), body);
		expect(r.status).toBe(201);
		expect(r.headers.get("location")).toBe(
			`/v2/${repo}/manifests/${sha256(body)}`,
		);
		expect(r.headers.get("docker-content-digest")).toBe(sha256(body));
		expect((await c.call(`/v2/${repo}/manifests/${sha256(body)}`)).status).toBe(
			200,
		);
		expect(await (await c.call(`/v2/${repo}/tags/list`)).json()).toEqual({
			name: repo,
			tags: [],
		});
	});

	it("makes every tag of ?tag=a&tag=b point at the pushed manifest", async () => {
		const repo = uniqueRepo("multitag");
		const body = await blobsFor(repo);
		const r = await c.call(
			`/v2/${repo}/manifests/${sha256(body)}?tag=a&tag=b`,
			{ method: "PUT", body, headers: { "Content-Type": mt.ociManifest } },
		);
		expect(r.status).toBe(201);
		for (const tag of ["a", "b"]) {
			const head = await c.call(`/v2/${repo}/manifests/${tag}`, {
				method: "HEAD",
			});
			expect(head.headers.get("docker-content-digest")).toBe(sha256(body));
		}
		expect(await (await c.call(`/v2/${repo}/tags/list`)).json()).toEqual({
			name: repo,
			tags: ["a", "b"],
		});
		const bad = await c.call(
			`/v2/${repo}/manifests/${sha256(body)}?tag=ok&tag=-bad`,
			{ method: "PUT", body, headers: { "Content-Type": mt.ociManifest } },
		);
		await expectError(bad, 400, "MANIFEST_INVALID");
	});

	it("refuses a manifest naming a layer or config the repository does not hold with MANIFEST_BLOB_UNKNOWN 400", async () => {
		const repo = uniqueRepo("missing");
		const config = Buffer.from("{}");
		await c.pushBlob(repo, config);
		const missingLayer = imageManifest({
			config: descriptor(mt.ociConfig, config),
			layers: [descriptor(mt.ociLayer, randomBytes(100))],
		});
		await expectError(
			await c.putManifest(repo, "v1", missingLayer),
			400,
			"MANIFEST_BLOB_UNKNOWN",
		);
		const missingConfig = imageManifest({
			config: descriptor(mt.ociConfig, randomBytes(20)),
			layers: [],
		});
		await expectError(
			await c.putManifest(repo, "v1", missingConfig),
			400,
			"MANIFEST_BLOB_UNKNOWN",
		);
		// A layer in another repository does not count here.
		const elsewhere = randomBytes(100);
		await c.pushBlob(uniqueRepo("other"), elsewhere);
		const foreign = imageManifest({
			config: descriptor(mt.ociConfig, config),
			layers: [descriptor(mt.ociLayer, elsewhere)],
		});
		await expectError(
			await c.putManifest(repo, "v1", foreign),
			400,
			"MANIFEST_BLOB_UNKNOWN",
		);
		await expectError(
			await c.call(`/v2/${repo}/manifests/v1`),
			404,
			"MANIFEST_UNKNOWN",
		);
	});

	it("refuses an index naming a child manifest the repository does not hold with MANIFEST_BLOB_UNKNOWN", async () => {
		const repo = uniqueRepo("index");
		const child = await c.pushImage(repo, null);
		const absent = imageManifest({
			config: descriptor(mt.ociConfig, randomBytes(10)),
			layers: [],
		});
		const index = imageIndex([
			{
				...descriptor(mt.ociManifest, child.body),
				platform: { os: "linux", architecture: "amd64" },
			},
			{
				...descriptor(mt.ociManifest, absent),
				platform: { os: "linux", architecture: "arm64" },
			},
		]);
		await expectError(
			await c.putManifest(repo, "multi", index, mt.ociIndex),
			400,
			"MANIFEST_BLOB_UNKNOWN",
		);
		const good = imageIndex([
			{
				...descriptor(mt.ociManifest, child.body),
				platform: { os: "linux", architecture: "amd64" },
			},
		]);
		const r = await c.putManifest(repo, "multi", good, mt.ociIndex);
		expect(r.status).toBe(201);
		const get = await c.call(`/v2/${repo}/manifests/multi`);
		expect(get.headers.get("content-type")).toBe(mt.ociIndex);
		expect(get.headers.get("docker-content-digest")).toBe(sha256(good));
	});

	it("accepts a Docker schema 2 manifest and a Docker manifest list, and serves them with their media types", async () => {
		const repo = uniqueRepo("docker");
		const body = await blobsFor(repo, {
			config: mt.dockerConfig,
			layer: mt.dockerLayer,
			manifest: mt.dockerManifest,
		});
		const put = await c.putManifest(repo, "amd64", body, mt.dockerManifest);
		expect(put.status).toBe(201);
		const get = await c.call(`/v2/${repo}/manifests/amd64`, {
			headers: { Accept: mt.dockerManifest },
		});
		expect(get.headers.get("content-type")).toBe(mt.dockerManifest);
		expect(Buffer.from(await get.arrayBuffer()).equals(body)).toBe(true);
		const list = imageIndex(
			[
				{
					...descriptor(mt.dockerManifest, body),
					platform: { os: "linux", architecture: "amd64" },
				},
			],
			mt.dockerList,
		);
		const putList = await c.putManifest(repo, "latest", list, mt.dockerList);
		expect(putList.status).toBe(201);
		const head = await c.call(`/v2/${repo}/manifests/latest`, {
			method: "HEAD",
		});
		expect(head.headers.get("content-type")).toBe(mt.dockerList);
		expect(head.headers.get("docker-content-digest")).toBe(sha256(list));
	});

	it("refuses a Docker schema 1 manifest with MANIFEST_INVALID", async () => {
		const repo = uniqueRepo("schema1");
		const body = Buffer.from(
			JSON.stringify({
				schemaVersion: 1,
				name: repo,
				tag: "old",
				architecture: "amd64",
				fsLayers: [{ blobSum: sha256(randomBytes(10)) }],
				history: [{ v1Compatibility: "{}" }],
			}),
		);
		await expectError(
			await c.putManifest(repo, "old", body, mt.dockerSchema1),
			400,
			"MANIFEST_INVALID",
		);
		await expectError(
			await c.putManifest(repo, "old", body, "application/json"),
			400,
			"MANIFEST_INVALID",
		);
	});

	it("refuses invalid JSON, and JSON that is not a manifest, with MANIFEST_INVALID", async () => {
		const repo = uniqueRepo("badjson");
		await expectError(
			await c.putManifest(repo, "x", Buffer.from('{"schemaVersion": 2,')),
			400,
			"MANIFEST_INVALID",
		);
		await expectError(
			await c.putManifest(repo, "x", Buffer.from('{"schemaVersion": 2}')),
			400,
			"MANIFEST_INVALID",
		);
		await expectError(
			await c.putManifest(repo, "x", Buffer.from("[]")),
			400,
			"MANIFEST_INVALID",
		);
		const wrongType = Buffer.from(
			JSON.stringify({
				schemaVersion: 2,
				mediaType: mt.ociManifest,
				config: descriptor(mt.ociConfig, Buffer.from("{}")),
				layers: [],
			}),
		);
		await expectError(
			await c.putManifest(repo, "x", wrongType, mt.ociIndex),
			400,
			"MANIFEST_INVALID",
		);
	});

	it("takes a manifest of exactly 4 MiB and refuses one byte more with 413 SIZE_INVALID", async () => {
		const repo = uniqueRepo("big");
		const body = await blobsFor(repo);
		const limit = 4 * 1024 * 1024;
		const atLimit = Buffer.concat([
			body,
			Buffer.alloc(limit - body.length, " "),
		]); // JSON allows trailing whitespace
		const ok = await c.putManifest(repo, "limit", atLimit);
		expect(ok.status).toBe(201);
		const over = Buffer.concat([atLimit, Buffer.from(" ")]);
		await expectError(
			await c.putManifest(repo, "over", over),
			413,
			"SIZE_INVALID",
		);
		await expectError(
			await c.call(`/v2/${repo}/manifests/over`),
			404,
			"MANIFEST_UNKNOWN",
		);
	});

	it("refuses a digest reference that does not match the body with DIGEST_INVALID", async () => {
		const repo = uniqueRepo("wrongdigest");
		const body = await blobsFor(repo);
		const other = sha256(randomBytes(10));
		await expectError(
			await c.putManifest(repo, other, body),
			400,
			"DIGEST_INVALID",
		);
		await expectError(
			await c.call(`/v2/${repo}/manifests/${other}`),
			404,
			"MANIFEST_UNKNOWN",
		);
		await expectError(
			await c.call(`/v2/${repo}/manifests/${sha256(body)}`),
			404,
			"MANIFEST_UNKNOWN",
		);
	});

	it("takes and serves a manifest by its sha512 digest", async () => {
		const repo = uniqueRepo("sha512");
		const body = await blobsFor(repo);
		const r = await c.putManifest(repo, sha512(body), body);
		expect(r.status).toBe(201);
		expect(r.headers.get("docker-content-digest")).toBe(sha512(body));
		const get = await c.call(`/v2/${repo}/manifests/${sha512(body)}`);
		expect(get.status).toBe(200);
		expect(get.headers.get("docker-content-digest")).toBe(sha512(body));
	});

	it("deletes only the tag on DELETE by tag: the digest is still pullable", async () => {
		const repo = uniqueRepo("deltag");
		const img = await c.pushImage(repo, "one");
		expect(
			(
				await c.call(`/v2/${repo}/manifests/${img.digest}?tag=two`, {
					method: "PUT",
					body: img.body,
					headers: { "Content-Type": mt.ociManifest },
				})
			).status,
		).toBe(201);
		const del = await c.call(`/v2/${repo}/manifests/one`, { method: "DELETE" });
		expect(del.status).toBe(202);
		await expectError(
			await c.call(`/v2/${repo}/manifests/one`),
			404,
			"MANIFEST_UNKNOWN",
		);
		expect((await c.call(`/v2/${repo}/manifests/two`)).status).toBe(200);
		expect((await c.call(`/v2/${repo}/manifests/${img.digest}`)).status).toBe(
			200,
		);
		expect(await (await c.call(`/v2/${repo}/tags/list`)).json()).toEqual({
			name: repo,
			tags: ["two"],
		});
		await expectError(
			await c.call(`/v2/${repo}/manifests/one`, { method: "DELETE" }),
			404,
			"MANIFEST_UNKNOWN",
		);
	});

	it("deletes a manifest by digest with 202: it and its tags are then MANIFEST_UNKNOWN", async () => {
		const repo = uniqueRepo("deldigest");
		const img = await c.pushImage(repo, "one");
		await c.call(`/v2/${repo}/manifests/${img.digest}?tag=two`, {
			method: "PUT",
			body: img.body,
			headers: { "Content-Type": mt.ociManifest },
		});
		const keep = await c.pushImage(repo, "keep");
		const del = await c.call(`/v2/${repo}/manifests/${img.digest}`, {
			method: "DELETE",
		});
		expect(del.status).toBe(202);
		for (const ref of [img.digest, "one", "two"])
			await expectError(
				await c.call(`/v2/${repo}/manifests/${ref}`),
				404,
				"MANIFEST_UNKNOWN",
			);
		expect(await (await c.call(`/v2/${repo}/tags/list`)).json()).toEqual({
			name: repo,
			tags: ["keep"],
		});
		expect((await c.call(`/v2/${repo}/manifests/${keep.digest}`)).status).toBe(
			200,
		);
		await expectError(
			await c.call(`/v2/${repo}/manifests/${img.digest}`, { method: "DELETE" }),
			404,
			"MANIFEST_UNKNOWN",
		);
		// It can be pushed again afterwards.
		expect((await c.putManifest(repo, "one", img.body)).status).toBe(201);
		expect(
			(
				await c.call(`/v2/${repo}/manifests/one`, { method: "HEAD" })
			).headers.get("docker-content-digest"),
		).toBe(img.digest);
	});

	it("refuses with 412 to delete a manifest an index still references, and deletes it once the index is gone", async () => {
		const repo = uniqueRepo("child");
		const child = await c.pushImage(repo, null);
		const index = imageIndex([
			{
				...descriptor(mt.ociManifest, child.body),
				platform: { os: "linux", architecture: "amd64" },
			},
		]);
		expect(
			(await c.putManifest(repo, "multi", index, mt.ociIndex)).status,
		).toBe(201);
		await expectError(
			await c.call(`/v2/${repo}/manifests/${child.digest}`, {
				method: "DELETE",
			}),
			412,
			"PRECONDITION",
		);
		expect((await c.call(`/v2/${repo}/manifests/${child.digest}`)).status).toBe(
			200,
		);
		expect(
			(
				await c.call(`/v2/${repo}/manifests/${sha256(index)}`, {
					method: "DELETE",
				})
			).status,
		).toBe(202);
		expect(
			(
				await c.call(`/v2/${repo}/manifests/${child.digest}`, {
					method: "DELETE",
				})
			).status,
		).toBe(202);
		await expectError(
			await c.call(`/v2/${repo}/manifests/${child.digest}`),
			404,
			"MANIFEST_UNKNOWN",
		);
	});

	it("ends consistent when two different manifests are pushed to one tag at once", async () => {
		const repo = uniqueRepo("race");
		const bodies = await Promise.all([blobsFor(repo), blobsFor(repo)]);
		const puts = await Promise.all(
			bodies.map((b) => c.putManifest(repo, "latest", b)),
		);
		expect(puts.map((p) => p.status)).toEqual([201, 201]);
		const tagged = (
			await c.call(`/v2/${repo}/manifests/latest`, { method: "HEAD" })
		).headers.get("docker-content-digest");
		expect(bodies.map(sha256)).toContain(tagged);
		for (const b of bodies) {
			const get = await c.call(`/v2/${repo}/manifests/${sha256(b)}`);
			expect(get.status).toBe(200);
			const m = JSON.parse(await get.text()) as {
				config: Descriptor;
				layers: Descriptor[];
			};
			for (const d of [m.config, ...m.layers]) {
				const blob = await c.call(`/v2/${repo}/blobs/${d.digest}`);
				expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(d.digest);
			}
		}
		expect(await (await c.call(`/v2/${repo}/tags/list`)).json()).toEqual({
			name: repo,
			tags: ["latest"],
		});
		// One manifest pushed under several tags at once records one artifact carrying all of them.
		const same = bodies[0];
		const tags = ["t1", "t2", "t3", "t4"];
		const again = await Promise.all(
			tags.map((t) => c.putManifest(repo, t, same)),
		);
		expect(again.map((p) => p.status)).toEqual([201, 201, 201, 201]);
		for (const t of tags)
			expect(
				(
					await c.call(`/v2/${repo}/manifests/${t}`, { method: "HEAD" })
				).headers.get("docker-content-digest"),
			).toBe(sha256(same));
	});
});

describe.each(engines)("referrers on %s", (engine) => {
	let s: TestServer;
	let c: ReturnType<typeof client>;
	const empty = Buffer.from("{}");
	const sbomType = "application/vnd.example.sbom.v1";
	const sigType = "application/vnd.example.signature.v1";
	beforeAll(async () => {
		s = await startTestServer(engine);
		c = client(s);
	});
	afterAll(() => stopTestServer(s));

	/** Pushes an artifact manifest (empty config, one layer) whose subject is `subject`; returns its descriptor. */
	async function pushReferrer(
		repo: string,
		subject: Descriptor,
		artifactType: string,
	) {
		await c.pushBlob(repo, empty);
		const layer = randomBytes(64);
		await c.pushBlob(repo, layer);
		const body = imageManifest({
			artifactType,
			config: descriptor(mt.ociEmpty, empty),
			layers: [descriptor("application/octet-stream", layer)],
			subject,
			annotations: { "org.example.kind": artifactType },
		});
		const r = await c.putManifest(repo, sha256(body), body);
		expect(r.status, await r.clone().text()).toBe(201);
		return {
			response: r,
			body,
			digest: sha256(body),
			descriptor: {
				mediaType: mt.ociManifest,
				digest: sha256(body),
				size: body.length,
				artifactType,
			},
		};
	}

	it("answers a manifest with a subject with the OCI-Subject header", async () => {
		const repo = uniqueRepo("subject");
		const img = await c.pushImage(repo, "v1");
		const ref = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, img.body),
			sbomType,
		);
		expect(ref.response.headers.get("oci-subject")).toBe(img.digest);
	});

	it("lists referrers as an OCI image index with their artifactType", async () => {
		const repo = uniqueRepo("list");
		const img = await c.pushImage(repo, "v1");
		const sbom = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, img.body),
			sbomType,
		);
		const sig = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, img.body),
			sigType,
		);
		const r = await c.call(`/v2/${repo}/referrers/${img.digest}`);
		expect(r.status).toBe(200);
		expect(r.headers.get("content-type")).toBe(mt.ociIndex);
		expect(r.headers.get("oci-filters-applied")).toBeNull();
		const index = (await r.json()) as {
			schemaVersion: number;
			mediaType: string;
			manifests: (Descriptor & { annotations?: Record<string, string> })[];
		};
		expect(index.schemaVersion).toBe(2);
		expect(index.mediaType).toBe(mt.ociIndex);
		expect(index.manifests).toHaveLength(2);
		expect(index.manifests).toEqual(
			expect.arrayContaining([
				{ ...sbom.descriptor, annotations: { "org.example.kind": sbomType } },
				{ ...sig.descriptor, annotations: { "org.example.kind": sigType } },
			]),
		);
		// A referrer without artifactType is listed under its config's media type.
		const plain = imageManifest({
			config: descriptor(mt.ociConfig, empty),
			layers: [],
			subject: descriptor(mt.ociManifest, img.body),
		});
		expect((await c.putManifest(repo, sha256(plain), plain)).status).toBe(201);
		const again = (await (
			await c.call(`/v2/${repo}/referrers/${img.digest}`)
		).json()) as { manifests: Descriptor[] };
		expect(
			again.manifests.find((m) => m.digest === sha256(plain))?.artifactType,
		).toBe(mt.ociConfig);
	});

	it("filters referrers by ?artifactType= and says so with OCI-Filters-Applied", async () => {
		const repo = uniqueRepo("filter");
		const img = await c.pushImage(repo, "v1");
		const sbom = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, img.body),
			sbomType,
		);
		await pushReferrer(repo, descriptor(mt.ociManifest, img.body), sigType);
		const r = await c.call(
			`/v2/${repo}/referrers/${img.digest}?artifactType=${encodeURIComponent(sbomType)}`,
		);
		expect(r.status).toBe(200);
		expect(r.headers.get("oci-filters-applied")).toBe("artifactType");
		const index = (await r.json()) as { manifests: Descriptor[] };
		expect(index.manifests.map((m) => m.digest)).toEqual([sbom.digest]);
		const none = await c.call(
			`/v2/${repo}/referrers/${img.digest}?artifactType=application/vnd.nothing`,
		);
		expect(none.headers.get("oci-filters-applied")).toBe("artifactType");
		expect(
			((await none.json()) as { manifests: Descriptor[] }).manifests,
		).toEqual([]);
	});

	it("accepts a referrer whose subject does not exist, and lists it under that digest", async () => {
		const repo = uniqueRepo("orphan");
		const ghost = imageManifest({
			config: descriptor(mt.ociConfig, randomBytes(10)),
			layers: [],
		});
		const ref = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, ghost),
			sbomType,
		);
		expect(ref.response.headers.get("oci-subject")).toBe(sha256(ghost));
		const index = (await (
			await c.call(`/v2/${repo}/referrers/${sha256(ghost)}`)
		).json()) as { manifests: Descriptor[] };
		expect(index.manifests.map((m) => m.digest)).toEqual([ref.digest]);
	});

	it("answers referrers of an unknown digest with 200 and an empty index, also in a repository that does not exist", async () => {
		const repo = uniqueRepo("none");
		await c.pushImage(repo, "v1");
		for (const name of [repo, uniqueRepo("nowhere")]) {
			const r = await c.call(
				`/v2/${name}/referrers/${sha256(randomBytes(10))}`,
			);
			expect(r.status).toBe(200);
			expect(r.headers.get("content-type")).toBe(mt.ociIndex);
			expect(await r.json()).toEqual({
				schemaVersion: 2,
				mediaType: mt.ociIndex,
				manifests: [],
			});
		}
		await expectError(
			await c.call(`/v2/${repo}/referrers/sha256:nothex`),
			400,
			"DIGEST_INVALID",
		);
	});

	it("deletes an artifact's referrers (accessories) with it", async () => {
		const repo = uniqueRepo("accessory");
		const img = await c.pushImage(repo, "v1");
		const sig = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, img.body),
			sigType,
		);
		const sigOfSig = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, sig.body),
			sigType,
		);
		const other = await c.pushImage(repo, "v2");
		const otherSig = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, other.body),
			sigType,
		);
		expect(
			(
				await c.call(`/v2/${repo}/manifests/${img.digest}`, {
					method: "DELETE",
				})
			).status,
		).toBe(202);
		for (const d of [img.digest, sig.digest, sigOfSig.digest])
			await expectError(
				await c.call(`/v2/${repo}/manifests/${d}`),
				404,
				"MANIFEST_UNKNOWN",
			);
		expect(
			await (await c.call(`/v2/${repo}/referrers/${img.digest}`)).json(),
		).toMatchObject({ manifests: [] });
		expect(
			(await c.call(`/v2/${repo}/manifests/${otherSig.digest}`)).status,
		).toBe(200);
		expect((await c.call(`/v2/${repo}/manifests/v2`)).status).toBe(200);
	});

	it("keeps an accessory that an index still references when its subject is deleted, and deletes the others", async () => {
		const repo = uniqueRepo("indexed-accessory");
		const img = await c.pushImage(repo, "v1");
		const kept = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, img.body),
			sigType,
		);
		const gone = await pushReferrer(
			repo,
			descriptor(mt.ociManifest, img.body),
			sbomType,
		);
		const index = imageIndex([kept.descriptor]);
		expect(
			(await c.putManifest(repo, "bundle", index, mt.ociIndex)).status,
		).toBe(201);
		expect(
			(
				await c.call(`/v2/${repo}/manifests/${img.digest}`, {
					method: "DELETE",
				})
			).status,
		).toBe(202);
		await expectError(
			await c.call(`/v2/${repo}/manifests/${img.digest}`),
			404,
			"MANIFEST_UNKNOWN",
		);
		await expectError(
			await c.call(`/v2/${repo}/manifests/${gone.digest}`),
			404,
			"MANIFEST_UNKNOWN",
		);
		expect((await c.call(`/v2/${repo}/manifests/${kept.digest}`)).status).toBe(
			200,
		);
		expect((await c.call(`/v2/${repo}/manifests/bundle`)).status).toBe(200);
		const left = (await (
			await c.call(`/v2/${repo}/referrers/${img.digest}`)
		).json()) as { manifests: Descriptor[] };
		expect(left.manifests.map((m) => m.digest)).toEqual([kept.digest]);
	});
});
