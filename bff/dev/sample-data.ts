import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { mediaTypes } from "../core/media-types.ts";

/**
 * What `npm run seed` puts into a Wharf, through its own HTTP API and /v2 as any client would: projects, users with
 * roles, and a few artifacts of each kind the console shows (a single image under two tags, a multi-arch index, a
 * signed image with an SBOM, a Helm chart). Every byte is made here and is the same on each run, so seeding again
 * pushes nothing new and moves no tag.
 */
export const samplePassword = "Sample1234";

const projects = [
	{ name: "demo", public: true },
	{ name: "team-a", public: false },
];
/** Users and their roles (1 project admin, 2 developer, 3 guest, 4 maintainer), by project. */
const users: {
	username: string;
	realname: string;
	roles: Record<string, number>;
}[] = [
	{
		username: "alice",
		realname: "Alice Developer",
		roles: { "team-a": 2, demo: 4 },
	},
	{ username: "bob", realname: "Bob Guest", roles: { "team-a": 3 } },
	{ username: "carol", realname: "Carol Admin", roles: { "team-a": 1 } },
];

/** Repository descriptions (Markdown), shown on each repository's page. */
const descriptions: Record<string, string> = {
	"library/hello":
		"# hello\n\nPrints a greeting. Pull it with `docker pull <this host>/library/hello:1.0`.",
	"demo/web": "A static site, **v2** signed and with an SBOM.",
};

const digestOf = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;
type Blob = { mediaType: string; digest: string; size: number; bytes: Buffer };
const blob = (mediaType: string, bytes: Buffer): Blob => ({
	mediaType,
	digest: digestOf(bytes),
	size: bytes.length,
	bytes,
});
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const created = "2026-01-01T00:00:00Z";

/** A tar of text files, fixed times and modes: the same files give the same bytes. */
async function tarOf(files: Record<string, string>): Promise<Buffer> {
	const tar = pack();
	for (const [name, text] of Object.entries(files))
		tar.entry({ name, mode: 0o644, mtime: new Date(created) }, text);
	tar.finalize();
	const chunks: Buffer[] = [];
	for await (const c of tar as unknown as Readable) chunks.push(c as Buffer);
	return Buffer.concat(chunks);
}

type Image = { manifest: Blob; blobs: Blob[] };

/** An OCI image whose layers each add the given files, with a config that has history and diff ids. */
async function image(
	platform: { os: string; architecture: string },
	layers: { files: Record<string, string>; step: string }[],
	cmd: string[],
): Promise<Image> {
	const tars = await Promise.all(layers.map((l) => tarOf(l.files)));
	const layerBlobs = tars.map((t) =>
		blob(
			"application/vnd.oci.image.layer.v1.tar+gzip",
			gzipSync(t, { level: 9 }),
		),
	);
	const config = blob(
		"application/vnd.oci.image.config.v1+json",
		json({
			...platform,
			created,
			author: "wharf sample data",
			config: { Env: ["PATH=/usr/local/bin:/usr/bin:/bin"], Cmd: cmd },
			rootfs: { type: "layers", diff_ids: tars.map(digestOf) },
			history: layers.map((l) => ({ created, created_by: l.step })),
		}),
	);
	const manifest = blob(
		mediaTypes.ociManifest,
		json({
			schemaVersion: 2,
			mediaType: mediaTypes.ociManifest,
			config: {
				mediaType: config.mediaType,
				digest: config.digest,
				size: config.size,
			},
			layers: layerBlobs.map(({ mediaType, digest, size }) => ({
				mediaType,
				digest,
				size,
			})),
		}),
	);
	return { manifest, blobs: [config, ...layerBlobs] };
}

/** An artifact that refers to `subject` (a signature, an SBOM): one layer of `content`, an empty config. */
function referrer(
	subject: Blob,
	artifactType: string,
	layerType: string,
	content: Buffer,
): Image {
	const empty = blob(mediaTypes.ociEmpty, Buffer.from("{}"));
	const layer = blob(layerType, content);
	const manifest = blob(
		mediaTypes.ociManifest,
		json({
			schemaVersion: 2,
			mediaType: mediaTypes.ociManifest,
			artifactType,
			config: {
				mediaType: empty.mediaType,
				digest: empty.digest,
				size: empty.size,
			},
			layers: [
				{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size },
			],
			subject: {
				mediaType: subject.mediaType,
				digest: subject.digest,
				size: subject.size,
			},
		}),
	);
	return { manifest, blobs: [empty, layer] };
}

