import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/** Every setting Wharf reads, with its environment variable and meaning (printed by `npm start -- --help`). */
export const settings = {
	PORT: "port the registry and console listen on (default 8080)",
	WHARF_HOST: "address to bind (default 0.0.0.0)",
	WHARF_DATA_DIR: "data folder: SQLite database, blobs, keys (default ./data)",
	WHARF_ADMIN_PASSWORD:
		"password for the admin user on first start (else generated and printed once)",
	WHARF_EXTERNAL_URL:
		"URL users reach Wharf at, used in token realms and pull commands (default http://localhost:PORT)",
	DATABASE_URL:
		"postgres://… to keep metadata in Postgres (unset: SQLite in the data folder)",
	WHARF_MASTER_KEY:
		"base64 32-byte key that encrypts secrets at rest (unset: generated into the data folder)",
	WHARF_CONFIG:
		"optional JSON file whose keys (the names above) add to the environment",
	WHARF_LOG_LEVEL: "pino log level (default info)",
	WHARF_TOKEN_EXPIRY_MINUTES:
		"lifetime of registry bearer tokens on first start (default 30); then the token_expiration setting",
	WHARF_SESSION_TIMEOUT_MINUTES:
		"idle lifetime of console sessions on first start (default 60); then the session_timeout setting",
	WHARF_WEB_ROOT:
		"folder of the built console (default dist/web, made by `npm run build`)",
	WHARF_CORE_TRANSPORT:
		"embedded (default: the registry core answers /v2 in this process) or proxy (streamed over 127.0.0.1)",
	WHARF_FOREIGN_LAYER_HOSTS:
		"hosts a manifest's foreign-layer urls may name, comma-separated (*.example.com: its subdomains; *: any; none: no foreign layers); default mcr.microsoft.com,*.blob.core.windows.net,go.microsoft.com",
	WHARF_REGISTRY_HEALTH_SECONDS:
		"seconds between health checks of registry endpoints (default 300)",
	WHARF_DOCKER_HUB_URL:
		"the docker-hub endpoint type's URL (default https://hub.docker.com)",
	WHARF_DOCKER_HUB_REGISTRY_URL:
		"where docker-hub endpoints' images are pulled and pushed (default https://registry-1.docker.io)",
	WHARF_BUILTIN_SCANNER:
		"on (default): the built-in scanner answers at /scanner/builtin and is registered (the default scanner when none is); off: neither",
	WHARF_PROXY_TAG_CHECK_SECONDS:
		"how long a proxy cache trusts what the upstream said a tag points at before asking again (default 60)",
	WHARF_REPLICATION_TASKS:
		"replication tasks (one artifact each) copied at once by this process (default 4)",
	WHARF_REPLICATION_RETRY_SECONDS:
		"wait before a failed replication task is tried again, doubled for the next try (default 10; 3 tries in all)",
	WHARF_WEBHOOK_RETRY_SECONDS:
		"wait before a failed webhook delivery is tried again, doubled for the next try (default 10; 3 tries in all)",
	WHARF_WEBHOOK_TIMEOUT_SECONDS:
		"a webhook receiver must answer within this many seconds, or the try fails (default 10)",
	GC_TIME_WINDOW_HOURS:
		"garbage collection keeps blobs pushed or linked less than this many hours ago (Harbor's name; default 2; 0 collects at once)",
	REDIS_URL:
		"redis://… to run jobs on BullMQ in that Redis, shared by every replica (unset: jobs queue in the metadata database)",
	WHARF_STORAGE:
		"s3://bucket/prefix to keep blobs in S3 or an S3-compatible server (?path_style=true, ?region=…); credentials, region and endpoint from the standard AWS_* variables (AWS_ENDPOINT_URL_S3); unset: the data folder",
	WHARF_S3_REDIRECT:
		"true: a blob GET on S3 storage answers 307 to a presigned URL of the object (good 20 minutes, signed for the endpoint Wharf uses, which clients must reach too) after the same authorization, so the bytes do not pass through Wharf; HEAD stays here (default false)",
	WHARF_REDIS_PREFIX:
		"prefix of the job queues' Redis keys (default wharf): Wharfs sharing a Redis share work only under one prefix",
	WHARF_TLS_CERT:
		"PEM file of the certificate (and its chain) to serve HTTPS with on PORT; needs WHARF_TLS_KEY (unset: plain HTTP)",
	WHARF_TLS_KEY: "PEM file of the certificate's private key",
	WHARF_SHUTDOWN_SECONDS:
		"on SIGTERM, how long requests in flight (uploads) may take to finish before they are cut (default 25)",
	WHARF_METRICS_PORT:
		"serve Prometheus metrics (Harbor's names) at GET /metrics on this port, without credentials (unset: no metrics)",
	WHARF_METRICS_HOST:
		"address the metrics port binds (default 127.0.0.1: only this machine can scrape it)",
	WHARF_TRUST_PROXY:
		"reverse proxies whose X-Forwarded-* headers count: addresses or subnets (comma-separated; loopback, linklocal, uniquelocal), a hop count, or true (default: none)",
} as const;

