import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import {
	Counter,
	collectDefaultMetrics,
	Gauge,
	Histogram,
	Registry,
	Summary,
} from "prom-client";
import { createQuotaStore } from "../api/quotas/store.ts";
import type { Db } from "../db/database.ts";
import type { Jobs } from "../jobs/jobs.ts";

/**
 * Prometheus metrics under Harbor's names (goharbor.io "Harbor Metrics"): the exporter's gauges, read from the
 * database when scraped (one query per family, never one per project), core's and the registry's HTTP metrics, the
 * job service's, and Node's process metrics. Served on a port of their own (WHARF_METRICS_PORT), as Harbor does.
 */

type Health = {
	status: string;
	components: { name: string; status: string }[];
};
type Info = {
	auth_mode: string;
	self_registration: boolean;
	harbor_version: string;
};

export type MetricsDeps = {
	db: Db;
	jobs: Jobs;
	/** The health the API reports (GET /health): harbor_health and harbor_up. */
	health(): Promise<Health>;
	info(): Promise<Info>;
};

/** Harbor's `?comp=` parts: each family belongs to one. */
const components = ["exporter", "core", "registry", "jobservice"] as const;
type Component = (typeof components)[number];

/** Distribution's route names for a /v2 path (its `handler` label). */
export function registryHandler(path: string): string {
	if (path === "/v2" || path === "/v2/") return "base";
	if (path === "/v2/_catalog") return "catalog";
	if (/\/tags\/list$/.test(path)) return "tags";
	if (/\/manifests\/[^/]+$/.test(path)) return "manifest";
	if (/\/blobs\/uploads\/?$/.test(path)) return "blob_upload";
	if (/\/blobs\/uploads\/[^/]+$/.test(path)) return "blob_upload_chunk";
	if (/\/blobs\/[^/]+$/.test(path)) return "blob";
	if (/\/referrers\/[^/]+$/.test(path)) return "referrers";
	return "unknown";
}

const isRegistryPath = (path: string) =>
	path === "/v2" || path.startsWith("/v2/");
const methods = new Set([
	"GET",
	"HEAD",
	"POST",
	"PUT",
	"PATCH",
	"DELETE",
	"OPTIONS",
]);

/**
 * Remembers the route a request matches, as a template (`/api/v2.0/projects/:project_name/repositories`), so a label
 * never names a project. Express sets `req.route` as it dispatches to a route, and `req.baseUrl` is right only then
 * (an error passed on unwinds it): the full template is taken at that moment.
 */
function captureRoute(req: http.IncomingMessage): () => string {
	let template: string | undefined;
	let route: unknown;
	Object.defineProperty(req, "route", {
		configurable: true,
		enumerable: true,
		get: () => route,
		set(value: { path?: unknown } | undefined) {
			route = value;
			if (value && typeof value.path === "string")
				template =
					`${(req as { baseUrl?: string }).baseUrl ?? ""}${value.path}` || "/";
			else if (value) template = "console";
		},
	});
	return () => {
		if (template) return template;
		const path = (req.url ?? "").split("?")[0];
		return path === "/service/token" ? path : "unmatched";
	};
}

