import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import compression from "compression";
import express from "express";
import { createProxyMiddleware } from "http-proxy-middleware";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { apiErrorHandler, notFound } from "./api/errors.ts";
import { apiPrincipal } from "./auth/api-principal.ts";
import { createLoginRoutes } from "./auth/login-routes.ts";
import type { LoginThrottle } from "./auth/login-throttle.ts";
import type { OidcRoutes } from "./auth/oidc-routes.ts";
import type { Principals } from "./auth/principals.ts";
import { sessionOriginGuard } from "./auth/session-origin.ts";
import type { Sessions } from "./auth/sessions.ts";
import type { UserService } from "./auth/users.ts";
import type { AuditSink } from "./core/access.ts";
import { sendJson } from "./core/routes/context.ts";
import type { Db } from "./db/database.ts";
import { securityHeaders } from "./security-headers.ts";

export type BffDeps = {
	db: Db;
	logger: Logger;
	users: UserService;
	principals: Principals;
	sessions: Sessions;
	throttle: LoginThrottle;
	audit: AuditSink;
	/** OIDC sign-in's routes (/c/oidc/*) and the provider's logout. */
	oidc?: OidcRoutes;
	/** Where the registry core listens (127.0.0.1, never exposed). */
	core: { app: express.Express } | { url: string };
	/** The built SPA (vite build's outDir). */
	webRoot: string;
	/** `/api/v2.0`'s routers (bff/api/index.ts). */
	apiRouter: express.Router;
	/** `/api/console`: the console's aggregation endpoints (bff/api/console/index.ts). */
	consoleRouter: express.Router;
	/** The configured external URL: a page there is this site's own (see auth/session-origin.ts). */
	externalUrl?: string;
	/** Express's `trust proxy` (WHARF_TRUST_PROXY): whose X-Forwarded-* headers count. */
	trustProxy: boolean | number | string[];
	/** The built-in scanner's pluggable scanner API, served at /scanner/builtin (its own API key guards it). */
	scanner?: express.Router;
};

const forwardedHeaders = [
	"x-forwarded-host",
	"x-forwarded-proto",
	"x-forwarded-for",
	"x-forwarded-port",
	"forwarded",
];

