import type { NextFunction, Request, Response } from "express";
import { diskFullMessage, isDiskFull } from "../db/disk-full.ts";
import { ApiError, badRequest } from "../http/errors.ts";
import { CronError } from "../jobs/cron.ts";

// The error family lives below both `auth/` and `api/` (layers.test.ts); the slices keep importing it from here.
export {
	ApiError,
	type ApiErrorCode,
	badRequest,
	forbidden,
	notFound,
	unauthorized,
} from "../http/errors.ts";

/** Writes `{"errors":[{"code","message"}]}`; 5xx bodies never carry internals. */
export function apiErrorHandler(
	err: unknown,
	req: Request,
	res: Response,
	_next: NextFunction,
) {
	if (res.headersSent) {
		res.destroy();
		return;
	}
	const known =
		err instanceof ApiError
			? err
			: (err as { type?: string }).type === "entity.parse.failed"
				? badRequest("the request body is not valid JSON")
				: (err as { type?: string }).type === "entity.too.large"
					? new ApiError(
							"REQUEST_ENTITY_TOO_LARGE",
							"the request body is too large",
						)
					: // A schedule's cron that does not parse (GC, scan all, replication policies, …): the message says what Harbor's looks like.
						err instanceof CronError
						? badRequest(err.message)
						: isDiskFull(err)
							? new ApiError("DENIED", diskFullMessage, {}, 507) // as /v2 answers it
							: // Express's router cannot decode a path parameter (`%ff`), or a route decoding a name could not: the client's mistake.
								err instanceof URIError
								? badRequest("the path is not valid percent-encoded UTF-8")
								: null;
	if (!known) req.log?.error({ err }, "request failed");
	const e = known ?? new ApiError("UNKNOWN", "internal server error");
	res
		.status(e.status)
		.set(e.headers)
		.type("application/json; charset=utf-8")
		.send(JSON.stringify({ errors: [{ code: e.code, message: e.message }] }));
}