export function createMetrics(deps: MetricsDeps) {
	const registries = Object.fromEntries(
		components.map((c) => [c, new Registry()]),
	) as Record<Component, Registry>;
	collectDefaultMetrics({ register: registries.core });
	const on = (c: Component) => ({ registers: [registries[c]] });

	// Core: every request that is not the registry's (API, console sign-in, token service, the console's files).
	const coreTotal = new Counter({
		name: "harbor_core_http_request_total",
		help: "The total number of requests",
		labelNames: ["method", "operation", "code"],
		...on("core"),
	});
	const coreDuration = new Summary({
		name: "harbor_core_http_request_duration_seconds",
		help: "The time duration of the requests",
		labelNames: ["method", "operation"],
		percentiles: [0.5, 0.9, 0.99],
		maxAgeSeconds: 600,
		ageBuckets: 5,
		...on("core"),
	});
	const coreInflight = new Gauge({
		name: "harbor_core_http_inflight_requests",
		help: "The total number of requests in flight",
		...on("core"),
	});
	// Registry: /v2, labelled by distribution's handler names.
	const registryTotal = new Counter({
		name: "registry_http_requests_total",
		help: "Total number of HTTP requests made",
		labelNames: ["code", "handler", "method"],
		...on("registry"),
	});
	const registryDuration = new Histogram({
		name: "registry_http_request_duration_seconds",
		help: "The HTTP request latencies in seconds",
		labelNames: ["handler", "method", "code"],
		buckets: [
			0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
		],
		...on("registry"),
	});
	// Sizes as distribution's middleware approximates them: from Content-Length (a chunked body counts 0).
	const sizeBuckets = [
		256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
	];
	const registryRequestSize = new Histogram({
		name: "registry_http_request_size_bytes",
		help: "The HTTP request sizes in bytes.",
		labelNames: ["handler"],
		buckets: sizeBuckets,
		...on("registry"),
	});
	const registryResponseSize = new Histogram({
		name: "registry_http_response_size_bytes",
		help: "The HTTP response sizes in bytes.",
		labelNames: ["handler"],
		buckets: sizeBuckets,
		...on("registry"),
	});
	const registryInflight = new Gauge({
		name: "registry_http_in_flight_requests",
		help: "The in-flight HTTP requests",
		labelNames: ["handler"],
		...on("registry"),
	});

	// Exporter: from the database, set afresh on every scrape.
	const g = (
		name: string,
		help: string,
		labelNames: string[] = [],
		c: Component = "exporter",
	) => new Gauge({ name, help, labelNames, ...on(c) });
	const projectTotal = g(
		"harbor_project_total",
		"Total number of public and private projects",
		["public"],
	);
	const repoTotal = g(
		"harbor_project_repo_total",
		"Total number of repositories in a project",
		["public", "project_name"],
	);
	const memberTotal = g(
		"harbor_project_member_total",
		"Total number of members in a project",
		["project_name"],
	);
	const quotaUsage = g(
		"harbor_project_quota_usage_byte",
		"Total used resources of a project",
		["project_name"],
	);
	const quotaByte = g(
		"harbor_project_quota_byte",
		"Quota set in a project (-1: unlimited)",
		["project_name"],
	);
	const pulled = g(
		"harbor_artifact_pulled",
		"Number of images pulled in a project",
		["project_name"],
	);
	const artifactTotal = g(
		"harbor_project_artifact_total",
		"Total number of artifacts type in a project",
		["artifact_type", "project_name", "public"],
	);
	const health = g("harbor_health", "Current status of Harbor (1: healthy)");
	const systemInfo = g(
		"harbor_system_info",
		"Information about your Harbor instance",
		["auth_mode", "harbor_version", "self_registration"],
	);
	const up = g("harbor_up", "Running status of Harbor components", [
		"component",
	]);
	const queueSize = g("harbor_task_queue_size", "Total number of tasks", [
		"type",
	]);
	const queueLatency = g(
		"harbor_task_queue_latency",
		"how long ago the next job to be processed was enqueued",
		["type"],
	);
	const concurrency = g(
		"harbor_task_concurrency",
		"Total number of concurrency on a pool",
		["type", "pool"],
	);
	const scheduled = g(
		"harbor_task_scheduled_total",
		"total number of scheduled job",
	);
	const jobserviceInfo = g(
		"harbor_jobservice_info",
		"the information of jobservice",
		["node", "pool", "workers"],
		"jobservice",
	);

	const quotas = createQuotaStore(deps.db);
	const flag = (v: unknown) =>
		Number(v) === 1 || v === true ? "true" : "false";

	/** Each family from one query (or one call), all at once; every gauge is replaced whole. */
	async function refresh() {
		const db = deps.db;
		const [
			projects,
			repos,
			members,
			usage,
			artifacts,
			h,
			info,
			queues,
			running,
			schedules,
			pools,
		] = await Promise.all([
			db
				.selectFrom("projects")
				.select(["public", sql<number>`count(*)`.as("n")])
				.groupBy("public")
				.execute(),
			db
				.selectFrom("projects")
				.leftJoin("repositories", "repositories.project_id", "projects.id")
				.select([
					"projects.name",
					"projects.public",
					sql<number>`count(repositories.id)`.as("n"),
					sql<number>`coalesce(sum(repositories.pull_count), 0)`.as("pulls"),
				])
				.groupBy(["projects.id", "projects.name", "projects.public"])
				.execute(),
			db
				.selectFrom("projects")
				.leftJoin("members", "members.project_id", "projects.id")
				.select(["projects.name", sql<number>`count(members.id)`.as("n")])
				.groupBy(["projects.id", "projects.name"])
				.execute(),
			quotas.everyProject(),
			db
				.selectFrom("artifacts")
				.innerJoin("projects", "projects.id", "artifacts.project_id")
				.select([
					"projects.name",
					"projects.public",
					"artifacts.type",
					sql<number>`count(*)`.as("n"),
				])
				.groupBy([
					"projects.id",
					"projects.name",
					"projects.public",
					"artifacts.type",
				])
				.execute(),
			deps.health(),
			deps.info(),
			deps.jobs.queues(),
			deps.jobs.running(),
			db
				.selectFrom("schedules")
				.select(sql<number>`count(*)`.as("n"))
				.executeTakeFirstOrThrow(),
			deps.jobs.pools(),
		]);
		for (const gauge of [
			projectTotal,
			repoTotal,
			memberTotal,
			quotaUsage,
			quotaByte,
			pulled,
			artifactTotal,
			up,
			systemInfo,
			queueSize,
			queueLatency,
			concurrency,
			jobserviceInfo,
		])
			gauge.reset();
		projectTotal.set({ public: "true" }, 0);
		projectTotal.set({ public: "false" }, 0);
		for (const p of projects)
			projectTotal.set({ public: flag(p.public) }, Number(p.n));
		for (const r of repos) {
			repoTotal.set(
				{ public: flag(r.public), project_name: r.name },
				Number(r.n),
			);
			pulled.set({ project_name: r.name }, Number(r.pulls));
		}
		for (const m of members)
			memberTotal.set({ project_name: m.name }, Number(m.n));
		for (const q of usage) {
			quotaUsage.set({ project_name: q.name }, q.used);
			quotaByte.set({ project_name: q.name }, q.hard);
		}
		for (const a of artifacts)
			artifactTotal.set(
				{ artifact_type: a.type, project_name: a.name, public: flag(a.public) },
				Number(a.n),
			);
		health.set(h.status === "healthy" ? 1 : 0);
		for (const c of h.components)
			up.set({ component: c.name }, c.status === "healthy" ? 1 : 0);
		systemInfo.set(
			{
				auth_mode: info.auth_mode,
				harbor_version: info.harbor_version,
				self_registration: String(info.self_registration),
			},
			1,
		);
		for (const q of queues) {
			queueSize.set({ type: q.type }, q.pending);
			queueLatency.set({ type: q.type }, q.latencySeconds);
		}
		for (const r of running)
			concurrency.inc({ type: r.type, pool: r.workerId ?? "" });
		scheduled.set(Number(schedules.n));
		for (const p of pools)
			jobserviceInfo.set(
				{
					node: `${p.host}:${p.pid}`,
					pool: p.id,
					workers: String(p.concurrency),
				},
				1,
			);
	}

	// Two scrapes at once share one refresh (gauges are reset and refilled: interleaving would lose series).
	let refreshing: Promise<void> | undefined;
	const refreshOnce = () =>
		(refreshing ??= refresh().finally(() => {
			refreshing = undefined;
		}));

	return {
		/** Counts a request of the main port (registry or core) once it has been answered. */
		observe(req: http.IncomingMessage, res: http.ServerResponse) {
			const started = process.hrtime.bigint();
			const path = (req.url ?? "").split("?")[0];
			const method = methods.has(req.method ?? "") ? req.method! : "OTHER";
			const registry = isRegistryPath(path);
			const handler = registry ? registryHandler(path) : "";
			const operation = registry ? undefined : captureRoute(req);
			if (registry) registryInflight.inc({ handler });
			else coreInflight.inc();
			res.once("close", () => {
				const seconds = Number(process.hrtime.bigint() - started) / 1e9;
				// A response cut before its head went out (a dropped connection) is counted as Go's servers count it: 499.
				const code = String(res.headersSent ? res.statusCode : 499);
				if (registry) {
					registryInflight.dec({ handler });
					registryTotal.inc({ code, handler, method });
					registryDuration.observe({ handler, method, code }, seconds);
					registryRequestSize.observe(
						{ handler },
						Number(req.headers["content-length"]) || 0,
					);
					registryResponseSize.observe(
						{ handler },
						Number(res.getHeader("content-length")) || 0,
					);
				} else {
					coreInflight.dec();
					const op = operation!();
					coreTotal.inc({ method, operation: op, code });
					coreDuration.observe({ method, operation: op }, seconds);
				}
			});
		},

		/** The text Prometheus scrapes: every component's families, or one's (`comp`, as Harbor's `?comp=core`). */
		async scrape(
			comp?: string,
		): Promise<{ contentType: string; body: string }> {
			const wanted = components.filter((c) => !comp || c === comp);
			if (wanted.length === 0)
				throw new Error(
					`no such component: ${comp} (one of ${components.join(", ")})`,
				);
			if (wanted.includes("exporter") || wanted.includes("jobservice"))
				await refreshOnce();
			const merged = Registry.merge(wanted.map((c) => registries[c]));
			return { contentType: merged.contentType, body: await merged.metrics() };
		},
	};
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The metrics port: GET /metrics (Harbor's default path) and nothing else, with no credentials, as Harbor's metrics
 * port. It binds to WHARF_METRICS_HOST (127.0.0.1 by default), never to the public address unless told to.
 */
export async function listenMetrics(
	metrics: Metrics,
	port: number,
	host: string,
	onError: (err: unknown) => void,
) {
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? "/", "http://metrics");
		if (
			url.pathname !== "/metrics" ||
			(req.method !== "GET" && req.method !== "HEAD")
		) {
			res
				.writeHead(404, { "Content-Type": "text/plain" })
				.end("not found: the metrics are at GET /metrics\n");
			return;
		}
		const comp = url.searchParams.get("comp") ?? undefined;
		metrics.scrape(comp).then(
			({ contentType, body }) => {
				res
					.writeHead(200, { "Content-Type": contentType })
					.end(req.method === "HEAD" ? undefined : body);
			},
			(err: Error) => {
				if (!/^no such component/.test(err.message)) onError(err);
				res
					.writeHead(/^no such component/.test(err.message) ? 400 : 500, {
						"Content-Type": "text/plain",
					})
					.end(`${err.message}\n`);
			},
		);
	});
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, host, () => resolve());
	});
	return {
		port: (server.address() as AddressInfo).port,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
