import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, helmChart } from "./api-fixtures.ts";
import {
	client,
	descriptor,
	imageIndex,
	imageManifest,
	mt,
	sha256,
} from "./distribution-helpers.ts";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Content = {
	indexes: string[];
	manifest: Record<string, unknown>;
	manifestMediaType: string;
	config: Record<string, unknown> | null;
	layers: { digest: string; size: number; mediaType: string }[];
};

/** The console's artifact content endpoint: what the artifact page shows as raw manifest, config and layers. */
describe.each(engines)("console artifact content on %s", (engine) => {
	let s: TestServer;
	let reg: ReturnType<typeof client>;
	let guest: { id: number; auth: string };
	let outsider: { id: number; auth: string };
	const content = (
		repo: string,
		reference: string,
		auth: string | null = adminAuth,
		project = "team",
	) =>
		fetch(
			`${s.url}/api/console/projects/${project}/repositories/${encodeURIComponent(encodeURIComponent(repo))}/artifacts/${reference}/content`,
			{ headers: auth ? { Authorization: auth } : {} },
		);

	beforeAll(async () => {
		s = await startTestServer(engine);
		reg = client(s);
		guest = await addUser(s, "guest");
		outsider = await addUser(s, "outsider");
		await addProject(s, "team", { members: [[guest.id, 3]] });
	}, 60_000);
	afterAll(async () => {
		await stopTestServer(s);
	});

	it("returns the manifest, config and layers as pushed, by tag and by digest, for a nested repository name", async () => {
		const img = await reg.pushImage("team/apps/web", "v1");
		const byTag = await content("apps/web", "v1");
		expect(byTag.status).toBe(200);
		const c = (await byTag.json()) as Content;
		expect(c.manifest).toEqual(JSON.parse(img.body.toString()));
		expect(c.manifestMediaType).toBe(mt.ociManifest);
		expect(c.config).toMatchObject({ architecture: "amd64", os: "linux" });
		expect(c.layers).toEqual([
			{ digest: img.layer, size: 512, mediaType: mt.ociLayer },
		]);
		const byDigest = (await (
			await content("apps/web", img.digest)
		).json()) as Content;
		expect(byDigest).toEqual(c);
	});

	it("gives an index its children in the manifest, and no config or layers; a child names the indexes that hold it", async () => {
		const a = await reg.pushImage("team/multi", null);
		const index = imageIndex([
			{
				...descriptor(mt.ociManifest, a.body),
				platform: { os: "linux", architecture: "arm64" },
			},
		]);
		expect(
			(await reg.putManifest("team/multi", "1.0", index, mt.ociIndex)).status,
		).toBe(201);
		const c = (await (await content("multi", "1.0")).json()) as Content;
		expect(c.manifestMediaType).toBe(mt.ociIndex);
		expect(c.manifest.manifests).toEqual([
			{
				mediaType: mt.ociManifest,
				digest: a.digest,
				size: a.size,
				platform: { os: "linux", architecture: "arm64" },
			},
		]);
		expect(c.config).toBeNull();
		expect(c.layers).toEqual([]);
		expect(c.indexes).toEqual([]);
		const indexDigest = sha256(index);
		const child = (await (await content("multi", a.digest)).json()) as Content;
		expect(child.indexes).toEqual([indexDigest]);
		expect(child.layers.length).toBeGreaterThan(0);
	});

	it("shows a chart its Chart.yaml config, and leaves out a config over 1 MiB", async () => {
		const chart = await helmChart("demo", {
			"Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
			"values.yaml": "a: 1\n",
		});
		const config = Buffer.from(
			JSON.stringify({ apiVersion: "v2", name: "demo", version: "0.1.0" }),
		);
		await reg.pushBlob("team/demo", config);
		await reg.pushBlob("team/demo", chart);
		const body = imageManifest({
			config: descriptor("application/vnd.cncf.helm.config.v1+json", config),
			layers: [
				descriptor(
					"application/vnd.cncf.helm.chart.content.v1.tar+gzip",
					chart,
				),
			],
		});
		expect((await reg.putManifest("team/demo", "0.1.0", body)).status).toBe(
			201,
		);
		const c = (await (await content("demo", "0.1.0")).json()) as Content;
		expect(c.config).toEqual({
			apiVersion: "v2",
			name: "demo",
			version: "0.1.0",
		});
		expect(c.layers[0].mediaType).toBe(
			"application/vnd.cncf.helm.chart.content.v1.tar+gzip",
		);

		const big = Buffer.from(
			JSON.stringify({
				architecture: "amd64",
				os: "linux",
				pad: randomBytes(600 * 1024).toString("hex"),
			}),
		);
		const layer = randomBytes(64);
		await reg.pushBlob("team/big", big);
		await reg.pushBlob("team/big", layer);
		const bigManifest = imageManifest({
			config: descriptor(mt.ociConfig, big),
			layers: [descriptor(mt.ociLayer, layer)],
		});
		expect((await reg.putManifest("team/big", "v1", bigManifest)).status).toBe(
			201,
		);
		const b = (await (await content("big", "v1")).json()) as Content;
		expect(b.config).toBeNull();
		expect(b.layers).toHaveLength(1);
	});

	it("lets a member read, answers an outsider as if nothing were there, and asks the anonymous to sign in", async () => {
		await reg.pushImage("team/private", "v1");
		expect((await content("private", "v1", guest.auth)).status).toBe(200);
		const hidden = await content("private", "v1", outsider.auth);
		const missing = await content(
			"private",
			"v1",
			outsider.auth,
			"no-such-project",
		);
		expect(hidden.status).toBe(404);
		expect(missing.status).toBe(404);
		expect((await hidden.json()).errors[0].message).toBe(
			"project team not found",
		);
		expect((await missing.json()).errors[0].message).toBe(
			"project no-such-project not found",
		);
		expect((await content("private", "v1", null)).status).toBe(401);
		expect((await content("private", "nope")).status).toBe(404);
		expect((await content("nothing-here", "v1")).status).toBe(404);
	});
});
