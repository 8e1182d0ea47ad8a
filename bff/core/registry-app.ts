import { finished } from "node:stream";
import express, {
	type NextFunction,
	type Request,
	type Response,
} from "express";
import { isDiskFull } from "../db/disk-full.ts";
import type { Caller, RegistryAction, RegistryAuthorizer } from "./access.ts";
import { bearerChallenge } from "./challenge.ts";
import { diskFull, RegistryError } from "./errors.ts";
import { backgroundHeader } from "./foreground.ts";
import { isRepositoryName, parseRepositoryName } from "./names.ts";
import { blob, startUpload, upload } from "./routes/blobs.ts";
import {
	type CoreServices,
	type RepoRequest,
	sendJson,
} from "./routes/context.ts";
import { catalog, referrers, tagsList } from "./routes/listings.ts";
import { manifest } from "./routes/manifests.ts";

export type RegistryAppOptions = {
	services: CoreServices;
	authorizer: RegistryAuthorizer;
	/** The external URL, for token realms; unset: derived from the request's Host. */
	externalUrl?: string;
	/** `/service/token`, served beside `/v2` (it lives in bff/auth and is injected). */
	tokenHandler?: express.RequestHandler;
	service?: string;
};

const apiVersion = { "Docker-Distribution-API-Version": "registry/2.0" };

// `<name>/(manifests/<ref> | blobs/uploads/<id>? | blobs/<digest> | tags/list | referrers/<digest>)`
const routePattern =
	/^\/v2\/(.+?)\/(manifests\/[^/]+|blobs\/uploads\/[^/]*|blobs\/[^/]+|tags\/list|referrers\/[^/]+)$/;

/** A blob's bytes going up (an upload's POST, PATCH or PUT) or down (a blob GET); `path` is under /v2. */
function isBlobTransfer(method: string, path: string): boolean {
	if (method === "GET")
		return /\/blobs\/[^/]+$/.test(path) && !path.endsWith("/blobs/uploads");
	return (
		(method === "POST" || method === "PATCH" || method === "PUT") &&
		path.includes("/blobs/uploads/")
	);
}

/** The registry action a request needs (the policy decides who holds it). Cancelling an upload is part of pushing. */
function actionFor(method: string, rest: string): RegistryAction {
	if (method === "GET" || method === "HEAD") return "pull";
	if (method === "DELETE" && !rest.startsWith("blobs/uploads/"))
		return "delete";
	return "push";
}