const base = {
	files: { "etc/os-release": 'NAME="Wharf sample"\nID=wharf\n' },
	step: "ADD rootfs /",
};

/** The artifacts, by repository: what each push is and under which tags (none: by digest only). */
async function artifacts() {
	const hello = await image(
		{ os: "linux", architecture: "amd64" },
		[
			base,
			{
				files: { "usr/share/hello.txt": "Hello from Wharf!\n" },
				step: "COPY hello.txt /usr/share/",
			},
		],
		["cat", "/usr/share/hello.txt"],
	);
	const platforms = await Promise.all(
		["amd64", "arm64"].map((architecture) =>
			image(
				{ os: "linux", architecture },
				[
					{
						files: {
							"etc/os-release": `NAME="Wharf sample base"\nID=wharf\nARCH=${architecture}\n`,
						},
						step: "ADD rootfs /",
					},
				],
				["/bin/sh"],
			),
		),
	);
	const index = blob(
		mediaTypes.ociIndex,
		json({
			schemaVersion: 2,
			mediaType: mediaTypes.ociIndex,
			manifests: platforms.map((p, i) => ({
				mediaType: p.manifest.mediaType,
				digest: p.manifest.digest,
				size: p.manifest.size,
				platform: { os: "linux", architecture: i ? "arm64" : "amd64" },
			})),
		}),
	);
	const webV1 = await image(
		{ os: "linux", architecture: "amd64" },
		[
			base,
			{ files: { "srv/index.html": "<h1>v1</h1>\n" }, step: "COPY site /srv" },
		],
		["httpd", "-f", "/srv"],
	);
	const webV2 = await image(
		{ os: "linux", architecture: "amd64" },
		[
			base,
			{
				files: {
					"srv/index.html": "<h1>v2</h1>\n",
					"srv/app.js": 'console.log("v2");\n',
				},
				step: "COPY site /srv",
			},
		],
		["httpd", "-f", "/srv"],
	);
	const signature = referrer(
		webV2.manifest,
		"application/vnd.dev.cosign.artifact.sig.v1+json",
		mediaTypes.cosignSignature,
		json({
			critical: {
				identity: { "docker-reference": "demo/web" },
				image: { "docker-manifest-digest": webV2.manifest.digest },
				type: "cosign container image signature",
			},
			optional: null,
		}),
	);
	const sbom = referrer(
		webV2.manifest,
		mediaTypes.harborSbom,
		"application/spdx+json",
		json({
			spdxVersion: "SPDX-2.3",
			name: "demo/web",
			packages: [{ name: "web", versionInfo: "2.0.0" }],
		}),
	);
	const chartConfig = blob(
		mediaTypes.helmConfig,
		json({
			apiVersion: "v2",
			name: "hello",
			version: "0.1.0",
			description: "A sample chart",
		}),
	);
	const chartArchive = blob(
		"application/vnd.cncf.helm.chart.content.v1.tar+gzip",
		gzipSync(
			await tarOf({
				"hello/Chart.yaml":
					"apiVersion: v2\nname: hello\nversion: 0.1.0\ndescription: A sample chart\n",
				"hello/values.yaml": "replicaCount: 1\nimage: demo/web:v2\n",
				"hello/README.md":
					"# hello\n\nA sample chart that `npm run seed` pushed.\n",
			}),
			{ level: 9 },
		),
	);
	const chart: Image = {
		blobs: [chartConfig, chartArchive],
		manifest: blob(
			mediaTypes.ociManifest,
			json({
				schemaVersion: 2,
				mediaType: mediaTypes.ociManifest,
				config: {
					mediaType: chartConfig.mediaType,
					digest: chartConfig.digest,
					size: chartConfig.size,
				},
				layers: [
					{
						mediaType: chartArchive.mediaType,
						digest: chartArchive.digest,
						size: chartArchive.size,
					},
				],
			}),
		),
	};
	const api = await image(
		{ os: "linux", architecture: "amd64" },
		[
			base,
			{
				files: {
					"app/server.js": 'require("http").createServer().listen(80);\n',
				},
				step: "COPY server.js /app/",
			},
		],
		["node", "/app/server.js"],
	);
	return [
		{ repo: "library/hello", image: hello, tags: ["1.0", "latest"] },
		...platforms.map((p) => ({ repo: "library/base", image: p, tags: [] })),
		{
			repo: "library/base",
			image: { manifest: index, blobs: [] },
			tags: ["3.20"],
		},
		{ repo: "demo/web", image: webV1, tags: ["v1"] },
		{ repo: "demo/web", image: webV2, tags: ["v2", "latest"] },
		{ repo: "demo/web", image: signature, tags: [] },
		{ repo: "demo/web", image: sbom, tags: [] },
		{ repo: "demo/charts/hello", image: chart, tags: ["0.1.0"] },
		{ repo: "team-a/api", image: api, tags: ["1.2.0", "main"] },
	];
}

