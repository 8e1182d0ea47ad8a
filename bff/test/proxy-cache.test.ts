import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../jobs/job-test-fixtures.ts";
import { addUser, api } from "./api-fixtures.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { type CountingProxy, startCountingProxy } from "./counting-proxy.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminAuth,
	adminPassword,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const upstreamUser = { username: "upstream", password: "Upstream-S3cret" };
const upstreamCreds = `${upstreamUser.username}:${upstreamUser.password}`;
/** The tag-check window these tests run with (WHARF_PROXY_TAG_CHECK_SECONDS). */
const windowMs = 1500;
const accept = [
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

type Errors = { errors: { code: string; message: string }[] };
type Artifact = {
	digest: string;
	tags: { name: string }[] | null;
	pull_time: string;
};

/** Lets the tag-check window pass, so the next pull by tag asks the upstream again. */
const windowPasses = () => new Promise((r) => setTimeout(r, windowMs + 200));

/** The first layer's digest of the image an OCI layout holds. */
async function firstLayer(
	layout: string,
	manifestDigest: string,
): Promise<string> {
	const manifest = JSON.parse(
		await readFile(
			path.join(layout, "blobs", "sha256", manifestDigest.slice(7)),
			"utf8",
		),
	) as { layers: { digest: string }[] };
	return manifest.layers[0].digest;
}

describe.each(engines)("a proxy cache of docker-registry on %s", (engine) => {
	let s: TestServer;
	let dist: DistributionServer;
	let counting: CountingProxy;
	let c: ClientSandbox;
	let call: ReturnType<typeof api>;
	let registryId: number;
	let first: string;
	let moved: string;
	const project = `cache-${engine}`;
	const host = () => s.url.replace("http://", "");
	const distHost = () => dist.url.replace("http://", "");
	const artifactsPath = (p: string, repo: string) =>
		`/projects/${p}/repositories/${encodeURIComponent(encodeURIComponent(repo))}/artifacts`;
	const v2 = (p: string, init: { method?: string; auth?: string } = {}) =>
		fetch(`${s.url}/v2/${p}`, {
			method: init.method ?? "GET",
			headers: { Authorization: init.auth ?? adminAuth, Accept: accept },
		});

	/** Pushes an image made here to the upstream docker-registry; answers its digest and its layout's folder. */
	async function pushUpstream(
		repo: string,
		opts: { layers?: number; layerBytes?: number } = {},
	) {
		const layout = path.join(
			c.dir,
			`layout-${repo.replace(/\W/g, "-")}-${Date.now()}`,
		);
		const { digest } = await makeOciLayout(layout, {
			layers: opts.layers ?? 2,
			layerBytes: opts.layerBytes ?? 128 * 1024,
		});
		const r = await c.skopeo(
			"copy",
			`oci:${layout}`,
			`docker://${distHost()}/${repo}`,
			"--dest-tls-verify=false",
			"--dest-creds",
			upstreamCreds,
		);
		expect(r.ok, r.stderr).toBe(true);
		return { digest, layout };
	}

	/** Pulls through Wharf with skopeo into a fresh OCI layout; answers the digest pulled. */
	async function pull(ref: string) {
		const out = path.join(
			c.dir,
			`pulled-${Date.now()}-${Math.random().toString(36).slice(2)}`,
		);
		const r = await c.skopeo(
			"copy",
			`docker://${host()}/${ref}`,
			`oci:${out}`,
			"--src-tls-verify=false",
			"--src-creds",
			`admin:${adminPassword}`,
		);
		expect(r.ok, r.stderr).toBe(true);
		return c.layoutDigest(out);
	}

	const createProxyProject = (
		name: string,
		metadata: Record<string, string> = {},
		auth?: string,
	) =>
		call("/projects", {
			method: "POST",
			auth,
			json: {
				project_name: name,
				registry_id: registryId,
				metadata: { public: "false", ...metadata },
			},
		});

	const artifacts = async (p: string, repo: string) =>
		(await (
			await call(`${artifactsPath(p, repo)}?with_tag=true`)
		).json()) as Artifact[];

	beforeAll(async () => {
		[s, dist, c] = await Promise.all([
			startTestServer(engine, {
				WHARF_PROXY_TAG_CHECK_SECONDS: String(windowMs / 1000),
			}),
			startDistributionServer(upstreamUser),
			clientSandbox(),
		]);
		counting = await startCountingProxy(dist.url);
		call = api(s);
		first = (await pushUpstream("team/alpine:3.20")).digest;
		const r = await call("/registries", {
			method: "POST",
			json: {
				name: "upstream",
				type: "docker-registry",
				url: counting.url,
				credential: {
					type: "basic",
					access_key: upstreamUser.username,
					access_secret: upstreamUser.password,
				},
			},
		});
		expect(r.status, await r.clone().text()).toBe(201);
		registryId = Number(r.headers.get("location")!.split("/").pop());
	}, 120_000);
	afterAll(async () => {
		await Promise.all([
			stopTestServer(s),
			dist?.stop(),
			counting?.close(),
			c?.cleanup(),
		]);
	});

	it("creates a proxy cache project only for a system admin and an endpoint that exists", async () => {
		const { auth } = await addUser(s, `dev-${engine}`);
		expect((await createProxyProject("not-mine", {}, auth)).status).toBe(403);
		const missing = await call("/projects", {
			method: "POST",
			json: { project_name: "nowhere", registry_id: 999_999 },
		});
		expect(missing.status).toBe(400);
		expect(((await missing.json()) as Errors).errors[0].message).toContain(
			"registry 999999 not found",
		);
		expect(
			(await call("/projects?name=not-mine")).headers.get("x-total-count"),
		).toBe("0");

		expect((await createProxyProject(project)).status).toBe(201);
		const got = (await (await call(`/projects/${project}`)).json()) as {
			registry_id?: number;
		};
		expect(got.registry_id).toBe(registryId);
		const listed = (await (await call(`/projects?name=${project}`)).json()) as {
			registry_id?: number;
		}[];
		expect(listed[0].registry_id).toBe(registryId);
		expect(await (await call("/projects/library")).json()).not.toHaveProperty(
			"registry_id",
		);
		const summary = await (await call(`/projects/${project}/summary`)).text();
		expect(JSON.parse(summary)).toMatchObject({
			registry: {
				id: registryId,
				name: "upstream",
				type: "docker-registry",
				credential: { access_secret: "*****" },
			},
		});
		expect(summary).not.toContain(upstreamUser.password);
	});

	it("pulls through the cache the upstream's digest, keeps the tag, and serves a second pull without upstream blobs", async () => {
		counting.reset();
		expect(await pull(`${project}/team/alpine:3.20`)).toBe(first);
		expect(counting.count("GET", "blobs")).toBe(3); // config and two layers, once each
		// Nothing was cached: one GET of the manifest, no HEAD before it.
		expect([
			counting.count("HEAD", "manifests"),
			counting.count("GET", "manifests"),
		]).toEqual([0, 1]);
		await waitFor("the tag cached", async () =>
			(await artifacts(project, "team/alpine")).some(
				(a) => a.digest === first && a.tags?.some((t) => t.name === "3.20"),
			),
		);

		counting.reset();
		expect(await pull(`${project}/team/alpine:3.20`)).toBe(first);
		expect(counting.count("GET", "blobs")).toBe(0);
		expect(counting.count("GET", "manifests")).toBe(0);
		// The cached pull is a pull: its time is recorded (retention's days-since-pull) and audited.
		await waitFor(
			"the pull time",
			async () =>
				(await artifacts(project, "team/alpine"))[0].pull_time !==
				"0001-01-01T00:00:00.000Z",
		);
		const pulls = async () =>
			(
				(await (
					await call(
						`/audit-logs?q=operation%3Dpull,resource%3D~${project}/team/alpine`,
					)
				).json()) as unknown[]
			).length;
		await waitFor("two pulls audited", async () => (await pulls()) >= 2);
	});

	it("keeps the tag of an image a client resolved with HEAD and then pulled by digest (as docker and containerd do)", async () => {
		const { digest } = await pushUpstream("team/hinted:v1");
		const head = await v2(`${project}/team/hinted/manifests/v1`, {
			method: "HEAD",
		});
		expect(head.status).toBe(200);
		expect(head.headers.get("docker-content-digest")).toBe(digest);
		expect(await pull(`${project}/team/hinted@${digest}`)).toBe(digest);
		await waitFor("the resolved tag cached", async () =>
			(await artifacts(project, "team/hinted")).some(
				(a) => a.digest === digest && a.tags?.some((t) => t.name === "v1"),
			),
		);
	});

	it("asks the upstream once for a manifest nothing has cached yet, however many pulls come within the window", async () => {
		const { digest } = await pushUpstream("team/burst:1");
		counting.reset();
		const burst = await Promise.all(
			Array.from({ length: 5 }, () => v2(`${project}/team/burst/manifests/1`)),
		);
		const after = await v2(`${project}/team/burst/manifests/1`);
		for (const r of [...burst, after])
			expect(r.headers.get("docker-content-digest")).toBe(digest);
		expect([
			counting.count("HEAD", "manifests"),
			counting.count("GET", "manifests"),
		]).toEqual([0, 1]);
	});

	it("proxies only the repositories proxy_cache_filter_pattern matches", async () => {
		const filtered = `filtered-${engine}`;
		expect(
			(
				await createProxyProject(filtered, {
					proxy_cache_filter_pattern: "team/alp*",
				})
			).status,
		).toBe(201);
		expect((await v2(`${filtered}/team/alpine/manifests/3.20`)).status).toBe(
			200,
		);
		counting.reset();
		const outside = await v2(`${filtered}/team/hinted/manifests/v1`);
		expect(outside.status).toBe(404);
		expect(((await outside.json()) as Errors).errors[0].code).toBe(
			"MANIFEST_UNKNOWN",
		);
		expect(counting.seen).toEqual([]);
	});

	it("re-checks a moving tag with one upstream HEAD per window, however many pulls ask at once", async () => {
		moved = (await pushUpstream("team/alpine:3.20")).digest;
		expect(moved).not.toBe(first);
		counting.reset();
		// Within the window the tag is not asked about again.
		const within = await v2(`${project}/team/alpine/manifests/3.20`);
		expect(within.status).toBe(200);
		if (counting.count("HEAD", "manifests") === 0)
			expect(within.headers.get("docker-content-digest")).toBe(first);

		await windowPasses();
		const headsBefore = counting.count("HEAD", "manifests");
		const burst = await Promise.all(
			Array.from({ length: 6 }, () =>
				v2(`${project}/team/alpine/manifests/3.20`),
			),
		);
		for (const r of burst) {
			expect(r.status).toBe(200);
			expect(r.headers.get("docker-content-digest")).toBe(moved);
		}
		expect(counting.count("HEAD", "manifests") - headsBefore).toBe(1);
		// The moved manifest came from the upstream once (in the burst, or already above when the window had passed).
		expect(counting.count("GET", "manifests")).toBe(1);

		expect(await pull(`${project}/team/alpine:3.20`)).toBe(moved);
		// The tag moved in the cache too; the older artifact stays, untagged.
		await waitFor("the tag moved", async () =>
			(await artifacts(project, "team/alpine")).some(
				(a) => a.digest === moved && a.tags?.some((t) => t.name === "3.20"),
			),
		);
		const tagged = (await artifacts(project, "team/alpine")).filter(
			(a) => a.tags?.length,
		);
		expect(tagged.map((a) => a.digest)).toEqual([moved]);
	});

	it("refuses pushes into a proxy cache project, on /v2 and with skopeo", async () => {
		const start = await v2(`${project}/team/mine/blobs/uploads/`, {
			method: "POST",
		});
		expect(start.status).toBe(403);
		const body = (await start.json()) as Errors;
		expect(body.errors[0]).toMatchObject({ code: "DENIED" });
		expect(body.errors[0].message).toContain("proxy cache");
		const layout = path.join(c.dir, "refused");
		await makeOciLayout(layout);
		const push = await c.skopeo(
			"copy",
			`oci:${layout}`,
			`docker://${host()}/${project}/team/mine:1`,
			"--dest-tls-verify=false",
			"--dest-creds",
			`admin:${adminPassword}`,
		);
		expect(push.ok).toBe(false);
		expect(push.stderr).toContain("proxy cache");
		expect(
			(await call(`/projects/${project}/repositories/team%252Fmine`)).status,
		).toBe(404);
		// Nor may the API copy an artifact into it (Harbor refuses that too).
		const copy = await call(
			`${artifactsPath(project, "team/copied")}?from=${encodeURIComponent(`${project}/team/alpine@${first}`)}`,
			{ method: "POST" },
		);
		expect(copy.status).toBe(403);
		expect(((await copy.json()) as Errors).errors[0].message).toContain(
			"proxy cache",
		);
	});

	it("serves the cached copy while the upstream answers 429, and 429 TOOMANYREQUESTS for what it has not cached", async () => {
		counting.rateLimit(true);
		try {
			await windowPasses();
			const cached = await v2(`${project}/team/alpine/manifests/3.20`);
			expect(cached.status).toBe(200);
			expect(cached.headers.get("docker-content-digest")).toBe(moved);
			const uncached = await v2(`${project}/team/other/manifests/1`);
			expect(uncached.status).toBe(429);
			expect(((await uncached.json()) as Errors).errors[0].code).toBe(
				"TOOMANYREQUESTS",
			);
		} finally {
			counting.rateLimit(false);
		}
	});

	it('serves the cached copy of an image deleted upstream, unless proxy_cache_local_on_not_found is "false"', async () => {
		const strict = `strict-${engine}`;
		expect(
			(
				await createProxyProject(strict, {
					proxy_cache_local_on_not_found: "false",
				})
			).status,
		).toBe(201);
		expect(await pull(`${strict}/team/alpine:3.20`)).toBe(moved);
		await waitFor("the strict project caching the image", async () =>
			(await artifacts(strict, "team/alpine")).some((a) => a.tags?.length),
		);
		const del = await fetch(`${dist.url}/v2/team/alpine/manifests/${moved}`, {
			method: "DELETE",
			headers: {
				Authorization: basic(upstreamUser.username, upstreamUser.password),
			},
		});
		expect(del.status).toBe(202);
		await windowPasses();
		counting.reset();
		expect(await pull(`${project}/team/alpine:3.20`)).toBe(moved);
		expect(counting.count("HEAD", "manifests")).toBe(1);
		expect(counting.seen.find((x) => x.method === "HEAD")?.status).toBe(404);
		const gone = await v2(`${strict}/team/alpine/manifests/3.20`);
		expect(gone.status).toBe(404);
		expect(((await gone.json()) as Errors).errors[0].code).toBe(
			"MANIFEST_UNKNOWN",
		);
	});

	it("keeps to max_upstream_conn connections to the upstream, and fetches no blob Wharf holds already", async () => {
		const { digest } = await pushUpstream("team/wide:1", { layers: 4 });
		expect(
			(await createProxyProject(`narrow-${engine}`, { max_upstream_conn: "1" }))
				.status,
		).toBe(201);
		counting.reset();
		expect(await pull(`narrow-${engine}/team/wide:1`)).toBe(digest);
		expect(counting.count("GET", "blobs")).toBe(5);
		expect(counting.maxInFlight).toBe(1);

		// The same image through another proxy project: every blob is one Wharf holds already, confirmed by a HEAD each.
		counting.reset();
		expect(await pull(`${project}/team/wide:1`)).toBe(digest);
		expect([
			counting.count("GET", "blobs"),
			counting.count("HEAD", "blobs"),
		]).toEqual([0, 5]);
		await waitFor("the reused image cached", async () =>
			(await artifacts(project, "team/wide")).some(
				(a) => a.digest === digest && a.tags?.length,
			),
		);
	});

	it("leaves no half blob when the client goes away mid-blob, and stores the blob a whole pull brings", async () => {
		const slow = `slow-${engine}`;
		// 256 KiB/s from the upstream: the client is gone long before the layer has passed.
		expect(
			(await createProxyProject(slow, { proxy_speed_kb: "256" })).status,
		).toBe(201);
		const { digest, layout } = await pushUpstream("team/big:1", {
			layers: 1,
			layerBytes: 1024 * 1024,
		});
		const layer = await firstLayer(layout, digest);
		await new Promise<void>((resolve, reject) => {
			const req = http.get(
				`${s.url}/v2/${slow}/team/big/blobs/${layer}`,
				{ headers: { Authorization: adminAuth } },
				(res) => {
					expect(res.statusCode).toBe(200);
					res.once("data", () => {
						req.destroy();
						resolve();
					});
				},
			);
			req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
		});
		const uploads = () => s.db.selectFrom("uploads").select("id").execute();
		await waitFor(
			"the abandoned upload gone",
			async () => (await uploads()).length === 0,
		);
		expect(
			await s.db
				.selectFrom("blobs")
				.select("digest")
				.where("digest", "=", layer)
				.executeTakeFirst(),
		).toBeUndefined();
		const file = path.join(
			s.dataDir,
			"storage",
			"blobs",
			"sha256",
			layer.slice(7, 9),
			layer.slice(7),
		);
		expect(existsSync(file)).toBe(false);

		const whole = await fetch(`${s.url}/v2/${slow}/team/big/blobs/${layer}`, {
			headers: { Authorization: adminAuth },
		});
		const bytes = Buffer.from(await whole.arrayBuffer());
		expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(
			layer,
		);
		await waitFor(
			"the whole blob stored",
			async () =>
				existsSync(file) &&
				(await s.db
					.selectFrom("blobs")
					.select("digest")
					.where("digest", "=", layer)
					.executeTakeFirst()) !== undefined,
		);
	});

	it("refuses to delete an endpoint a proxy cache project uses (412 naming it), and lets cached artifacts be deleted", async () => {
		const r = await call(`/registries/${registryId}`, { method: "DELETE" });
		expect(r.status).toBe(412);
		expect(((await r.json()) as Errors).errors[0].message).toContain(project);
		expect((await call(`/registries/${registryId}`)).status).toBe(200);
		const old = await call(
			`${artifactsPath(project, "team/alpine")}/${first}`,
			{ method: "DELETE" },
		);
		expect(old.status).toBe(200);
		expect(
			(await artifacts(project, "team/alpine")).map((a) => a.digest),
		).toEqual([moved]);
	});

	it("still pulls what it cached once the upstream is stopped; what it has not answers 503 UNAVAILABLE", async () => {
		await dist.stop();
		await windowPasses();
		expect(await pull(`${project}/team/alpine:3.20`)).toBe(moved);
		const uncached = await v2(`${project}/team/never/manifests/1`);
		expect(uncached.status).toBe(503);
		const body = (await uncached.json()) as Errors;
		expect(body.errors[0].code).toBe("UNAVAILABLE");
		expect(body.errors[0].message).toContain("did not answer");
	});

	it("expires what was not pulled for 7 days: Harbor's default retention policy of a proxy cache project, run daily", async () => {
		const meta = (await (await call(`/projects/${project}`)).json()) as {
			project_id: number;
			metadata: Record<string, string>;
		};
		const policy = (await (
			await call(`/retentions/${meta.metadata.retention_id}`)
		).json()) as Record<string, unknown>;
		expect(policy).toMatchObject({
			algorithm: "or",
			scope: { level: "project", ref: meta.project_id },
			trigger: { kind: "Schedule", settings: { cron: "0 0 0 * * *" } },
			rules: [
				{
					template: "nDaysSinceLastPull",
					params: { nDaysSinceLastPull: 7 },
					disabled: false,
					tag_selectors: [
						{
							kind: "doublestar",
							decoration: "matches",
							pattern: "**",
							extras: '{"untagged":true}',
						},
					],
					scope_selectors: {
						repository: [
							{ kind: "doublestar", decoration: "repoMatches", pattern: "**" },
						],
					},
				},
			],
		});
		// Everything but team/alpine (pulled just before) was last pulled, or pushed, 8 days ago.
		const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600_000).toISOString();
		const alpine = await s.db
			.selectFrom("repositories")
			.select("id")
			.where("name", "=", `${project}/team/alpine`)
			.executeTakeFirstOrThrow();
		const stale = await s.db
			.updateTable("artifacts")
			.set({ push_time: eightDaysAgo, pull_time: eightDaysAgo })
			.where("project_id", "=", meta.project_id)
			.where("repository_id", "!=", alpine.id)
			.executeTakeFirst();
		expect(Number(stale.numUpdatedRows)).toBeGreaterThan(0);

		const run = await call(
			`/retentions/${meta.metadata.retention_id}/executions`,
			{ method: "POST", json: { dry_run: false } },
		);
		expect(run.status, await run.clone().text()).toBe(201);
		await waitFor("the execution ended", async () => {
			const [e] = (await (
				await call(`/retentions/${meta.metadata.retention_id}/executions`)
			).json()) as { status: string }[];
			return e.status === "Succeed";
		});
		const left = await s.db
			.selectFrom("artifacts")
			.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
			.select("repositories.name")
			.where("artifacts.project_id", "=", meta.project_id)
			.where("artifacts.top_level", "=", 1)
			.execute();
		expect([...new Set(left.map((r) => r.name))]).toEqual([
			`${project}/team/alpine`,
		]);
	});
});
