import type { Request, RequestHandler } from "express";
import type { WriteGuard } from "../../core/access.ts";
import { RegistryError } from "../../core/errors.ts";
import type { Db } from "../../db/database.ts";
import type { ApiDeps } from "../deps.ts";
import { forbidden } from "../errors.ts";
import { readSetting } from "./settings.ts";

export const readOnlyMessage = "the registry is in read-only mode";
const writes = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Read-only mode on /v2: refuses every push and delete while it is on. The flag is read each time (one row), so every replica agrees. */
export function createReadOnlyGuard(db: Db): Pick<WriteGuard, "beforeWrite"> {
	return {
		beforeWrite: async () => {
			if (await readSetting(db, "read_only"))
				throw new RegistryError("DENIED", readOnlyMessage);
		},
	};
}

/**
 * The one write allowed in read-only mode, as in Harbor: PUT /configurations, which turns it off and may change other
 * settings meanwhile (Terraform's harbor_config_system sends `read_only` and the rest on every apply).
 */
const isConfigurationUpdate = (req: Request) =>
	req.method === "PUT" && req.path === "/configurations";

/** Read-only mode on /api/v2.0: refuses every write while it is on. */
export function readOnlyApi(deps: ApiDeps): RequestHandler {
	return async (req, _res, next) => {
		try {
			if (
				writes.has(req.method) &&
				!isConfigurationUpdate(req) &&
				(await readSetting(deps.db, "read_only"))
			)
				throw forbidden(readOnlyMessage);
			next();
		} catch (e) {
			next(e);
		}
	};
}
