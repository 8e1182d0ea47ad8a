import { LRUCache } from "lru-cache";
import picomatch from "picomatch";
import type { Logger } from "pino";
import type { RegistryService } from "../api/registries/service.ts";
import type { WriteGuard } from "../core/access.ts";
import type { ManifestRules } from "../core/manifest.ts";
import type { ManifestService } from "../core/manifests.ts";
import type { ProjectProxy, ProxyCaches } from "../core/proxy.ts";
import type { PullRecorder } from "../core/pull-recorder.ts";
import type { StorageDriver } from "../core/storage/driver.ts";
import type { RegistryStore } from "../core/store.ts";
import type { UploadService } from "../core/uploads.ts";
import type { Db } from "../db/database.ts";
import type { Adapter } from "../replication/adapters/adapter.ts";
import { createPendingManifests } from "./pending-manifests.ts";
import { createProjectProxy, type ProxySettings } from "./project-proxy.ts";
import { createTagChecks } from "./tag-checks.ts";

export type ProxyCacheDeps = {
	db: Db;
	registries: RegistryService;
	store: RegistryStore;
	manifests: ManifestService;
	uploads: UploadService;
	storage: StorageDriver;
	/** Quotas and read-only mode, as for pushes: what the cache links counts in the project. */
	guard: WriteGuard;
	pulls: PullRecorder;
	rules: ManifestRules;
	logger: Logger;
	/** How long an upstream answer about a tag is trusted (WHARF_PROXY_TAG_CHECK_SECONDS). */
	tagCheckSeconds: number;
};

/** How long a project's proxy settings are reused before they are read again (metadata and endpoint changes). */
const settingsMs = 5_000;
/** Upstream connections when `max_upstream_conn` is -1 (no limit) or unset. */
const unboundedConnections = 64;

/** A repository filter from `proxy_cache_filter_pattern`/`_kind`; a regex that does not compile proxies nothing. */
function filterOf(
	pattern: string | undefined,
	kind: string | undefined,
	logger: Logger,
): ((path: string) => boolean) | null {
	if (!pattern) return null;
	if (kind === "regex") {
		try {
			const re = new RegExp(pattern);
			return (path) => re.test(path);
		} catch (err) {
			logger.warn(
				{ err, pattern },
				"proxy_cache_filter_pattern is not a valid regular expression: nothing is proxied",
			);
			return () => false;
		}
	}
	return picomatch(pattern, { dot: true });
}

/**
 * The proxy caches of every proxy-cache project (what the core's `ProxyCaches` asks for). Each project pulls through
 * a client of its own on the endpoint's credentials, bounded to `max_upstream_conn` connections and without the
 * client's retries (a 429 or a failure falls back to the cache at once instead of waiting).
 */
export function createProxyCaches(
	deps: ProxyCacheDeps,
): ProxyCaches & { close(): Promise<void> } {
	const { db, registries, logger } = deps;
	const tagChecks = createTagChecks(db, deps.tagCheckSeconds * 1000);
	const pending = createPendingManifests({
		store: deps.store,
		manifests: deps.manifests,
		pulls: deps.pulls,
		rules: deps.rules,
		logger,
	});
	const proxyDeps = {
		store: deps.store,
		manifests: deps.manifests,
		uploads: deps.uploads,
		storage: deps.storage,
		guard: deps.guard,
		tagChecks,
		pending,
		logger,
		fetching: new Map(),
	};
	const adapters = new Map<number, { version: string; adapter: Adapter }>();
	const projects = new LRUCache<string, Promise<ProjectProxy | null>>({
		max: 1000,
		ttl: settingsMs,
	});

	async function adapterFor(
		projectId: number,
		registryId: number,
		version: string,
		maxConnections: number,
	): Promise<Adapter> {
		const key = `${version}\n${maxConnections}`;
		const held = adapters.get(projectId);
		if (held?.version === key) return held.adapter;
		const adapter = await registries.ownAdapter(registryId, {
			retries: 0,
			maxConnections,
		});
		adapters.set(projectId, { version: key, adapter });
		void held?.adapter.close().catch(() => undefined);
		return adapter;
	}

	async function load(name: string): Promise<ProjectProxy | null> {
		const project = await db
			.selectFrom("projects")
			.select(["id", "registry_id"])
			.where("name", "=", name)
			.executeTakeFirst();
		if (!project?.registry_id) return null;
		const meta = Object.fromEntries(
			(
				await db
					.selectFrom("project_metadata")
					.select(["name", "value"])
					.where("project_id", "=", project.id)
					.execute()
			).map((m) => [m.name, m.value]),
		);
		const number = (key: string) => Number(meta[key] ?? -1);
		const endpoint = await registries.get(project.registry_id);
		const connections =
			number("max_upstream_conn") > 0
				? number("max_upstream_conn")
				: unboundedConnections;
		const adapter = await adapterFor(
			project.id,
			endpoint.id,
			endpoint.update_time,
			connections,
		);
		const settings: ProxySettings = {
			projectId: project.id,
			project: name,
			upstream: endpoint.url,
			dockerHub: endpoint.type === "docker-hub",
			healthy: endpoint.status !== "unhealthy",
			client: await adapter.client(),
			// Harbor reads proxy_speed_kb as KiB per second (its reader's rate limiter takes kb × 1024 bytes).
			bytesPerSecond:
				number("proxy_speed_kb") > 0 ? number("proxy_speed_kb") * 1024 : null,
			// Wharf serves the cached copy of what the upstream deleted unless told not to (Harbor's #22415).
			localOnNotFound: meta.proxy_cache_local_on_not_found !== "false",
			referrerApi: meta.proxy_referrer_api === "true",
			filter: filterOf(
				meta.proxy_cache_filter_pattern,
				meta.proxy_cache_filter_kind,
				logger,
			),
		};
		return createProjectProxy(settings, proxyDeps);
	}

	return {
		of(project: string) {
			let got = projects.get(project);
			if (!got) {
				got = load(project);
				projects.set(project, got);
				got.catch(() => projects.delete(project));
			}
			return got;
		},
		async close() {
			pending.close();
			await Promise.all(
				[...adapters.values()].map((a) =>
					a.adapter.close().catch(() => undefined),
				),
			);
			adapters.clear();
		},
	};
}
