import { Router } from "express";
import { anonymous } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { notFound } from "../errors.ts";
import { requireSysadmin } from "../project-guard.ts";
import { createSystemService } from "./service.ts";

/** systeminfo, health, ping. */
export function createSystemRouter(deps: ApiDeps): Router {
	const router = Router();
	const service = createSystemService(deps);

	// Anonymous callers get the public part, as Harbor.
	router.get("/systeminfo", async (req, res, next) => {
		try {
			const signedIn = (req.principal ?? anonymous).kind !== "anonymous";
			// req.host and req.protocol honour X-Forwarded-* only from a proxy WHARF_TRUST_PROXY trusts.
			res.json(
				await service.info(signedIn, {
					protocol: req.protocol,
					host: req.host ?? "localhost",
				}),
			);
		} catch (e) {
			next(e);
		}
	});

	router.get("/systeminfo/volumes", async (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "system-volumes", action: "read" });
			res.json(await service.volumes());
		} catch (e) {
			next(e);
		}
	});

	// Wharf does not issue its own CA: there is never a root certificate to download.
	router.get("/systeminfo/getcert", (_req, _res, next) =>
		next(
			notFound("no default root certificate: Wharf does not run its own CA"),
		),
	);

	router.get("/health", async (_req, res, next) => {
		try {
			res.json(await service.health());
		} catch (e) {
			next(e);
		}
	});

	router.get("/ping", (_req, res) => {
		res.type("text/plain").send("Pong");
	});

	return router;
}