/** The OCI distribution API (`/v2`) of the embedded registry core. */
export function createRegistryApp(opts: RegistryAppOptions): express.Express {
	const { services, authorizer } = opts;
	const service = opts.service ?? "harbor-registry";
	const app = express();
	app.disable("x-powered-by");
	app.set("etag", false);
	app.set("query parser", "simple");

	// req.protocol and req.host honour X-Forwarded-* only from a proxy the configuration trusts (WHARF_TRUST_PROXY).
	const realm = (req: Request) =>
		`${opts.externalUrl ?? `${req.protocol}://${req.host}`}/service/token`;

	/** 401 or 403 for a caller who may not do what it asked; the same whatever the project's existence. */
	function refuse(
		req: Request,
		caller: Caller,
		scope: string | null,
		action: string,
	): RegistryError {
		if (caller.via === "basic") {
			return new RegistryError(
				"DENIED",
				`requested access to the resource is denied${scope ? `: ${scope}` : ""}`,
			);
		}
		const err = new RegistryError(
			"UNAUTHORIZED",
			caller.anonymous && caller.via === "none"
				? "authentication required"
				: `unauthorized to access repository: ${scope?.split(":")[1] ?? ""}, action: ${action}`,
		);
		const challenge: [string, string][] = [
			["realm", realm(req)],
			["service", service],
		];
		if (scope) challenge.push(["scope", scope]);
		if (caller.via === "token") challenge.push(["error", "insufficient_scope"]);
		(err as RegistryError & { headers?: Record<string, string> }).headers = {
			"WWW-Authenticate": bearerChallenge(challenge),
		};
		return err;
	}

	if (opts.tokenHandler) app.get("/service/token", opts.tokenHandler);

	app.use("/v2", (_req, res, next) => {
		res.set(apiVersion);
		next();
	});

	// Clients' blob bytes in flight, for background work to give way to, until the answer is sent or the client left.
	const gauge = services.foreground;
	if (gauge) {
		app.use("/v2", (req, res, next) => {
			if (
				isBlobTransfer(req.method, req.path) &&
				!req.headers[backgroundHeader]
			)
				res.once("close", gauge.begin());
			next();
		});
	}

	app.all(/^\/v2\/?$/, async (req, res, next) => {
		try {
			const caller = await authorizer.authenticate(
				req.headers.authorization,
				req.ip ?? "",
			);
			if (caller.anonymous) throw refuse(req, caller, null, "login");
			sendJson(res.status(200), {});
		} catch (e) {
			next(e);
		}
	});

	app.get("/v2/_catalog", async (req, res, next) => {
		try {
			const caller = await authorizer.authenticate(
				req.headers.authorization,
				req.ip ?? "",
			);
			if (caller.anonymous)
				throw refuse(req, caller, "registry:catalog:*", "*");
			await catalog(req, res, caller, services);
		} catch (e) {
			next(e);
		}
	});

	app.use("/v2", async (req, res, next) => {
		try {
			const m = routePattern.exec(req.path === "/" ? "/v2/" : `/v2${req.path}`);
			if (!m)
				throw new RegistryError(
					"NAME_INVALID",
					"invalid repository name or path",
					undefined,
					404,
				);
			const [, rawName, rest] = m;
			const { project, name } = parseRepositoryName(rawName);
			const caller = await authorizer.authenticate(
				req.headers.authorization,
				req.ip ?? "",
			);
			const action = actionFor(req.method, rest);
			if (!(await caller.can(name, action))) {
				const actions =
					action === "pull"
						? "pull"
						: action === "push"
							? "pull,push"
							: "delete";
				let scope = `repository:${name}:${actions}`;
				// A mount also reads the source: challenged for both (as distribution does), a client that asks for exactly
				// these scopes gets a token that mounts instead of uploading the blob again.
				const from =
					req.method === "POST" && rest === "blobs/uploads/" && req.query.mount
						? req.query.from
						: undefined;
				if (typeof from === "string" && from !== name && isRepositoryName(from))
					scope += ` repository:${from}:pull`;
				throw refuse(req, caller, scope, action);
			}
			const proxy = (await services.proxies?.of(project)) ?? null;
			if (proxy && action === "push") {
				throw new RegistryError(
					"DENIED",
					`project ${project} is a proxy cache of ${proxy.upstream}: pushing into it is not allowed, pull through it instead`,
				);
			}
			if (action !== "pull") await services.guard.beforeWrite(project);
			// A proxy may keep a repository under another name (Docker Hub's `library/`): everything below uses that one.
			const local = proxy ? proxy.localName(name) : name;
			const row = await services.store.findRepository(local);
			const projectRow = row
				? { id: row.project_id }
				: await services.store.findProject(project);
			if (!projectRow)
				throw new RegistryError(
					"NAME_UNKNOWN",
					`project ${project} not found`,
					{ name },
				);
			const r: RepoRequest = {
				req,
				res,
				caller,
				name: local,
				project,
				rest,
				services,
				proxy,
				repo: row
					? { id: row.id, projectId: row.project_id, name: local }
					: null,
			};
			const ensureRepo = async () => {
				r.repo ??= {
					id: await services.store.ensureRepository(projectRow.id, local),
					projectId: projectRow.id,
					name: local,
				};
				return r.repo;
			};

			const [kind, ...tail] = rest.split("/");
			const arg = tail.join("/");
			if (kind === "manifests") return await manifest(r, arg, ensureRepo);
			if (kind === "tags") return await tagsList(r);
			if (kind === "referrers") return await referrers(r, arg);
			if (rest.startsWith("blobs/uploads/")) {
				const id = rest.slice("blobs/uploads/".length);
				if (id === "" && req.method === "POST")
					return await startUpload(r, ensureRepo);
				if (id === "")
					throw new RegistryError(
						"UNSUPPORTED",
						"method not allowed",
						undefined,
						405,
					);
				return await upload(r, id);
			}
			if (
				req.method === "GET" ||
				req.method === "HEAD" ||
				req.method === "DELETE"
			)
				return await blob(r, arg);
			throw new RegistryError(
				"UNSUPPORTED",
				"method not allowed",
				undefined,
				405,
			);
		} catch (e) {
			next(e);
		}
	});

	app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
		if (res.headersSent) {
			res.destroy();
			return;
		}
		const e = err instanceof RegistryError ? err : toRegistryError(err);
		if (e.status >= 500) req.log?.error({ err }, "registry request failed");
		const send = () => {
			res
				.status(e.status)
				.set(
					(e as RegistryError & { headers?: Record<string, string> }).headers ??
						{},
				);
			if (req.method === "HEAD") {
				res.end();
				return;
			}
			sendJson(res, e.toJSON());
		};
		// Refused before its body was read (too large, wrong offset, unknown upload): answer once the rest is drained.
		// The BFF's proxy stops forwarding a body once the answer is complete, which would leave both keep-alive
		// connections stalled mid-body; Node would read and discard the rest after the answer anyway.
		if (req.complete || req.destroyed) {
			send();
			return;
		}
		finished(req, (gone) => (gone ? res.destroy() : send()));
		req.unpipe(); // a stream the body was piped into, left unread by the failure, would pause it for good
		req.resume();
	});
	return app;
}

function toRegistryError(err: unknown): RegistryError {
	// A path or query the client encoded badly (`%ff`) is its mistake, not the registry's.
	if (err instanceof URIError)
		return new RegistryError(
			"UNSUPPORTED",
			"the path is not valid percent-encoded UTF-8",
			undefined,
			400,
		);
	const code = (err as NodeJS.ErrnoException)?.code;
	if (
		code === "ABORT_ERR" ||
		code === "ECONNRESET" ||
		code === "ERR_STREAM_PREMATURE_CLOSE"
	) {
		return new RegistryError(
			"BLOB_UPLOAD_INVALID",
			"the request body ended early",
		);
	}
	if (isDiskFull(err)) return diskFull();
	return new RegistryError("UNKNOWN", "internal server error");
}
