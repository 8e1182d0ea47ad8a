import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics, registryHandler } from "../ops/metrics.ts";
import { createV2Client } from "../replication/v2-client.ts";
import { addProject, addUser } from "./api-fixtures.ts";
import {
	adminAuth,
	adminPassword,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { pushImage } from "./oci-fixtures.ts";

/** One sample's value from Prometheus' text format: `name{a="x",b="y"} 3` (labels in any order); undefined when absent. */
function sample(
	text: string,
	name: string,
	labels: Record<string, string> = {},
): number | undefined {
	for (const line of text.split("\n")) {
		const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
		if (!m || m[1] !== name) continue;
		const got = Object.fromEntries(
			[...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [
				l[1],
				l[2],
			]),
		);
		if (
			Object.entries(labels).every(([k, v]) => got[k] === v) &&
			Object.keys(got).length === Object.keys(labels).length
		)
			return Number(m[3]);
	}
	return undefined;
}

describe("registry handler names", () => {
	it("follow distribution's routes", () => {
		expect(registryHandler("/v2/")).toBe("base");
		expect(registryHandler("/v2/_catalog")).toBe("catalog");
		expect(registryHandler("/v2/a/b/tags/list")).toBe("tags");
		expect(registryHandler("/v2/a/b/manifests/latest")).toBe("manifest");
		expect(registryHandler("/v2/a/blobs/uploads/")).toBe("blob_upload");
		expect(registryHandler("/v2/a/blobs/uploads/0f1e")).toBe(
			"blob_upload_chunk",
		);
		expect(registryHandler("/v2/a/blobs/sha256:00")).toBe("blob");
		expect(registryHandler("/v2/a/referrers/sha256:00")).toBe("referrers");
	});
});

describe.each(engines)("Prometheus metrics on %s", (engine) => {
	let s: TestServer;
	let text: string;
	let pushedManifests = 0;
	let manifestBytes = 0;

	beforeAll(async () => {
		s = await startTestServer(engine, { WHARF_METRICS_PORT: "0" });
		const dev = await addUser(s, "dev");
		await addProject(s, "pub", { public: true, members: [[dev.id, 2]] });
		await addProject(s, "priv");
		const v2 = createV2Client({
			url: s.url,
			credential: { username: "admin", password: adminPassword },
		});
		for (const [repo, tag] of [
			["pub/app", "v1"],
			["priv/a", "v1"],
			["priv/b", "v1"],
		])
			manifestBytes += (await pushImage(v2, repo, tag)).size;
		pushedManifests = 3;
		const r = await fetch(s.metricsUrl!);
		expect(r.status).toBe(200);
		expect(r.headers.get("content-type")).toMatch(
			/^text\/plain; version=0\.0\.4/,
		);
		text = await r.text();
	});
	afterAll(() => stopTestServer(s));

	it("listen on their own port, on 127.0.0.1 by default, at /metrics only", async () => {
		const url = new URL(s.metricsUrl!);
		expect(url.hostname).toBe("127.0.0.1");
		expect(url.port).not.toBe(String(s.port));
		expect((await fetch(new URL("/other", url))).status).toBe(404);
		// Not on the main port: the metrics name private projects and carry no credentials.
		expect(await (await fetch(`${s.url}/metrics`)).text()).not.toMatch(
			/harbor_/,
		);
	});

	it("count projects, repositories, members and artifacts per project from the database", () => {
		expect(sample(text, "harbor_project_total", { public: "true" })).toBe(2); // library and pub
		expect(sample(text, "harbor_project_total", { public: "false" })).toBe(1);
		expect(
			sample(text, "harbor_project_repo_total", {
				public: "false",
				project_name: "priv",
			}),
		).toBe(2);
		expect(
			sample(text, "harbor_project_repo_total", {
				public: "true",
				project_name: "pub",
			}),
		).toBe(1);
		expect(
			sample(text, "harbor_project_repo_total", {
				public: "true",
				project_name: "library",
			}),
		).toBe(0);
		expect(
			sample(text, "harbor_project_member_total", { project_name: "pub" }),
		).toBe(1);
		expect(
			sample(text, "harbor_project_member_total", { project_name: "library" }),
		).toBe(1); // admin
		expect(
			sample(text, "harbor_project_artifact_total", {
				artifact_type: "IMAGE",
				project_name: "priv",
				public: "false",
			}),
		).toBe(2);
		expect(
			sample(text, "harbor_project_artifact_total", {
				artifact_type: "IMAGE",
				project_name: "pub",
				public: "true",
			}),
		).toBe(1);
		expect(
			sample(text, "harbor_artifact_pulled", { project_name: "pub" }),
		).toBe(0);
	});

	it("report each project's quota and usage as the quota API does", async () => {
		const quotas = (await (
			await fetch(`${s.url}/api/v2.0/quotas?page_size=100`, {
				headers: { Authorization: adminAuth },
			})
		).json()) as {
			ref: { name: string };
			used: { storage: number };
			hard: { storage: number };
		}[];
		const priv = quotas.find((q) => q.ref.name === "priv")!;
		expect(priv.used.storage).toBeGreaterThan(8192);
		expect(
			sample(text, "harbor_project_quota_usage_byte", { project_name: "priv" }),
		).toBe(priv.used.storage);
		expect(
			sample(text, "harbor_project_quota_byte", { project_name: "priv" }),
		).toBe(priv.hard.storage);
		expect(
			sample(text, "harbor_project_quota_usage_byte", {
				project_name: "library",
			}),
		).toBe(0);
	});

	it("report health, system info and the job service", () => {
		expect(sample(text, "harbor_health")).toBe(1);
		for (const component of ["core", "database", "storage"])
			expect(sample(text, "harbor_up", { component }), component).toBe(1);
		expect(text).toMatch(
			/^harbor_system_info\{auth_mode="db_auth",harbor_version="v2\.13\.0-wharf-[^"]+",self_registration="false"\} 1$/m,
		);
		expect(
			sample(text, "harbor_task_queue_size", { type: "GARBAGE_COLLECTION" }),
		).toBe(0);
		expect(sample(text, "harbor_task_scheduled_total")).toBeGreaterThanOrEqual(
			0,
		);
		expect(text).toMatch(
			/^harbor_jobservice_info\{node="[^"]+",pool="[^"]+",workers="\d+"\} 1$/m,
		);
	});

	it("count requests: the API by route, /v2 by distribution's handler, and the process", async () => {
		const h = { Authorization: adminAuth };
		for (let i = 0; i < 3; i++)
			expect(
				(
					await fetch(`${s.url}/api/v2.0/projects/pub/repositories`, {
						headers: h,
					})
				).status,
			).toBe(200);
		expect(
			(
				await fetch(`${s.url}/api/v2.0/projects/nope/repositories`, {
					headers: h,
				})
			).status,
		).toBe(404);
		expect((await fetch(`${s.url}/v2/`)).status).toBe(401);
		const manifest = await fetch(`${s.url}/v2/pub/app/manifests/v1`, {
			headers: { ...h, Accept: "application/vnd.oci.image.manifest.v1+json" },
		});
		expect(manifest.status).toBe(200);
		const manifestSize = (await manifest.arrayBuffer()).byteLength;
		const after = await (await fetch(s.metricsUrl!)).text();
		const op = "/api/v2.0/projects/:project_name/repositories";
		expect(
			sample(after, "harbor_core_http_request_total", {
				method: "GET",
				operation: op,
				code: "200",
			}),
		).toBe(3);
		expect(
			sample(after, "harbor_core_http_request_total", {
				method: "GET",
				operation: op,
				code: "404",
			}),
		).toBe(1);
		expect(
			sample(after, "harbor_core_http_request_duration_seconds_count", {
				method: "GET",
				operation: op,
			}),
		).toBe(4);
		// Project names never become labels of the HTTP metrics.
		expect(after).not.toMatch(/harbor_core_http_request_total\{[^}]*nope/);
		expect(
			sample(after, "registry_http_requests_total", {
				code: "201",
				handler: "manifest",
				method: "PUT",
			}),
		).toBe(pushedManifests);
		expect(
			sample(after, "registry_http_requests_total", {
				code: "401",
				handler: "base",
				method: "GET",
			}),
		).toBeGreaterThanOrEqual(1);
		expect(
			sample(after, "registry_http_request_duration_seconds_count", {
				code: "201",
				handler: "manifest",
				method: "PUT",
			}),
		).toBe(pushedManifests);
		expect(
			sample(after, "registry_http_in_flight_requests", {
				handler: "manifest",
			}),
		).toBe(0);
		// Sizes from Content-Length: the three manifests pushed, and the one read back below.
		expect(
			sample(after, "registry_http_request_size_bytes_count", {
				handler: "manifest",
			}),
		).toBeGreaterThanOrEqual(pushedManifests);
		expect(
			sample(after, "registry_http_request_size_bytes_sum", {
				handler: "manifest",
			}),
		).toBe(manifestBytes);
		expect(
			sample(after, "registry_http_response_size_bytes_sum", {
				handler: "manifest",
			}),
		).toBeGreaterThanOrEqual(manifestSize);
		expect(sample(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
		expect(after).toMatch(/^nodejs_heap_size_used_bytes \d/m);
	});

	it("serve one component at a time with Harbor's comp parameter", async () => {
		const core = await (await fetch(`${s.metricsUrl}?comp=core`)).text();
		expect(core).toMatch(/^harbor_core_http_request_total\{/m);
		expect(core).not.toMatch(/^harbor_project_total/m);
		expect(core).not.toMatch(/^registry_http_requests_total/m);
		const registry = await (
			await fetch(`${s.metricsUrl}?comp=registry`)
		).text();
		expect(registry).toMatch(/^registry_http_requests_total\{/m);
		expect(registry).not.toMatch(/^harbor_/m);
		const exporter = await (
			await fetch(`${s.metricsUrl}?comp=exporter`)
		).text();
		expect(exporter).toMatch(/^harbor_project_total\{/m);
		expect(exporter).not.toMatch(/^harbor_core_/m);
		expect((await fetch(`${s.metricsUrl}?comp=nope`)).status).toBe(400);
	});

	it("read the database with as many queries for 30 projects as for 3", async () => {
		let queries = 0;
		const counter: KyselyPlugin = {
			transformQuery: (a) => {
				queries++;
				return a.node;
			},
			transformResult: async (a) => a.result,
		};
		const metrics = createMetrics({
			db: s.db.withPlugin(counter),
			jobs: s.jobs,
			health: async () => ({ status: "healthy", components: [] }),
			info: async () => ({
				auth_mode: "db_auth",
				self_registration: false,
				harbor_version: "v",
			}),
		});
		const before = await metrics.scrape("exporter");
		const few = queries;
		for (let i = 0; i < 27; i++) await addProject(s, `many-${i}`);
		queries = 0;
		const after = await metrics.scrape("exporter");
		expect(queries).toBe(few);
		expect(few).toBeLessThanOrEqual(8);
		expect(
			sample(after.body, "harbor_project_total", { public: "false" }),
		).toBe(
			(sample(before.body, "harbor_project_total", { public: "false" }) ?? 0) +
				27,
		);
		expect(
			sample(after.body, "harbor_project_member_total", {
				project_name: "many-26",
			}),
		).toBe(0);
	});
});
