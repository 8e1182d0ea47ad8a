import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Redis } from "ioredis";
import { type Logger, pino } from "pino";
import { createArtifactService } from "./api/artifacts/service.ts";
import { createArtifactStore } from "./api/artifacts/store.ts";
import { createReadOnlyGuard } from "./api/configurations/read-only.ts";
import { readSettings, seedSettings } from "./api/configurations/settings.ts";
import { createSettingsCache } from "./api/configurations/settings-cache.ts";
import { createConsoleRouter } from "./api/console/index.ts";
import { createImmutableTags } from "./api/immutable/immutable-tags.ts";
import { createApiRouter } from "./api/index.ts";
import { createLabelStore } from "./api/labels/store.ts";
import { ldapWhileOn } from "./api/ldap/config.ts";
import { oidcWhileOn } from "./api/oidc/config.ts";
import { createQuotaGuard } from "./api/quotas/quota-guard.ts";
import { createRegistryService } from "./api/registries/service.ts";
import { createRegistryStore as createEndpointStore } from "./api/registries/store.ts";
import { createReplication } from "./api/replication/replication.ts";
import { createSystemService, harborVersion } from "./api/system/service.ts";
import { createWebhooks } from "./api/webhooks/webhooks.ts";
import { createBffApp } from "./app.ts";
import { createAuditLog } from "./audit/audit-log.ts";
import { createAuditPurge } from "./audit/purge.ts";
import { createSyslogForwarder } from "./audit/syslog.ts";
import { createLdapSignIn } from "./auth/ldap-sign-in.ts";
import {
	createLoginThrottle,
	createRedisLoginThrottle,
} from "./auth/login-throttle.ts";
import { createOidcClient } from "./auth/oidc.ts";
import { createOidcRoutes } from "./auth/oidc-routes.ts";
import { createOidcUsers } from "./auth/oidc-users.ts";
import { roles } from "./auth/policy.ts";
import { createPrincipals } from "./auth/principals.ts";
import { createProjectAccess } from "./auth/project-access.ts";
import { createRegistryAuthorizer } from "./auth/registry-authorizer.ts";
import { createSecretBox, loadMasterKey } from "./auth/secrets.ts";
import { createSessions } from "./auth/sessions.ts";
import { createTokenRoute } from "./auth/token-route.ts";
import { createTokenService } from "./auth/tokens.ts";
import { createUserGroupStore } from "./auth/user-groups.ts";
import { createUserService } from "./auth/users.ts";
import type { Config } from "./config.ts";
import type { WriteGuard } from "./core/access.ts";
import { diskFull } from "./core/errors.ts";
import { foreground } from "./core/foreground.ts";
import { createLinkedBlobs } from "./core/linked-blobs.ts";
import { defaultForeignLayerHosts } from "./core/manifest.ts";
import { createManifestService } from "./core/manifests.ts";
import { createPullRecorder } from "./core/pull-recorder.ts";
import { createRegistryApp } from "./core/registry-app.ts";
import { createFilesystemDriver } from "./core/storage/filesystem.ts";
import {
	createS3Client,
	createS3Driver,
	parseS3Url,
} from "./core/storage/s3.ts";
import { createRegistryStore } from "./core/store.ts";
import { createUploadService } from "./core/uploads.ts";
import { prepareDataDir } from "./data-dir.ts";
import {
	type Db,
	holdStartLock,
	migrate,
	now,
	openDatabase,
} from "./db/database.ts";
import { createDiskReserve, noReserve } from "./db/disk-full.ts";
import { createArtifactEvents } from "./events/artifact-events.ts";
import { createProjectEvents } from "./events/project-events.ts";
import { createGc } from "./gc/gc.ts";
import { installRoot } from "./install-root.ts";
import { createJobs, type Jobs } from "./jobs/jobs.ts";
import { createMetrics, listenMetrics } from "./ops/metrics.ts";
import { createMainServer } from "./ops/server.ts";
import { createProxyCaches } from "./proxy-cache/caches.ts";
import { adapterTypes } from "./replication/adapters/by-type.ts";
import { startHealthChecks } from "./replication/health-check.ts";
import { createLocalRegistry } from "./replication/local-registry.ts";
import type { V2Client } from "./replication/v2-client.ts";
import { createRetention } from "./retention/retention.ts";
import { createBuiltinScanner } from "./scanning/builtin/adapter.ts";
import { createOsvStore } from "./scanning/builtin/osv-store.ts";
import { registerOsvSync } from "./scanning/builtin/osv-sync.ts";
import { ensureBuiltinRegistration } from "./scanning/builtin/registration.ts";
import { createPullPolicy } from "./scanning/pull-policy.ts";
import { createScannerStore } from "./scanning/registration-store.ts";
import { createScanAll } from "./scanning/scan-all.ts";
import { createScanning } from "./scanning/scanning.ts";