/** An entry of Express's `trust proxy` list, checked here so a typo fails at start, not on the first request. */
const isProxyEntry = (s: string) => {
	const [address, bits, ...rest] = s.split("/");
	return (
		["loopback", "linklocal", "uniquelocal"].includes(s) ||
		(isIP(address) !== 0 &&
			rest.length === 0 &&
			(bits === undefined || /^\d{1,3}$/.test(bits)))
	);
};
const trustProxy = z
	.string()
	.trim()
	.transform((v, ctx): boolean | number | string[] => {
		if (v === "false") return false;
		if (v === "true") return true;
		if (/^\d+$/.test(v)) return Number(v);
		const list = v.split(",").map((s) => s.trim());
		if (list.every(isProxyEntry)) return list;
		ctx.addIssue({
			code: "custom",
			message: "expected true, false, a hop count, or addresses and subnets",
		});
		return z.NEVER;
	});

const schema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(8080),
	WHARF_HOST: z.string().default("0.0.0.0"),
	WHARF_DATA_DIR: z.string().default("./data"),
	WHARF_ADMIN_PASSWORD: z.string().min(1).optional(),
	WHARF_EXTERNAL_URL: z.url().optional(),
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL")
		.optional(),
	REDIS_URL: z
		.string()
		.regex(/^rediss?:\/\//, "REDIS_URL must be a redis:// or rediss:// URL")
		.optional(),
	WHARF_STORAGE: z
		.string()
		.regex(/^s3:\/\/[^/?]+/, "WHARF_STORAGE must be an s3://bucket/prefix URL")
		.optional(),
	WHARF_S3_REDIRECT: z.enum(["true", "false"]).default("false"),
	// The AWS SDK's own variables, read here too so a Wharf started in-process (tests) gets them from its config.
	AWS_ENDPOINT_URL_S3: z.url().optional(),
	AWS_ENDPOINT_URL: z.url().optional(),
	AWS_REGION: z.string().optional(),
	AWS_ACCESS_KEY_ID: z.string().optional(),
	AWS_SECRET_ACCESS_KEY: z.string().optional(),
	AWS_SESSION_TOKEN: z.string().optional(),
	/** Redis key prefix of the job queues; tests give each server its own. */
	WHARF_REDIS_PREFIX: z
		.string()
		.regex(/^[A-Za-z0-9_.-]+$/)
		.default("wharf"),
	WHARF_MASTER_KEY: z.string().optional(),
	WHARF_LOG_LEVEL: z
		.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
		.default("info"),
	WHARF_TOKEN_EXPIRY_MINUTES: z.coerce.number().int().positive().default(30),
	WHARF_SESSION_TIMEOUT_MINUTES: z.coerce.number().int().positive().default(60),
	WHARF_CORE_TRANSPORT: z.enum(["embedded", "proxy"]).default("embedded"),
	WHARF_WEB_ROOT: z.string().optional(),
	WHARF_TRUST_PROXY: trustProxy.default(false),
	WHARF_FOREIGN_LAYER_HOSTS: z.string().optional(),
	WHARF_REGISTRY_HEALTH_SECONDS: z.coerce.number().positive().default(300),
	WHARF_DOCKER_HUB_URL: z.url().default("https://hub.docker.com"),
	WHARF_DOCKER_HUB_REGISTRY_URL: z
		.url()
		.default("https://registry-1.docker.io"),
	WHARF_PROXY_TAG_CHECK_SECONDS: z.coerce.number().min(0).default(60),
	WHARF_BUILTIN_SCANNER: z.enum(["on", "off"]).default("on"),
	WHARF_REPLICATION_TASKS: z.coerce.number().int().min(1).max(64).default(4),
	WHARF_REPLICATION_RETRY_SECONDS: z.coerce.number().min(0).default(10),
	WHARF_WEBHOOK_RETRY_SECONDS: z.coerce.number().min(0).default(10),
	WHARF_WEBHOOK_TIMEOUT_SECONDS: z.coerce
		.number()
		.min(0.1)
		.max(300)
		.default(10),
	GC_TIME_WINDOW_HOURS: z.coerce.number().min(0).default(2),
	WHARF_TLS_CERT: z.string().optional(),
	WHARF_TLS_KEY: z.string().optional(),
	WHARF_SHUTDOWN_SECONDS: z.coerce.number().min(0).default(25),
	WHARF_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
	WHARF_METRICS_HOST: z.string().default("127.0.0.1"),
	/** Postgres schema to work in; tests give each file its own. */
	WHARF_DB_SCHEMA: z
		.string()
		.regex(/^[a-z_][a-z0-9_]*$/)
		.optional(),
});

