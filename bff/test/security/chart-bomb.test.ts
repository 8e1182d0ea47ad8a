import { rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { pack } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmChart } from "../api-fixtures.ts";
import {
	client,
	descriptor,
	expectError,
	imageManifest,
	sha256,
} from "../distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * Issue 9, finding 9: a 2 MB chart layer that expanded to 2 GiB cost 8 s of CPU per anonymous request for its
 * README, never cached. Gunzip now stops past the chart cap (Helm's 100 MiB), the answer is a Harbor error, and a
 * layer's extract (or its refusal) is kept per digest.
 */
describe.each(engines)("Helm chart bomb on %s", (engine) => {
	let s: TestServer;
	let reg: ReturnType<typeof client>;

	/** A chart whose README sits behind 120 MiB of zeros: about 120 KiB gzipped. */
	async function bomb(): Promise<Buffer> {
		const tar = pack();
		const chunks: Buffer[] = [];
		const gzipped = (async () => {
			for await (const c of (tar as unknown as Readable).pipe(
				createGzip({ level: 9 }),
			))
				chunks.push(c as Buffer);
		})();
		tar.entry(
			{ name: "bomb/Chart.yaml" },
			"apiVersion: v2\nname: bomb\nversion: 0.1.0\n",
		);
		const size = 120 * 1024 * 1024;
		const zeros = tar.entry({ name: "bomb/zeros.bin", size });
		const chunk = Buffer.alloc(1024 * 1024);
		for (let n = 0; n < size; n += chunk.length)
			if (!zeros.write(chunk))
				await new Promise<void>((r) => zeros.once("drain", () => r()));
		zeros.end(Buffer.alloc(0));
		tar.entry({ name: "bomb/README.md" }, "# boom\n");
		tar.finalize();
		await gzipped;
		return Buffer.concat(chunks);
	}

	/** Pushes a chart with `tgz` as its content layer; returns the layer's digest. */
	async function pushChart(repo: string, tgz: Buffer) {
		const config = Buffer.from(
			JSON.stringify({ apiVersion: "v2", name: repo, version: "0.1.0" }),
		);
		await reg.pushBlob(`library/${repo}`, config);
		await reg.pushBlob(`library/${repo}`, tgz);
		const body = imageManifest({
			config: descriptor("application/vnd.cncf.helm.config.v1+json", config),
			layers: [
				descriptor("application/vnd.cncf.helm.chart.content.v1.tar+gzip", tgz),
			],
		});
		expect(
			(await reg.putManifest(`library/${repo}`, "0.1.0", body)).status,
		).toBe(201);
		return sha256(tgz);
	}

	/** The layer's bytes gone from disk: what answers after this came from the per-digest cache. */
	const removeBlob = (digest: string) =>
		rm(
			path.join(
				s.dataDir,
				"storage",
				"blobs",
				"sha256",
				digest.slice(7, 9),
				digest.slice(7),
			),
		);
	const addition = (repo: string, name: string) =>
		fetch(
			`${s.url}/api/v2.0/projects/library/repositories/${repo}/artifacts/0.1.0/additions/${name}`,
		);

	beforeAll(async () => {
		s = await startTestServer(engine);
		reg = client(s);
	}, 60_000);
	afterAll(() => stopTestServer(s));

	it("refuses to expand a chart past the cap, with a Harbor error, once per layer", async () => {
		const layer = await pushChart("bomb", await bomb());
		await expectError(
			await addition("bomb", "readme.md"),
			422,
			"UNPROCESSABLE_ENTITY",
		);
		await removeBlob(layer);
		for (const name of ["readme.md", "values.yaml", "dependencies"])
			await expectError(
				await addition("bomb", name),
				422,
				"UNPROCESSABLE_ENTITY",
			);
	}, 30_000);

	it("still reads a real chart's files, and keeps them per layer", async () => {
		const layer = await pushChart(
			"fine",
			await helmChart("fine", {
				"Chart.yaml": "apiVersion: v2\nname: fine\nversion: 0.1.0\n",
				"values.yaml": "replicas: 2\n",
				"README.md": "# Fine\n",
			}),
		);
		expect(await (await addition("fine", "readme.md")).text()).toBe("# Fine\n");
		await removeBlob(layer);
		expect(await (await addition("fine", "values.yaml")).text()).toBe(
			"replicas: 2\n",
		);
		expect(await (await addition("fine", "readme.md")).text()).toBe("# Fine\n");
	});
});
