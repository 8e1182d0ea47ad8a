import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	client,
	descriptor,
	imageManifest,
	mt,
	sha256,
} from "../distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * Issue 9, finding 1: 80 images with 4.2 MB crafted configs in a public project, then anonymous artifact-list pages
 * of 10, grew memory about 1 GiB a page until V8 aborted: every parsed config was kept whole in a cache bounded by
 * entry count. A list now keeps only the fields it answers with, and parses a bounded number of bytes per request.
 */
describe.each(engines)("crafted image configs on %s", (engine) => {
	let s: TestServer;
	let reg: ReturnType<typeof client>;
	const repo = `library/bomb-${randomBytes(3).toString("hex")}`;
	const path = `/api/v2.0/projects/library/repositories/${repo.slice("library/".length)}/artifacts`;
	const crafted = 8;

	/** About 2.7 MiB: a real platform and author, then tens of thousands of labels and history entries carrying junk. */
	const craftedConfig = (i: number) =>
		Buffer.from(
			JSON.stringify({
				architecture: "amd64",
				os: "linux",
				created: "2024-05-01T00:00:00Z",
				author: "mallory",
				config: {
					Cmd: ["/bin/sh"],
					Labels: Object.fromEntries(
						Array.from({ length: 40_000 }, (_, j) => [
							`label-${j}`,
							"x".repeat(40),
						]),
					),
				},
				history: Array.from({ length: 10_000 }, () => ({
					created_by: "/bin/sh -c true",
					junk: "j",
				})),
				nonce: i,
			}),
		);

	async function push(reference: string, config: Buffer) {
		const layer = randomBytes(64);
		await reg.pushBlob(repo, config);
		await reg.pushBlob(repo, layer);
		const body = imageManifest({
			config: descriptor(mt.ociConfig, config),
			layers: [descriptor(mt.ociLayer, layer)],
		});
		expect((await reg.putManifest(repo, reference, body)).status).toBe(201);
		return sha256(body);
	}

	type Listed = {
		digest: string;
		tags: { name: string }[];
		extra_attrs: Record<string, unknown>;
	};
	const page = async (n: number) => {
		const r = await fetch(
			`${s.url}${path}?page=${n}&page_size=10&with_tag=true&with_label=true&with_accessory=true`,
		);
		expect(r.status).toBe(200);
		const text = await r.text();
		return { bytes: text.length, items: JSON.parse(text) as Listed[] };
	};

	beforeAll(async () => {
		s = await startTestServer(engine);
		reg = client(s);
		for (let i = 0; i < crafted; i++)
			await push(`crafted-${i}`, craftedConfig(i));
		await push(
			"normal",
			Buffer.from(
				JSON.stringify({
					architecture: "arm64",
					os: "linux",
					variant: "v8",
					created: "2024-05-02T00:00:00Z",
					author: "ci",
					config: {
						Cmd: ["/app"],
						Env: ["PATH=/usr/bin"],
						Labels: { team: "core" },
					},
					history: [
						{ created: "2024-05-02T00:00:00Z", created_by: "COPY app /app" },
					],
				}),
			),
		);
	}, 120_000);
	afterAll(() => stopTestServer(s));

	it("answers anonymous pages with the needed fields only, parsing a bounded amount per request", async () => {
		const first = await page(1);
		expect(first.items).toHaveLength(9);
		// The crafted junk is never echoed: a page of ten stays small (it was tens of MiB).
		expect(first.bytes).toBeLessThan(256 * 1024);
		for (const a of first.items)
			expect(JSON.stringify(a.extra_attrs).length).toBeLessThanOrEqual(
				64 * 1024 + 1024,
			);
		// One request may not parse all eight 2.7 MiB configs: the ones past its budget answer without their fields.
		const withFields = first.items.filter((a) => a.extra_attrs.os);
		expect(withFields.length).toBeGreaterThan(0);
		expect(withFields.length).toBeLessThan(first.items.length);
		for (const a of withFields) {
			expect(a.extra_attrs).toMatchObject({
				os: "linux",
				created: expect.any(String),
				author: expect.any(String),
			});
			expect(a.extra_attrs.architecture).toMatch(/^(amd64|arm64)$/);
		}

		// What one page read stays cached (trimmed), so later pages fill in the rest.
		let items = first.items;
		for (let i = 0; i < 4 && items.some((a) => !a.extra_attrs.os); i++)
			items = (await page(1)).items;
		expect(items.every((a) => a.extra_attrs.os === "linux")).toBe(true);
		const crafty = items.find((a) =>
			a.tags.some((t) => t.name === "crafted-0"),
		)!;
		// The runtime config of a crafted image is far over what a built image carries: it is left out.
		expect(crafty.extra_attrs).toEqual({
			architecture: "amd64",
			os: "linux",
			created: "2024-05-01T00:00:00Z",
			author: "mallory",
			config: {},
		});
		const normal = items.find((a) => a.tags.some((t) => t.name === "normal"))!;
		expect(normal.extra_attrs).toEqual({
			architecture: "arm64",
			os: "linux",
			variant: "v8",
			created: "2024-05-02T00:00:00Z",
			author: "ci",
			config: {
				Cmd: ["/app"],
				Env: ["PATH=/usr/bin"],
				Labels: { team: "core" },
			},
		});
	});

	it("trims a crafted build history to known fields and a sane length", async () => {
		const r = await fetch(`${s.url}${path}/crafted-1/additions/build_history`);
		expect(r.status).toBe(200);
		const history = (await r.json()) as Record<string, unknown>[];
		expect(history.length).toBeLessThanOrEqual(1024);
		expect(history).toHaveLength(1024); // 10,000 pushed: trimmed, not dropped
		expect(history[0]).toEqual({ created_by: "/bin/sh -c true" });
		const normal = await (
			await fetch(`${s.url}${path}/normal/additions/build_history`)
		).json();
		expect(normal).toEqual([
			{ created: "2024-05-02T00:00:00Z", created_by: "COPY app /app" },
		]);
	});

	it("answers an image whose config is over the cap, or holds too many values to parse, without its fields", async () => {
		const huge = Buffer.concat([
			Buffer.from('{"os":"linux","pad":"'),
			Buffer.alloc(4 * 1024 * 1024, "a"),
			Buffer.from('"}'),
		]);
		// 3 MiB of empty objects would take about 60 MiB of heap to parse: refused before parsing.
		const dense = Buffer.from(
			`{"os":"linux","history":[${Array(1_000_000).fill("{}").join(",")}]}`,
		);
		for (const [tag, config] of [
			["huge", huge],
			["dense", dense],
		] as const) {
			await push(tag, config);
			const r = await fetch(`${s.url}${path}/${tag}`);
			expect(r.status).toBe(200);
			expect(((await r.json()) as Listed).extra_attrs).toEqual({});
		}
		expect(
			await (
				await fetch(`${s.url}${path}/dense/additions/build_history`)
			).json(),
		).toEqual([]);
	});
});