export type Config = {
	port: number;
	host: string;
	dataDir: string;
	adminPassword?: string;
	externalUrl?: string;
	databaseUrl?: string;
	dbSchema?: string;
	redisUrl?: string;
	redisPrefix: string;
	/** Blobs in S3 (unset: the data folder): where, and the client's endpoint, region and keys when given. */
	s3?: {
		url: string;
		/** Blob GETs answer 307 to a presigned URL of the object. */
		redirect: boolean;
		endpoint?: string;
		region?: string;
		credentials?: {
			accessKeyId: string;
			secretAccessKey: string;
			sessionToken?: string;
		};
	};
	masterKey?: string;
	logLevel: z.infer<typeof schema>["WHARF_LOG_LEVEL"];
	tokenExpirySeconds: number;
	sessionTimeoutSeconds: number;
	coreTransport: "embedded" | "proxy";
	webRoot?: string;
	/** Express's `trust proxy`: whose X-Forwarded-Host, -Proto and -For to believe (false: nobody's). */
	trustProxy: boolean | number | string[];
	/** Hosts a manifest's `urls` may name (unset: the core's defaults, Microsoft's). */
	foreignLayerHosts?: string[];
	/** Seconds between background health checks of registry endpoints. */
	registryHealthSeconds: number;
	/** Docker Hub's URLs for the docker-hub adapter (settings, so tests point it at a local registry). */
	dockerHub: { hubUrl: string; registryUrl: string };
	/** Garbage collection keeps what is younger than this many hours (0: nothing). */
	gcTimeWindowHours: number;
	/** Seconds a proxy cache trusts an upstream answer about a tag (one HEAD per tag per window). */
	proxyTagCheckSeconds: number;
	/** The built-in scanner mounted at /scanner/builtin and registered. */
	builtinScanner: boolean;
	/** Replication tasks run at once here, and the first wait before a failed one is tried again. */
	replication: { tasks: number; retrySeconds: number };
	/** HTTPS on the main port with these PEM files (unset: HTTP). */
	tls?: { certFile: string; keyFile: string };
	/** How long a shutdown lets requests in flight finish before cutting them. */
	shutdownSeconds: number;
	/** Prometheus metrics on a port of their own (unset: none); port 0 takes a free one. */
	metrics?: { port: number; host: string };
	/** Webhook deliveries: the first wait before a failed one is tried again, and how long a receiver has to answer. */
	webhooks: { retrySeconds: number; timeoutSeconds: number };
};

