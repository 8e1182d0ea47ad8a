import { Router } from "express";
import { z } from "zod";
import { createOidcClient } from "../../auth/oidc.ts";
import type { ApiDeps } from "../deps.ts";
import { badRequest } from "../errors.ts";
import { requireSysadmin } from "../project-guard.ts";
import { parseWith } from "../request-body.ts";

const pingReq = z.object({
	url: z.string().min(1).max(4096),
	verify_cert: z.boolean().optional(),
});

/** The `oidc` tag: `POST /system/oidc/ping` tries a provider's discovery document (system admins), as Harbor. */
export function createOidcRouter(_deps: ApiDeps): Router {
	const router = Router();
	const oidc = createOidcClient();
	router.post("/system/oidc/ping", async (req, res, next) => {
		try {
			requireSysadmin(req);
			const body = parseWith(pingReq, req.body ?? {});
			try {
				await oidc.ping(body.url, body.verify_cert ?? true);
			} catch (e) {
				throw badRequest(
					`failed to verify connection to the OIDC provider: ${(e as Error).message}`,
				);
			}
			res.status(200).end();
		} catch (e) {
			next(e);
		}
	});
	return router;
}
