import { type RequestHandler, Router } from "express";
import { forbidden } from "../http/errors.ts";
import { type RequestOrigin, requestOrigin } from "./request-origin.ts";

/**
 * Where the session endpoints may be called from. `POST /c/login` and `POST /c/logout` are refused when the browser
 * says another site sent them (login CSRF signs the victim in as the attacker); a script that says nothing is welcome,
 * as every browser sends `Origin` on a POST. Harbor's `GET /c/log_out` (and `/c/logout`) carries no CSRF token, so it
 * signs out only when the browser vouches that this site sent it: a link on another site must not end a session.
 */
export function sessionOriginGuard(externalUrl?: string) {
	const router = Router();
	const only =
		(accept: (origin: RequestOrigin) => boolean): RequestHandler =>
		(req, _res, next) =>
			next(
				accept(requestOrigin(req, externalUrl))
					? undefined
					: forbidden("refused: the request comes from another site"),
			);
	router.post(
		["/c/login", "/c/logout", "/c/oidc/onboard"],
		only((origin) => origin !== "cross"),
	);
	router.get(
		["/c/log_out", "/c/logout"],
		only((origin) => origin === "same"),
	);
	return router;
}