/** The one port users see: /v2 and /service/token streamed to the core, /api/v2.0, /c/*, and the SPA. */
export function createBffApp(deps: BffDeps): express.Express {
	const app = express();
	app.disable("x-powered-by");
	app.set("trust proxy", deps.trustProxy);

	app.use(
		pinoHttp({
			logger: deps.logger,
			genReqId: (req, res) => {
				const given = req.headers["x-request-id"];
				const id =
					typeof given === "string" && /^[\w.-]{1,128}$/.test(given)
						? given
						: randomUUID();
				res.setHeader("X-Request-Id", id);
				req.headers["x-request-id"] = id;
				return id;
			},
			// Never log credentials, cookies or tokens: requests carry them in headers, responses set them (Set-Cookie, the
			// CSRF token), so neither side's headers are logged.
			serializers: {
				req: (req) => ({
					id: req.id,
					method: req.method,
					url: req.url,
					remoteAddress: req.remoteAddress,
				}),
				res: (res) => ({ statusCode: res.statusCode }),
			},
			customLogLevel: (_req, res, err) =>
				err || res.statusCode >= 500 ? "error" : "info",
		}),
	);

	app.use(securityHeaders());

	// Forwarded headers from a peer that is not a trusted proxy are the client's own words: drop them, so neither this
	// app nor the core (in this process, or behind the proxy transport, which sets them afresh) takes them for facts.
	app.use((req, _res, next) => {
		if (!app.get("trust proxy fn")(req.socket.remoteAddress, 0))
			for (const h of forwardedHeaders) delete req.headers[h];
		next();
	});

	// The proxy would collapse `//` and hand the core another name than the client sent: refuse it here, as the core would.
	app.use("/v2", (req, res, next) => {
		if (!req.originalUrl.split("?")[0].slice(4).includes("//")) return next();
		sendJson(
			res.status(400).set("Docker-Distribution-API-Version", "registry/2.0"),
			{
				errors: [{ code: "NAME_INVALID", message: "invalid repository name" }],
			},
		);
	});

	const isCorePath = (path: string) =>
		path === "/v2" || path.startsWith("/v2/") || path === "/service/token";
	if ("app" in deps.core) {
		// Embedded: the core answers in this process; a network hop here halved manifest GETs per second (bff/bench).
		const core = deps.core.app;
		app.use((req, res, next) =>
			isCorePath(req.path) ? core(req, res, next) : next(),
		);
	} else {
		app.use(coreProxy(deps.core.url));
	}

	if (deps.scanner) app.use("/scanner/builtin", deps.scanner);

	// Past the registry core (whose blobs are compressed already and stream as they are): the console's assets and the
	// API's JSON go compressed, brotli or gzip as the client asks, brotli at a quality that keeps up with dynamic answers.
	app.use(
		compression({
			brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
		}),
	);

	app.use(sessionOriginGuard(deps.externalUrl));
	app.use(deps.sessions.middleware());
	app.use(
		createLoginRoutes({
			...deps,
			logoutRedirect: deps.oidc?.logoutRedirect,
		}),
	);
	if (deps.oidc) app.use(deps.oidc.router);
	const principal = apiPrincipal(deps.principals, deps.users);
	// Harbor's API version probe (replication adapters and clients call it before anything else), open to all.
	app.get("/api/version", (_req, res) => {
		res.json({ version: "v2.0" });
	});
	app.use("/api/v2.0", principal, deps.apiRouter);
	app.use("/api/console", principal, deps.consoleRouter);
	app.use(["/api", "/c"], (req, _res, next) =>
		next(
			notFound(`no such API: ${req.method} ${req.originalUrl.split("?")[0]}`),
		),
	);

	if (existsSync(deps.webRoot)) {
		// Vite names what it writes under /assets/ by its content's hash: a name never changes meaning, so browsers keep
		// those for a year without asking again; anything else (favicon, /swagger.yaml) for an hour; index.html never.
		const assets = `${path.sep}assets${path.sep}`;
		app.use(
			express.static(deps.webRoot, {
				index: false,
				maxAge: "1h",
				setHeaders: (res, file) => {
					if (file.startsWith(path.join(deps.webRoot, assets)))
						res.setHeader(
							"Cache-Control",
							"public, max-age=31536000, immutable",
						);
				},
			}),
		);
		const index = path.join(deps.webRoot, "index.html");
		// A missing file (a chunk of an older build after a redeploy, /robots.txt) answers 404: given index.html, the
		// browser would report a MIME error instead of a failed load. Files live under /assets/ or at the top level; a
		// deeper path with a dot is a console link (a project `my.app`, a tag `v1.0`) and gets the SPA, as does the API
		// explorer at Harbor's address for it, /devcenter-api-2.0.
		const consolePages = new Set(["/devcenter-api-2.0"]);
		const isFile = (p: string) =>
			p.startsWith("/assets/") ||
			(/^\/[^/]*\.[^/]*$/.test(p) && !consolePages.has(p));
		const page = currentIndex(index);
		app.get(/.*/, async (req, res, next) => {
			if (isFile(req.path)) return next(notFound(`no such file: ${req.path}`));
			try {
				res
					.set("Cache-Control", "no-cache")
					.type("html")
					.send(await page());
			} catch (e) {
				next(e);
			}
		});
	}
	app.use(apiErrorHandler);
	return app;
}

/**
 * index.html as last read: read again when the file changes, and still served while it is missing or half-written (a
 * build rewriting dist/ under a running server answered 500 for a moment). Its scripts are the build's they name.
 */
function currentIndex(file: string) {
	let held: { mtimeMs: number; size: number; body: Buffer } | undefined;
	return async (): Promise<Buffer> => {
		try {
			const s = await stat(file);
			if (!held || s.mtimeMs !== held.mtimeMs || s.size !== held.size) {
				const body = await readFile(file);
				// An empty file is one being written: keep the last whole one.
				if (body.length > 0 || !held)
					held = { mtimeMs: s.mtimeMs, size: s.size, body };
			}
		} catch (e) {
			if (!held) throw e;
		}
		return held!.body;
	};
}

/** Scaled out: /v2 and /service/token streamed to a core over 127.0.0.1, never buffered. */
function coreProxy(target: string) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
	return createProxyMiddleware({
		target,
		pathFilter: ["/v2", "/service/token"],
		agent,
		xfwd: true,
		proxyTimeout: 0,
		on: {
			error: (err: Error, _req: unknown, res: unknown) => {
				const out = res as http.ServerResponse;
				if ("headersSent" in out && !out.headersSent) {
					out.writeHead(502, { "Content-Type": "application/json" });
					out.end(
						JSON.stringify({
							errors: [
								{ code: "UNAVAILABLE", message: "registry core unavailable" },
							],
						}),
					);
				} else {
					(res as http.ServerResponse).destroy?.(err);
				}
			},
		},
	});
}
