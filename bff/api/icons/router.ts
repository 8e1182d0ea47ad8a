import { Router } from "express";
import { isDigest } from "../../core/digest.ts";
import type { ApiDeps } from "../deps.ts";
import { badRequest, notFound } from "../errors.ts";
import { iconJson } from "./icons.ts";

/** icon: the artifact type icons, public like Harbor's (they reveal nothing about any project). */
export function createIconsRouter(_deps: ApiDeps): Router {
	const router = Router();
	router.get("/icons/:digest", (req, res) => {
		if (!isDigest(req.params.digest))
			throw badRequest(`invalid digest: ${req.params.digest.slice(0, 100)}`);
		const icon = iconJson(req.params.digest);
		if (!icon) throw notFound(`icon ${req.params.digest} not found`);
		res.set("Cache-Control", "public, max-age=86400").json(icon);
	});
	return router;
}