export type Wharf = {
	url: string;
	port: number;
	db: Db;
	logger: Logger;
	/** The job system; its workers run from listen to close. */
	jobs: Jobs;
	/** Where the metrics port listens (WHARF_METRICS_PORT), when it does. */
	metricsUrl?: string;
	/** Takes a renewed TLS certificate and key from their files (SIGHUP); false without TLS, throws on a bad pair. */
	reloadTls(): boolean;
	/** The admin password when it was generated on this start. */
	generatedAdminPassword?: string;
	close(): Promise<void>;
};

const service = "harbor-registry";

function listen(
	server: http.Server,
	port: number,
	host: string,
): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, host, () =>
			resolve((server.address() as AddressInfo).port),
		);
	});
}

/** Creates the public project `library` on first start, owned by admin. */
async function ensureLibrary(db: Db, adminId: number) {
	// Looked up first: a start writes nothing it need not (on a full disk, a write fails the start).
	if (
		await db
			.selectFrom("projects")
			.select("id")
			.where("name", "=", "library")
			.executeTakeFirst()
	)
		return;
	const t = now();
	const inserted = await db
		.insertInto("projects")
		.values({
			name: "library",
			owner_id: adminId,
			public: 1,
			creation_time: t,
			update_time: t,
		})
		.onConflict((oc) => oc.column("name").doNothing())
		.returning("id")
		.executeTakeFirst();
	if (inserted) {
		await db
			.insertInto("members")
			.values({
				project_id: inserted.id,
				entity_type: "u",
				entity_id: adminId,
				role: roles.projectAdmin,
				creation_time: t,
				update_time: t,
			})
			.execute();
	}
}

