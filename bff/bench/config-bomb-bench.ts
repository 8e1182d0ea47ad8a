/**
 * Issue 9, finding 1, measured: 80 images with 4 MiB crafted configs in the public project `library`, then anonymous
 * clients paging through the artifact list as the console does (page_size 10, with_tag, with_label, with_accessory)
 * and opening each page's build history, while the server's RSS is sampled. Prints Wharf's peak RSS against the
 * 300 MB bound. No side-by-side ratio: Debian's docker-registry has no artifact list and parses no configs, so there
 * is nothing of its to compare with.
 *
 *   npm run bench:security        (BENCH_IMAGES, BENCH_CLIENTS, BENCH_ROUNDS change the load)
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
	memOf,
	resetPeak,
	rssSampler,
	type Server,
	startWharfProcess,
} from "./servers.ts";

const repoRoot = path.resolve(
	path.dirname(fileURLToPath(import.meta.url)),
	"..",
	"..",
);
const images = Number(process.env.BENCH_IMAGES ?? 80);
const clients = Number(process.env.BENCH_CLIENTS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const boundMB = 300;
const adminPassword = "Bench-Harbor12345";
const auth = `Basic ${Buffer.from(`admin:${adminPassword}`).toString("base64")}`;
const repo = "library/config-bomb";

const sha256 = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;
const MB = (kib: number) => (kib / 1024).toFixed(0);

const configBytes = 4 * 1024 * 1024 - 64;

/**
 * 4 MiB crafted configs, half of each kind: even `i` are empty history entries, the shape that costs JSON.parse the
 * most heap (about 20 bytes per byte; refused before parsing as too many values); odd `i` stay just under every
 * limit (45,000 long history entries) so they are read, parsed and trimmed.
 */
function craftedConfig(i: number): Buffer {
	const head = `{"architecture":"amd64","os":"linux","created":"2024-05-01T00:00:00Z","author":"bench ${i}","history":[`;
	if (i % 2 === 0)
		return Buffer.from(
			`${head}${Array(Math.floor((configBytes - head.length - 2) / 3))
				.fill("{}")
				.join(",")}]}`,
		);
	const entries = 45_000;
	const pad =
		Math.floor((configBytes - head.length - 2) / entries) -
		'{"created_by":""},'.length;
	return Buffer.from(
		`${head}${Array(entries)
			.fill(`{"created_by":"${"x".repeat(pad)}"}`)
			.join(",")}]}`,
	);
}

async function push(base: string, config: Buffer, tag: string) {
	const layer = randomBytes(256);
	for (const blob of [config, layer]) {
		const r = await fetch(
			`${base}/v2/${repo}/blobs/uploads/?digest=${sha256(blob)}`,
			{
				method: "POST",
				body: new Uint8Array(blob),
				headers: { Authorization: auth },
			},
		);
		if (r.status !== 201)
			throw new Error(`blob push: ${r.status} ${await r.text()}`);
	}
	const manifest = Buffer.from(
		JSON.stringify({
			schemaVersion: 2,
			mediaType: "application/vnd.oci.image.manifest.v1+json",
			config: {
				mediaType: "application/vnd.oci.image.config.v1+json",
				digest: sha256(config),
				size: config.length,
			},
			layers: [
				{
					mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
					digest: sha256(layer),
					size: layer.length,
				},
			],
		}),
	);
	const r = await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
		method: "PUT",
		body: new Uint8Array(manifest),
		headers: {
			Authorization: auth,
			"Content-Type": "application/vnd.oci.image.manifest.v1+json",
		},
	});
	if (r.status !== 201)
		throw new Error(`manifest push: ${r.status} ${await r.text()}`);
}

/** One anonymous client: every page of the list, and the build history of one artifact per page. */
async function browse(base: string, offset: number) {
	const list = `${base}/api/v2.0/projects/library/repositories/config-bomb/artifacts`;
	const pages = Math.ceil(images / 10);
	let requests = 0;
	let withFields = 0;
	for (let k = 0; k < pages; k++) {
		const page = ((k + offset) % pages) + 1;
		const r = await fetch(
			`${list}?page=${page}&page_size=10&with_tag=true&with_label=true&with_accessory=true`,
		);
		if (r.status !== 200) throw new Error(`list page ${page}: ${r.status}`);
		const items = (await r.json()) as {
			digest: string;
			extra_attrs: { os?: string };
		}[];
		withFields += items.filter((a) => a.extra_attrs.os).length;
		const h = await fetch(`${list}/${items[0].digest}/additions/build_history`);
		if (h.status !== 200) throw new Error(`build history: ${h.status}`);
		await h.arrayBuffer();
		requests += 2;
	}
	return { requests, withFields };
}

async function main() {
	const dir = await mkdtemp(path.join(os.tmpdir(), "wharf-config-bomb-"));
	let server: Server | undefined;
	try {
		server = await startWharfProcess(dir, repoRoot, { adminPassword });
		console.log(
			`pushing ${images} images with ${(craftedConfig(0).length / 1048576).toFixed(2)} MiB configs to ${repo}…`,
		);
		for (let i = 0; i < images; i++)
			await push(server.base, craftedConfig(i), `v${i}`);
		const idle = await memOf(server.pid);
		await resetPeak(server.pid);
		const sampler = rssSampler(server.pid, 20);
		const started = Date.now();
		let requests = 0;
		const firstPass: number[] = [];
		for (let round = 0; round < rounds; round++) {
			const done = await Promise.all(
				Array.from({ length: clients }, (_, c) => browse(server!.base, c)),
			);
			requests += done.reduce((n, d) => n + d.requests, 0);
			if (round === 0) firstPass.push(...done.map((d) => d.withFields));
		}
		const seconds = (Date.now() - started) / 1000;
		const { maxRssKiB, samples } = sampler.stop();
		const after = await memOf(server.pid);
		const peakKiB = Math.max(maxRssKiB, after?.hwmKiB ?? 0);
		console.log(
			`${clients} anonymous clients × ${rounds} rounds: ${requests} requests (list pages and build histories) in ${seconds.toFixed(1)} s`,
		);
		console.log(
			`artifacts answered with their fields in the first round, per client: ${firstPass.join(" ")} of ${images} ` +
				`(the ${Math.ceil(images / 2)} dense configs never are)`,
		);
		console.log(
			`RSS after pushes ${MB(idle?.rssKiB ?? 0)} MB; peak while browsing ${MB(peakKiB)} MB (${samples} samples, VmHWM ${MB(after?.hwmKiB ?? 0)} MB)`,
		);
		console.log(
			`peak RSS ${MB(peakKiB)} MB against the ${boundMB} MB bound: ${peakKiB / 1024 < boundMB ? "within" : "OVER"} ` +
				`(${((peakKiB / 1024 / boundMB) * 100).toFixed(0)}% of it)`,
		);
		console.log(
			"no ratio against docker-registry: it has no artifact list and parses no image configs.",
		);
		if (server.child.exitCode !== null || server.child.signalCode !== null)
			throw new Error(
				`wharf died: ${server.child.exitCode ?? server.child.signalCode}`,
			);
	} finally {
		await server?.stop();
		await rm(dir, { recursive: true, force: true });
	}
}

await main();
