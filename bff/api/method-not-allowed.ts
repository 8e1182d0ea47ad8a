import type { RequestHandler, Router } from "express";
import { ApiError } from "./errors.ts";

/** What this file reads of Express 5's router (the `router` package): its layers, their routes and nested routers. */
type Layer = {
	path?: string;
	match(path: string): boolean;
	route?: { methods: Record<string, boolean | undefined> };
	handle?: { stack?: Layer[] };
};

/** The methods the routes under `stack` answer at `path`, walking into routers mounted with `use`. */
function methodsAt(stack: Layer[], path: string, found: Set<string>) {
	for (const layer of stack) {
		if (!layer.route && !layer.handle?.stack) continue;
		if (!layer.match(path)) continue;
		if (layer.route) {
			for (const [m, on] of Object.entries(layer.route.methods))
				if (on && m !== "_all") found.add(m.toUpperCase());
		} else {
			// A mounted router sees the path without the prefix its layer matched.
			methodsAt(
				layer.handle!.stack!,
				path.slice(layer.path?.length ?? 0) || "/",
				found,
			);
		}
	}
	return found;
}

/**
 * Placed after every route of `router`: a request that no route answered, on a path some route answers with another
 * method, gets Harbor's 405 METHOD_NOT_ALLOWED (go-openapi's message) with an `Allow` header; other paths go on to 404.
 */
export function methodNotAllowed(router: Router): RequestHandler {
	return (req, _res, next) => {
		const methods = methodsAt(
			router.stack as unknown as Layer[],
			req.path,
			new Set(),
		);
		if (methods.has("GET")) methods.add("HEAD"); // Express answers HEAD with GET
		if (methods.size === 0 || methods.has(req.method)) return next();
		const allow = [...methods].sort();
		next(
			new ApiError(
				"METHOD_NOT_ALLOWED",
				`method ${req.method} is not allowed, but [${allow.join(",")}] are`,
				{ Allow: allow.join(", ") },
			),
		);
	};
}