/** Seeds the Wharf at `url` as `admin` (a Basic Authorization value). Returns what it pushed, repository by repository. */
export async function seedSampleData(
	url: string,
	admin: string,
	log: (line: string) => void = () => {},
) {
	const call = async (
		path: string,
		init: { method?: string; body?: Buffer | string; type?: string } = {},
		ok: number[] = [200, 201],
	) => {
		const r = await fetch(`${url}${path}`, {
			method: init.method ?? "GET",
			body: init.body as BodyInit | undefined,
			headers: {
				Authorization: admin,
				...(init.type ? { "Content-Type": init.type } : {}),
			},
		});
		if (!ok.includes(r.status))
			throw new Error(
				`${init.method ?? "GET"} ${path}: ${r.status} ${await r.text()}`,
			);
		return r;
	};
	const apiJson = (path: string, body: unknown, ok: number[]) =>
		call(
			`/api/v2.0${path}`,
			{ method: "POST", body: JSON.stringify(body), type: "application/json" },
			ok,
		);

	for (const p of projects) {
		const r = await apiJson(
			"/projects",
			{ project_name: p.name, metadata: { public: String(p.public) } },
			[201, 409],
		);
		log(`project ${p.name}${r.status === 409 ? " (already there)" : ""}`);
	}
	for (const u of users) {
		const r = await apiJson(
			"/users",
			{
				username: u.username,
				realname: u.realname,
				email: `${u.username}@example.com`,
				password: samplePassword,
			},
			[201, 409],
		);
		log(`user ${u.username}${r.status === 409 ? " (already there)" : ""}`);
		for (const [project, role] of Object.entries(u.roles))
			await apiJson(
				`/projects/${project}/members`,
				{ role_id: role, member_user: { username: u.username } },
				[201, 409],
			);
	}
	const pushed: { repo: string; digest: string; tags: string[] }[] = [];
	for (const {
		repo,
		image: { manifest, blobs },
		tags,
	} of await artifacts()) {
		for (const b of blobs) {
			if (
				(
					await call(
						`/v2/${repo}/blobs/${b.digest}`,
						{ method: "HEAD" },
						[200, 404],
					)
				).status === 200
			)
				continue;
			await call(
				`/v2/${repo}/blobs/uploads/?digest=${b.digest}`,
				{ method: "POST", body: b.bytes, type: "application/octet-stream" },
				[201],
			);
		}
		for (const reference of tags.length ? tags : [manifest.digest]) {
			await call(
				`/v2/${repo}/manifests/${reference}`,
				{ method: "PUT", body: manifest.bytes, type: manifest.mediaType },
				[201],
			);
		}
		pushed.push({ repo, digest: manifest.digest, tags });
		log(
			`pushed ${repo}${tags.length ? `:${tags.join(",")}` : `@${manifest.digest.slice(0, 19)}…`}`,
		);
	}
	for (const [repo, description] of Object.entries(descriptions)) {
		const [project, ...name] = repo.split("/");
		await call(
			`/api/v2.0/projects/${project}/repositories/${encodeURIComponent(encodeURIComponent(name.join("/")))}`,
			{
				method: "PUT",
				body: JSON.stringify({ description }),
				type: "application/json",
			},
		);
	}
	return pushed;
}