export function loadConfig(
	env: Record<string, string | undefined> = process.env,
): Config {
	const fromFile =
		env.WHARF_CONFIG && existsSync(env.WHARF_CONFIG)
			? (JSON.parse(readFileSync(env.WHARF_CONFIG, "utf8")) as Record<
					string,
					string
				>)
			: {};
	const blankless = Object.fromEntries(
		Object.entries({ ...fromFile, ...env }).filter(([, v]) => v !== ""),
	);
	const parsed = schema.safeParse(blankless);
	if (!parsed.success) {
		const problems = parsed.error.issues
			.map((i) => `${i.path.join(".")}: ${i.message}`)
			.join("; ");
		throw new Error(`invalid configuration: ${problems}`);
	}
	const c = parsed.data;
	if (!c.WHARF_TLS_CERT !== !c.WHARF_TLS_KEY)
		throw new Error(
			"invalid configuration: WHARF_TLS_CERT and WHARF_TLS_KEY go together",
		);
	if (c.WHARF_S3_REDIRECT === "true" && !c.WHARF_STORAGE)
		throw new Error(
			"invalid configuration: WHARF_S3_REDIRECT needs blobs in S3 (WHARF_STORAGE)",
		);
	return {
		port: c.PORT,
		host: c.WHARF_HOST,
		dataDir: path.resolve(c.WHARF_DATA_DIR),
		adminPassword: c.WHARF_ADMIN_PASSWORD,
		externalUrl: c.WHARF_EXTERNAL_URL?.replace(/\/+$/, ""),
		databaseUrl: c.DATABASE_URL,
		dbSchema: c.WHARF_DB_SCHEMA,
		redisUrl: c.REDIS_URL,
		redisPrefix: c.WHARF_REDIS_PREFIX,
		s3: c.WHARF_STORAGE
			? {
					url: c.WHARF_STORAGE,
					redirect: c.WHARF_S3_REDIRECT === "true",
					endpoint: c.AWS_ENDPOINT_URL_S3 ?? c.AWS_ENDPOINT_URL,
					region: c.AWS_REGION,
					credentials:
						c.AWS_ACCESS_KEY_ID && c.AWS_SECRET_ACCESS_KEY
							? {
									accessKeyId: c.AWS_ACCESS_KEY_ID,
									secretAccessKey: c.AWS_SECRET_ACCESS_KEY,
									...(c.AWS_SESSION_TOKEN
										? { sessionToken: c.AWS_SESSION_TOKEN }
										: {}),
								}
							: undefined,
				}
			: undefined,
		masterKey: c.WHARF_MASTER_KEY,
		logLevel: c.WHARF_LOG_LEVEL,
		gcTimeWindowHours: c.GC_TIME_WINDOW_HOURS,
		tokenExpirySeconds: c.WHARF_TOKEN_EXPIRY_MINUTES * 60,
		sessionTimeoutSeconds: c.WHARF_SESSION_TIMEOUT_MINUTES * 60,
		coreTransport: c.WHARF_CORE_TRANSPORT,
		webRoot: c.WHARF_WEB_ROOT ? path.resolve(c.WHARF_WEB_ROOT) : undefined,
		foreignLayerHosts:
			c.WHARF_FOREIGN_LAYER_HOSTS === undefined
				? undefined
				: c.WHARF_FOREIGN_LAYER_HOSTS.trim() === "none"
					? []
					: c.WHARF_FOREIGN_LAYER_HOSTS.split(",")
							.map((h) => h.trim().toLowerCase())
							.filter(Boolean),
		trustProxy: c.WHARF_TRUST_PROXY,
		registryHealthSeconds: c.WHARF_REGISTRY_HEALTH_SECONDS,
		dockerHub: {
			hubUrl: c.WHARF_DOCKER_HUB_URL.replace(/\/+$/, ""),
			registryUrl: c.WHARF_DOCKER_HUB_REGISTRY_URL.replace(/\/+$/, ""),
		},
		proxyTagCheckSeconds: c.WHARF_PROXY_TAG_CHECK_SECONDS,
		builtinScanner: c.WHARF_BUILTIN_SCANNER === "on",
		replication: {
			tasks: c.WHARF_REPLICATION_TASKS,
			retrySeconds: c.WHARF_REPLICATION_RETRY_SECONDS,
		},
		webhooks: {
			retrySeconds: c.WHARF_WEBHOOK_RETRY_SECONDS,
			timeoutSeconds: c.WHARF_WEBHOOK_TIMEOUT_SECONDS,
		},
		tls:
			c.WHARF_TLS_CERT && c.WHARF_TLS_KEY
				? {
						certFile: path.resolve(c.WHARF_TLS_CERT),
						keyFile: path.resolve(c.WHARF_TLS_KEY),
					}
				: undefined,
		shutdownSeconds: c.WHARF_SHUTDOWN_SECONDS,
		metrics:
			c.WHARF_METRICS_PORT === undefined
				? undefined
				: { port: c.WHARF_METRICS_PORT, host: c.WHARF_METRICS_HOST },
	};
}

export function helpText(): string {
	const width = Math.max(...Object.keys(settings).map((k) => k.length));
	const lines = Object.entries(settings).map(
		([k, v]) => `  ${k.padEnd(width)}  ${v}`,
	);
	return [
		"Wharf: container registry and console",
		"",
		"Usage: npm start [-- --help]",
		"",
		"Environment:",
		...lines,
		"",
	].join("\n");
}
