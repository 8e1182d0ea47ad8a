import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, api, helmChart } from "./api-fixtures.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import {
	client,
	descriptor,
	imageIndex,
	imageManifest,
	mt,
	sha256,
} from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminPassword,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Artifact = {
	id: number;
	type: string;
	digest: string;
	size: number;
	repository_name: string;
	media_type: string;
	tags?: { name: string; immutable: boolean }[];
	extra_attrs: Record<string, unknown>;
	references?: {
		child_digest: string;
		platform: { architecture: string; os: string; variant?: string };
	}[];
	accessories?: {
		type: string;
		digest: string;
		subject_artifact_digest: string;
	}[];
	addition_links: Record<string, { href: string; absolute: boolean }>;
};

describe.each(engines)("artifacts API on %s", (engine) => {
	let s: TestServer;
	let c: ClientSandbox;
	let host: string;
	let call: ReturnType<typeof api>;
	let reg: ReturnType<typeof client>;
	let guest: { id: number; auth: string };
	let outsider: { id: number; auth: string };
	let multi: { digest: string; images: { digest: string }[] };

	beforeAll(async () => {
		s = await startTestServer(engine);
		c = await clientSandbox();
		host = new URL(s.url).host;
		call = api(s);
		reg = client(s);
		guest = await addUser(s, "guest");
		outsider = await addUser(s, "outsider");
		await addProject(s, "team", { members: [[guest.id, 3]] });
		const login = await c.skopeo(
			"login",
			"--tls-verify=false",
			host,
			"-u",
			"admin",
			"-p",
			adminPassword,
		);
		expect(login.ok, login.stderr).toBe(true);
		const single = path.join(c.dir, "single");
		await makeOciLayout(single, { layers: 2, layerBytes: 4096 });
		const push = await c.skopeo(
			"copy",
			`oci:${single}`,
			`docker://${host}/library/go-app:v1.0.0`,
			"--dest-tls-verify=false",
		);
		expect(push.ok, push.stderr).toBe(true);
		const multiDir = path.join(c.dir, "multi");
		multi = await makeOciLayout(multiDir, {
			platforms: [
				{ os: "linux", architecture: "amd64" },
				{ os: "linux", architecture: "arm64", variant: "v8" },
			],
			layers: 1,
			layerBytes: 1024,
		});
		const pushAll = await c.skopeo(
			"copy",
			"--all",
			`oci:${multiDir}`,
			`docker://${host}/library/multi:1.0`,
			"--dest-tls-verify=false",
		);
		expect(pushAll.ok, pushAll.stderr).toBe(true);
	}, 60_000);
	afterAll(async () => {
		await c?.cleanup();
		await stopTestServer(s);
	});

	it("answers the CI script: the artifact pushed by skopeo with its tags and extra_attrs", async () => {
		const r = await call(
			"/projects/library/repositories/go-app/artifacts/v1.0.0",
		);
		expect(r.status).toBe(200);
		const a = (await r.json()) as Artifact;
		expect(a.type).toBe("IMAGE");
		expect(a.repository_name).toBe("library/go-app");
		expect(a.tags?.map((t) => t.name)).toEqual(["v1.0.0"]);
		expect(a.tags?.[0].immutable).toBe(false);
		expect(a.extra_attrs).toMatchObject({
			architecture: "amd64",
			os: "linux",
			author: "wharf tests",
			config: { Cmd: ["/bin/true"] },
		});
		expect(a.size).toBeGreaterThan(8192);
		expect(a.addition_links.build_history).toEqual({
			href: `/api/v2.0/projects/library/repositories/go-app/artifacts/${a.digest}/additions/build_history`,
			absolute: false,
		});
		const history = await call(
			a.addition_links.build_history.href.replace("/api/v2.0", ""),
		);
		expect(history.status).toBe(200);
		expect(
			((await history.json()) as { created_by: string }[]).map(
				(h) => h.created_by,
			),
		).toEqual(["test layer 0", "test layer 1"]);
		expect(
			(
				await call(
					`/projects/library/repositories/go-app/artifacts/${a.digest}`,
				)
			).status,
		).toBe(200);
		expect(
			(await call("/projects/library/repositories/go-app/artifacts/nope"))
				.status,
		).toBe(404);
	});

	it("shows a multi-arch index with its platforms, and lists only top-level artifacts unless base=*", async () => {
		const a = (await (
			await call("/projects/library/repositories/multi/artifacts/1.0")
		).json()) as Artifact;
		expect(a.digest).toBe(multi.digest);
		expect(a.references?.map((r) => r.platform)).toEqual([
			{ os: "linux", architecture: "amd64" },
			{ os: "linux", architecture: "arm64", variant: "v8" },
		]);
		const top = await call("/projects/library/repositories/multi/artifacts");
		expect(top.headers.get("x-total-count")).toBe("1");
		const all = await call(
			"/projects/library/repositories/multi/artifacts?q=base%3D*",
		);
		expect(all.headers.get("x-total-count")).toBe("3");
	});

	it("refuses with 412 to delete an index child, and deletes the index", async () => {
		const child = await call(
			`/projects/library/repositories/multi/artifacts/${multi.images[0].digest}`,
			{ method: "DELETE" },
		);
		expect(child.status).toBe(412);
		expect((await child.json()).errors[0].code).toBe("PRECONDITION");
	});

	it("filters with q, sorts and pages with X-Total-Count and Link", async () => {
		const repo = "library/filters";
		const pushed = [];
		for (const tag of ["alpha", "beta", "gamma", null])
			pushed.push(await reg.pushImage(repo, tag));
		const base = "/projects/library/repositories/filters/artifacts";
		const page1 = await call(`${base}?page=1&page_size=2`);
		expect(page1.headers.get("x-total-count")).toBe("4");
		expect(page1.headers.get("link")).toContain('rel="next"');
		expect(((await page1.json()) as Artifact[]).length).toBe(2);
		const count = async (q: string) =>
			(await call(`${base}?q=${encodeURIComponent(q)}`)).headers.get(
				"x-total-count",
			);
		expect(await count("tags=*")).toBe("3");
		expect(await count("tags=nil")).toBe("1");
		expect(await count("tags=~et")).toBe("1");
		expect(await count(`digest=${pushed[0].digest}`)).toBe("1");
		expect(await count("type=IMAGE")).toBe("4");
		expect(
			(await call(`${base}?q=${encodeURIComponent("nope=1")}`)).status,
		).toBe(400);
		const sorted = (await (
			await call(`${base}?sort=push_time&with_tag=false`)
		).json()) as Artifact[];
		expect(sorted[0].digest).toBe(pushed[0].digest);
		expect(sorted[0].tags).toBeUndefined();
		const project = await call("/projects/library/artifacts?q=tags%3Dalpha");
		expect(project.headers.get("x-total-count")).toBe("1");
	});

	it("creates a tag (201, Location), refuses an existing one with 409, and deletes it", async () => {
		const img = await reg.pushImage("library/tagging", "first");
		const tags = `/projects/library/repositories/tagging/artifacts/${img.digest}/tags`;
		const created = await call(tags, {
			method: "POST",
			json: { name: "second" },
		});
		expect(created.status).toBe(201);
		expect(created.headers.get("location")).toBe(
			`/api/v2.0/projects/library/repositories/tagging/artifacts/${img.digest}/tags/second`,
		);
		expect(
			(await call(tags, { method: "POST", json: { name: "second" } })).status,
		).toBe(409);
		expect(
			(await call(tags, { method: "POST", json: { name: "first" } })).status,
		).toBe(409);
		const list = await call(tags);
		expect(list.headers.get("x-total-count")).toBe("2");
		expect(
			(await reg.call("/v2/library/tagging/manifests/second")).status,
		).toBe(200);
		expect((await call(`${tags}/second`, { method: "DELETE" })).status).toBe(
			200,
		);
		expect((await call(`${tags}/second`, { method: "DELETE" })).status).toBe(
			404,
		);
		expect(
			(
				await call(tags, {
					method: "POST",
					json: { name: "x" },
					auth: guest.auth,
				})
			).status,
		).toBe(403);
	});

	it("copies an artifact across projects, linking its blobs in the target", async () => {
		const r = await call(
			"/projects/team/repositories/copied/artifacts?from=library/go-app:v1.0.0",
			{ method: "POST" },
		);
		expect(r.status, await r.clone().text()).toBe(201);
		const a = (await (
			await call("/projects/team/repositories/copied/artifacts/v1.0.0")
		).json()) as Artifact;
		expect(r.headers.get("location")).toBe(
			`/api/v2.0/projects/team/repositories/copied/artifacts/${a.digest}`,
		);
		const manifest = (await (
			await reg.call(`/v2/team/copied/manifests/${a.digest}`, {
				headers: { Accept: mt.ociManifest },
			})
		).json()) as { layers: { digest: string }[] };
		expect(
			(
				await reg.call(`/v2/team/copied/blobs/${manifest.layers[0].digest}`, {
					method: "HEAD",
				})
			).status,
		).toBe(200);
		const index = await call(
			`/projects/team/repositories/copied-multi/artifacts?from=library/multi@${multi.digest}`,
			{ method: "POST" },
		);
		expect(index.status).toBe(201);
		expect(
			(
				await call(
					"/projects/team/repositories/copied-multi/artifacts?q=base%3D*",
				)
			).headers.get("x-total-count"),
		).toBe("3");
		// The guest may pull the source but not push to the target.
		expect(
			(
				await call(
					"/projects/team/repositories/x/artifacts?from=library/go-app:v1.0.0",
					{ method: "POST", auth: guest.auth },
				)
			).status,
		).toBe(403);
		expect(
			(
				await call(
					"/projects/team/repositories/x/artifacts?from=library/none:v1",
					{ method: "POST" },
				)
			).status,
		).toBe(404);
	});

	it("lists accessories (referrers and cosign tags) and deletes them with their subject", async () => {
		const repo = "library/signed";
		const img = await reg.pushImage(repo, "v1");
		const subject = {
			mediaType: mt.ociManifest,
			digest: img.digest,
			size: img.size,
		};
		const sbom = await reg.pushImage(repo, null, {
			subject,
			artifactType: "application/vnd.goharbor.harbor.sbom.v1",
		});
		const sig = await reg.pushImage(
			repo,
			`${img.digest.replace(":", "-")}.sig`,
			{ configMediaType: "application/vnd.dev.cosign.simplesigning.v1+json" },
		);
		const a = (await (
			await call(
				`/projects/library/repositories/signed/artifacts/v1?with_accessory=true`,
			)
		).json()) as Artifact;
		expect(a.accessories?.map((x) => [x.digest, x.type]).sort()).toEqual(
			[
				[sbom.digest, "sbom.harbor"],
				[sig.digest, "signature.cosign"],
			].sort(),
		);
		const list = await call(
			`/projects/library/repositories/signed/artifacts/v1/accessories`,
		);
		expect(list.headers.get("x-total-count")).toBe("2");
		// Accessories are not top-level artifacts.
		expect(
			(
				await call("/projects/library/repositories/signed/artifacts")
			).headers.get("x-total-count"),
		).toBe("1");
		expect(
			(
				await call(
					`/projects/library/repositories/signed/artifacts/${img.digest}`,
					{ method: "DELETE" },
				)
			).status,
		).toBe(200);
		expect(
			(
				await call(
					`/projects/library/repositories/signed/artifacts/${sbom.digest}`,
				)
			).status,
		).toBe(404);
		expect(
			(
				await call(
					`/projects/library/repositories/signed/artifacts/${sig.digest}`,
				)
			).status,
		).toBe(404);
	});

	it("decodes double-encoded repository names", async () => {
		const img = await reg.pushImage("library/deep/nested/app", "v2");
		const r = await call(
			"/projects/library/repositories/deep%252Fnested%252Fapp/artifacts/v2",
		);
		expect(r.status).toBe(200);
		const a = (await r.json()) as Artifact;
		expect(a.digest).toBe(img.digest);
		expect(a.addition_links.build_history.href).toContain(
			"/repositories/deep%252Fnested%252Fapp/",
		);
	});

	it("answers for a private project the caller may not see exactly as for a missing one", async () => {
		await reg.pushImage("team/secret", "v1");
		const hidden = await call("/projects/team/repositories/secret/artifacts", {
			auth: outsider.auth,
		});
		const missing = await call(
			"/projects/nothing/repositories/secret/artifacts",
			{ auth: outsider.auth },
		);
		expect(hidden.status).toBe(404);
		expect(missing.status).toBe(404);
		expect((await hidden.json()).errors[0].code).toBe(
			(await missing.json()).errors[0].code,
		);
		expect(
			(
				await call("/projects/team/repositories/secret/artifacts", {
					auth: guest.auth,
				})
			).status,
		).toBe(200);
		expect(
			(
				await call("/projects/team/repositories/secret/artifacts/v1", {
					method: "DELETE",
					auth: guest.auth,
				})
			).status,
		).toBe(403);
	});

	it("shows a Helm chart as CHART with its values.yaml, readme.md and dependencies", async () => {
		const repo = "library/mychart";
		const tgz = await helmChart("mychart", {
			"Chart.yaml":
				"apiVersion: v2\nname: mychart\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 17.0.0\n    repository: https://charts.example.com\n",
			"values.yaml": "replicaCount: 3\n",
			"README.md": "# My chart\n",
			"templates/values.yaml": "not: this\n",
		});
		const config = Buffer.from(
			JSON.stringify({ apiVersion: "v2", name: "mychart", version: "0.1.0" }),
		);
		await reg.pushBlob(repo, config);
		await reg.pushBlob(repo, tgz);
		const body = imageManifest({
			config: descriptor("application/vnd.cncf.helm.config.v1+json", config),
			layers: [
				descriptor("application/vnd.cncf.helm.chart.content.v1.tar+gzip", tgz),
			],
		});
		expect((await reg.putManifest(repo, "0.1.0", body)).status).toBe(201);
		const a = (await (
			await call("/projects/library/repositories/mychart/artifacts/0.1.0")
		).json()) as Artifact;
		expect(a.type).toBe("CHART");
		expect(a.extra_attrs).toMatchObject({ name: "mychart", version: "0.1.0" });
		expect(Object.keys(a.addition_links).sort()).toEqual([
			"dependencies",
			"readme.md",
			"values.yaml",
		]);
		const values = await call(
			"/projects/library/repositories/mychart/artifacts/0.1.0/additions/values.yaml",
		);
		expect(values.status).toBe(200);
		expect(await values.text()).toBe("replicaCount: 3\n");
		expect(
			await (
				await call(
					"/projects/library/repositories/mychart/artifacts/0.1.0/additions/readme.md",
				)
			).text(),
		).toBe("# My chart\n");
		expect(
			await (
				await call(
					"/projects/library/repositories/mychart/artifacts/0.1.0/additions/dependencies",
				)
			).json(),
		).toEqual([
			{
				name: "redis",
				version: "17.0.0",
				repository: "https://charts.example.com",
			},
		]);
		expect(
			(
				await call(
					"/projects/library/repositories/mychart/artifacts/0.1.0/additions/build_history",
				)
			).status,
		).toBe(404);
	});

	it("names each artifact's type icon, which /icons serves as base64 SVG", async () => {
		const a = (await (
			await call("/projects/library/repositories/go-app/artifacts/v1.0.0")
		).json()) as Artifact & { icon: string };
		const chart = (await (
			await call("/projects/library/repositories/mychart/artifacts/0.1.0")
		).json()) as Artifact & { icon: string };
		expect(a.icon).toMatch(/^sha256:[0-9a-f]{64}$/);
		expect(chart.icon).not.toBe(a.icon);
		const icon = await call(`/icons/${a.icon}`);
		expect(icon.status).toBe(200);
		const body = (await icon.json()) as {
			"content-type": string;
			content: string;
		};
		expect(body["content-type"]).toBe("image/svg+xml");
		expect(Buffer.from(body.content, "base64").toString()).toContain("<svg");
		expect((await call(`/icons/sha256:${"0".repeat(64)}`)).status).toBe(404);
		expect((await call("/icons/nope")).status).toBe(400);
	});

	it("lists an index made over the API with its children as references", async () => {
		const repo = `library/idx-${randomBytes(3).toString("hex")}`;
		const a = await reg.pushImage(repo, null);
		const index = imageIndex([
			{
				...descriptor(mt.ociManifest, a.body),
				platform: { os: "linux", architecture: "riscv64" },
			},
		]);
		expect(
			(await reg.putManifest(repo, "multi", index, mt.ociIndex)).status,
		).toBe(201);
		const got = (await (
			await call(
				`/projects/library/repositories/${repo.split("/")[1]}/artifacts/${sha256(index)}`,
			)
		).json()) as Artifact;
		expect(got.references?.[0]).toMatchObject({
			child_digest: a.digest,
			platform: { architecture: "riscv64" },
		});
	});
	it("keeps the default collection in step as tags, indexes and signatures come and go", async () => {
		const name = `flow-${randomBytes(3).toString("hex")}`;
		const repo = `library/${name}`;
		const base = `/projects/library/repositories/${name}/artifacts`;
		const listed = async () =>
			((await (await call(base)).json()) as Artifact[])
				.map((a) => a.digest)
				.sort();
		const a = await reg.pushImage(repo, null);
		const b = await reg.pushImage(repo, null);
		expect(await listed()).toEqual([a.digest, b.digest].sort());
		const index = imageIndex([
			descriptor(mt.ociManifest, a.body),
			descriptor(mt.ociManifest, b.body),
		]);
		expect(
			(await reg.putManifest(repo, "multi", index, mt.ociIndex)).status,
		).toBe(201);
		expect(await listed()).toEqual([sha256(index)]);
		// A tagged child is shown beside its index; untagging it hides it again.
		expect(
			(
				await call(`${base}/${a.digest}/tags`, {
					method: "POST",
					json: { name: "a-only" },
				})
			).status,
		).toBe(201);
		expect(await listed()).toEqual([a.digest, sha256(index)].sort());
		expect(
			(await call(`${base}/${a.digest}/tags/a-only`, { method: "DELETE" }))
				.status,
		).toBe(200);
		expect(await listed()).toEqual([sha256(index)]);
		// Moving the index's tag onto a child over /v2 shows the child; the untagged index stays (no index holds it).
		expect((await reg.putManifest(repo, "multi", b.body)).status).toBe(201);
		expect(await listed()).toEqual([b.digest, sha256(index)].sort());
		// Deleting the index frees its children.
		expect(
			(
				await reg.call(`/v2/${repo}/manifests/${sha256(index)}`, {
					method: "DELETE",
				})
			).status,
		).toBe(202);
		expect(await listed()).toEqual([a.digest, b.digest].sort());
		// A cosign signature (by its tag) is an accessory, not a listed artifact.
		const sig = await reg.pushImage(repo, `${a.digest.replace(":", "-")}.sig`);
		expect(await listed()).toEqual([a.digest, b.digest].sort());
		expect(
			(
				await (await call(`${base}/${a.digest}?with_accessory=true`)).json()
			).accessories.map((x: { digest: string }) => x.digest),
		).toEqual([sig.digest]);
	});
});