/** The composition root: config → database → storage → core → auth → BFF → listen. */
export async function startWharf(
	config: Config,
	opts: { logger?: Logger } = {},
): Promise<Wharf> {
	const logger = opts.logger ?? pino({ level: config.logLevel });
	prepareDataDir(config.dataDir, logger);
	const reserve = config.databaseUrl
		? noReserve
		: createDiskReserve(config.dataDir);
	if ((await reserve.prepare()) === "released") {
		logger.warn(
			{ dataDir: config.dataDir },
			"the data volume is (nearly) full: pushes answer 507 until space is freed",
		);
	}
	const db = await openDatabase({
		dataDir: config.dataDir,
		databaseUrl: config.databaseUrl,
		schema: config.dbSchema,
	});
	// Replicas starting together take turns from here to the signing key: migrations and first rows are made once.
	const startLock = await holdStartLock(config.databaseUrl, config.dbSchema);
	await migrate(db, config.databaseUrl ? config.dbSchema : undefined);

	const box = createSecretBox(loadMasterKey(config.dataDir, config.masterKey));
	const users = createUserService(db);
	const admin = await users.bootstrapAdmin(
		config.dataDir,
		config.adminPassword,
	);
	const adminRow = await users.byName("admin");
	await ensureLibrary(db, adminRow!.id);

	const storage = config.s3
		? createS3Driver(
				parseS3Url(config.s3.url),
				createS3Client(parseS3Url(config.s3.url), config.s3),
				{ redirect: config.s3.redirect },
			)
		: createFilesystemDriver(path.join(config.dataDir, "storage"));
	const store = createRegistryStore(db);
	const immutableTags = createImmutableTags(db);
	const projectEvents = createProjectEvents((err, event) =>
		logger.error({ err, event: event.type }, "project event listener failed"),
	);
	const quotaGuard = createQuotaGuard(db, (projectId, details) =>
		projectEvents.emit({
			type: "quota_exceed",
			projectId,
			operator: "",
			details,
		}),
	);
	const writes: WriteGuard = {
		...createReadOnlyGuard(db),
		...quotaGuard,
		immutableTags: immutableTags.of,
	};
	// A push needs the database's room on the volume in place: blobs never take it (507 while the disk has none).
	const guard: WriteGuard = {
		...writes,
		beforeWrite: async (project) => {
			if (!(await reserve.ensure())) throw diskFull();
			await writes.beforeWrite(project);
		},
	};
	const uploads = createUploadService({ store, storage, guard });
	const manifests = createManifestService({
		store,
		storage,
		guard,
		foreignLayerHosts: config.foreignLayerHosts,
	});
	const pulls = createPullRecorder(store);
	// The environment's lifetimes are the first start's settings; after that PUT /configurations changes them.
	await seedSettings(
		db,
		{
			token_expiration: config.tokenExpirySeconds / 60,
			session_timeout: config.sessionTimeoutSeconds / 60,
		},
		now(),
	);
	const settings = createSettingsCache(db);
	// Audit events go to the database and, when an endpoint is set, to syslog (only there with skip_audit_log_database).
	const forwarder = createSyslogForwarder({ logger });
	const audit = createAuditLog(db, {
		forwarder,
		settings: async () => {
			const s = await settings.get();
			return {
				disabledEventTypes: s.disabled_audit_log_event_types,
				forwardEndpoint: s.audit_log_forward_endpoint,
				skipDatabase: s.skip_audit_log_database,
			};
		},
	});
	const tokens = await createTokenService({
		db,
		box,
		service,
		expirySeconds: async () => (await settings.get()).token_expiration * 60,
	});
	await startLock.release();
	const access = createProjectAccess(db);
	// Replicas sharing a Redis share the count, so a guesser gains nothing by spreading attempts across them.
	const throttleRedis = config.redisUrl
		? new Redis(config.redisUrl, { maxRetriesPerRequest: 3 })
		: null;
	const throttle = throttleRedis
		? createRedisLoginThrottle(throttleRedis, config.redisPrefix)
		: createLoginThrottle();
	const userGroups = createUserGroupStore(db);
	const oidcUsers = createOidcUsers({ db, box, users, groups: userGroups });
	const oidcConfig = oidcWhileOn(settings, box);
	const principals = createPrincipals({
		db,
		users,
		throttle,
		audit: audit.sink,
		robotPrefix: async () => (await settings.get()).robot_name_prefix,
		// Under auth_mode ldap_auth, everyone but admin signs in through the directory.
		directory: {
			config: ldapWhileOn(settings, box),
			signIn: createLdapSignIn({ users, groups: userGroups }),
		},
		// Under auth_mode oidc_auth, everyone but admin signs in at the provider, and here with their CLI secret.
		oidc: {
			on: async () => (await oidcConfig()) !== null,
			verifyCliSecret: oidcUsers.verifyCliSecret,
		},
	});
	const authorizer = createRegistryAuthorizer({ principals, tokens, access });
	const events = createArtifactEvents((err, event) =>
		logger.error(
			{ err, event: event.type, repository: event.repository },
			"artifact event listener failed",
		),
	);

	const coreApp = createRegistryApp({
		// The proxy caches need the registry endpoints, made below; the core asks for them only once requests arrive.
		services: {
			store,
			storage,
			uploads,
			manifests,
			pulls,
			audit: audit.sink,
			guard,
			events,
			proxies: { of: (project) => proxies.of(project) },
			foreground,
			pullGuard: createPullPolicy(db),
		},
		authorizer,
		externalUrl: config.externalUrl,
		service,
		tokenHandler: createTokenRoute({ principals, tokens, access, service }),
	});
	// Embedded, the core judges the client's request as the BFF does; behind the proxy transport its one peer is the BFF.
	coreApp.set(
		"trust proxy",
		config.coreTransport === "proxy" ? "loopback" : config.trustProxy,
	);
	// Proxy transport: the core on a 127.0.0.1 port of its own, as it will run when scaled out.
	const coreServer =
		config.coreTransport === "proxy"
			? http.createServer({ keepAliveTimeout: 60_000 }, coreApp)
			: null;
	const corePort = coreServer ? await listen(coreServer, 0, "127.0.0.1") : 0;

	const secureCookies =
		(config.externalUrl ?? "").startsWith("https:") || !!config.tls;
	const sessions = createSessions({
		db,
		reserve,
		timeoutSeconds: async () => (await settings.get()).session_timeout * 60,
		secureCookies,
	});
	const jobs = createJobs({
		db,
		logger,
		redisUrl: config.redisUrl,
		redisPrefix: config.redisPrefix,
	});
	const registries = createRegistryService({
		store: createEndpointStore(db),
		box,
		audit: audit.sink,
		types: adapterTypes({ dockerHub: config.dockerHub }),
	});
	const proxies = createProxyCaches({
		db,
		registries,
		store,
		manifests,
		uploads,
		storage,
		guard,
		pulls,
		logger,
		tagCheckSeconds: config.proxyTagCheckSeconds,
		rules: {
			foreignLayerHosts: config.foreignLayerHosts ?? defaultForeignLayerHosts,
		},
	});
	// Replication reaches this Wharf through its own /v2 over loopback, once it listens (blob bytes it reads from storage).
	let local: V2Client | undefined;
	const replication = createReplication({
		db,
		jobs,
		registries,
		audit: audit.sink,
		users,
		logger,
		events,
		projectEvents,
		local: () =>
			local ??
			(() => {
				throw new Error("Wharf is not listening yet");
			})(),
		retry: { attempts: 3, backoffMs: config.replication.retrySeconds * 1000 },
		taskConcurrency: config.replication.tasks,
	});
	// Webhook payloads name this registry as users reach it: the external URL, else where it listens (known below).
	let selfUrl: string | undefined;
	const webhooks = createWebhooks({
		db,
		jobs,
		box,
		audit: audit.sink,
		logger,
		artifactEvents: events,
		projectEvents,
		delivery: {
			retry: { attempts: 3, backoffMs: config.webhooks.retrySeconds * 1000 },
			timeoutMs: config.webhooks.timeoutSeconds * 1000,
			concurrency: 8,
		},
		externalUrl: () => config.externalUrl ?? selfUrl ?? "http://localhost",
	});
	const gc = createGc({
		db,
		jobs,
		storage,
		manifests,
		purgeUploads: (before) => uploads.purgeStale(before),
		windowHours: config.gcTimeWindowHours,
	});
	const auditPurge = createAuditPurge({ db, jobs });
	// Retention deletes as the API's Delete does (accessories, audit, events for webhooks and replication).
	const artifactService = createArtifactService({
		store: createArtifactStore(db),
		registry: store,
		manifests,
		storage,
		audit: audit.sink,
		labels: createLabelStore(db),
		guard,
		events,
	});
	const retention = createRetention({
		db,
		jobs,
		events: projectEvents,
		immutableTags: immutableTags.of,
		deleteArtifact: (repo, project, digest) =>
			artifactService.remove(repo, project, digest, "retention"),
	});
	// The core in a process of its own answers GET /v2/ (401 or 200) when it is up.
	const coreProbe = coreServer
		? async () => {
				const r = await fetch(`http://127.0.0.1:${corePort}/v2/`, {
					signal: AbortSignal.timeout(3000),
				});
				await r.body?.cancel();
				if (r.status !== 200 && r.status !== 401)
					throw new Error(
						`the registry core answered GET /v2/ with ${r.status}`,
					);
			}
		: undefined;
	// The scanner pulls with a token for the one repository, as admin; it reaches Wharf where users do, or here.
	let internalUrl = "";
	const scanning = createScanning({
		db,
		jobs,
		box,
		logger,
		artifactEvents: events,
		pullToken: async (repository) =>
			(
				await tokens.issue(`user:${adminRow!.id}`, [
					{
						type: "repository",
						name: repository,
						actions: ["pull", "scanner-pull"],
					},
				])
			).token,
		registryUrl: () => config.externalUrl ?? selfUrl ?? internalUrl,
		internalUrl: () => internalUrl,
	});
	const scanAll = createScanAll({ db, jobs, scanning });
	// The built-in scanner answers only its registration's key, known once it is registered (below, once listening).
	const osv = createOsvStore(db);
	let builtinKey = randomBytes(32).toString("base64url");
	const builtin = config.builtinScanner
		? createBuiltinScanner({ osv, apiKey: () => builtinKey, logger })
		: undefined;
	if (builtin)
		await registerOsvSync({
			jobs,
			osv,
			logger,
			tmpDir: path.join(config.dataDir, "tmp"),
		});
	const logLevel = {
		get: () => logger.level,
		set: (level: string) => {
			logger.level = level;
		},
		changed: (change: { from: string; to: string; by: string }) =>
			logger.warn(change, "log level changed"),
	};
	const apiDeps = {
		config,
		db,
		users,
		access,
		audit: audit.sink,
		store,
		manifests,
		storage,
		guard,
		box,
		settings,
		jobs,
		registries,
		replication,
		gc,
		auditPurge,
		events,
		immutableTags,
		webhooks,
		retention,
		coreProbe,
		logLevel,
		scanning,
		scanAll,
		osv,
	};
	const bff = createBffApp({
		db,
		logger,
		users,
		principals,
		sessions,
		throttle,
		audit: audit.sink,
		oidc: createOidcRoutes({
			config: oidcConfig,
			client: createOidcClient(),
			users: oidcUsers,
			sessions,
			box,
			audit: audit.sink,
			secureCookies,
			externalUrl: config.externalUrl,
		}),
		core: coreServer
			? { url: `http://127.0.0.1:${corePort}` }
			: { app: coreApp },
		webRoot: config.webRoot ?? path.join(installRoot, "dist", "web"),
		apiRouter: createApiRouter(apiDeps),
		consoleRouter: createConsoleRouter(apiDeps),
		trustProxy: config.trustProxy,
		externalUrl: config.externalUrl,
		scanner: builtin?.router,
	});
	const system = createSystemService(apiDeps);
	const metrics =
		config.metrics &&
		createMetrics({
			db,
			jobs,
			health: () => system.health(),
			info: async () => ({
				...(await readSettings(db)),
				harbor_version: harborVersion,
			}),
		});
	const main = createMainServer(
		metrics
			? (req, res) => {
					metrics.observe(req, res);
					bff(req, res);
				}
			: bff,
		{ tls: config.tls },
	);
	const port = await main.listen(config.port, config.host);
	internalUrl = `${main.scheme}://${config.host.includes(":") ? "[::1]" : "127.0.0.1"}:${port}`;
	// Over TLS, loopback to itself: the certificate names the public host, not 127.0.0.1, so it is not checked here.
	local = createLocalRegistry({
		url: `${main.scheme}://${config.host.includes(":") ? "[::1]" : "127.0.0.1"}:${port}`,
		tokens,
		blobs: createLinkedBlobs(store, storage),
		insecure: !!config.tls,
	});
	if (builtin)
		builtinKey = await ensureBuiltinRegistration({
			store: createScannerStore(db),
			box,
			url: `${internalUrl}/scanner/builtin`,
			metadata: await builtin.metadata(),
		});
	// Job types register while the app is built; their workers start once Wharf answers.
	await jobs.start();
	const metricsServer =
		metrics && config.metrics
			? await listenMetrics(
					metrics,
					config.metrics.port,
					config.metrics.host,
					(err) => logger.error({ err }, "metrics scrape failed"),
				)
			: undefined;

	// Abandoned uploads and expired sessions are purged hourly (and once at start).
	const purge = async () => {
		await uploads
			.purgeStale(new Date(Date.now() - 24 * 3600_000))
			.catch((err) => logger.warn({ err }, "upload purge failed"));
		await sessions
			.purgeExpired()
			.catch((err) => logger.warn({ err }, "session purge failed"));
	};
	void purge();
	const purgeTimer = setInterval(purge, 3600_000);
	purgeTimer.unref();
	const healthChecks = startHealthChecks({
		checkAll: registries.checkAll,
		intervalMs: config.registryHealthSeconds * 1000,
		logger,
	});

	const host =
		config.host === "0.0.0.0" || config.host === "::"
			? "localhost"
			: config.host;
	const url = `${main.scheme}://${host}:${port}`;
	selfUrl = url;
	return {
		url,
		port,
		db,
		logger,
		jobs,
		metricsUrl:
			metricsServer && config.metrics
				? `http://${config.metrics.host.includes(":") ? `[${config.metrics.host}]` : config.metrics.host}:${metricsServer.port}/metrics`
				: undefined,
		generatedAdminPassword: admin.generated,
		reloadTls: () => main.reloadTls(),
		async close() {
			clearInterval(purgeTimer);
			// No new connections; requests in flight (an upload's PATCH or PUT) finish first, until the deadline.
			const { cut } = await main.drain(config.shutdownSeconds * 1000);
			if (cut > 0)
				logger.warn(
					{ cut, deadlineSeconds: config.shutdownSeconds },
					"requests still running at the shutdown deadline were cut",
				);
			// The proxy transport's core answered those through the port above: nothing of its own is left.
			coreServer?.closeAllConnections();
			await (coreServer && new Promise((r) => coreServer.close(r)));
			await metricsServer?.close();
			await healthChecks.stop();
			await proxies.close();
			await registries.close();
			builtin?.close();
			// Running jobs are given back to the queue before the database goes: the next start resumes them.
			await jobs.close();
			await replication.close();
			await webhooks.close();
			await local?.close();
			await pulls.close();
			await audit.close();
			await forwarder.close();
			throttleRedis?.disconnect();
			await db.destroy();
		},
	};
}
