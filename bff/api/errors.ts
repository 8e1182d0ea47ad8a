import type { NextFunction, Request, Response } from 'express';
import { diskFullMessage, isDiskFull } from '../db/disk-full.ts';
import { CronError } from '../jobs/cron.ts';

/** Harbor's error codes with their statuses (harbor-notes §2.1). */
const statusOf = {
  BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, DENIED: 403, NOT_FOUND: 404, METHOD_NOT_ALLOWED: 405, CONFLICT: 409,
  PRECONDITION: 412, REQUEST_ENTITY_TOO_LARGE: 413, UNPROCESSABLE_ENTITY: 422, TOO_MANY_REQUEST: 429, UNKNOWN: 500,
} as const;
export type ApiErrorCode = keyof typeof statusOf;

export class ApiError extends Error {
  readonly status: number;
  constructor(readonly code: ApiErrorCode, message: string, readonly headers: Record<string, string> = {}, status: number = statusOf[code]) {
    super(message);
    this.status = status;
  }
}
export const notFound = (message: string) => new ApiError('NOT_FOUND', message);
export const badRequest = (message: string) => new ApiError('BAD_REQUEST', message);
export const unauthorized = (message = 'unauthorized') => new ApiError('UNAUTHORIZED', message);
export const forbidden = (message = 'forbidden') => new ApiError('FORBIDDEN', message);

/** Writes `{"errors":[{"code","message"}]}`; 5xx bodies never carry internals. */
export function apiErrorHandler(err: unknown, req: Request, res: Response, _next: NextFunction) {
  if (res.headersSent) { res.destroy(); return; }
  const known = err instanceof ApiError ? err
    : (err as { type?: string }).type === 'entity.parse.failed' ? badRequest('the request body is not valid JSON')
    : (err as { type?: string }).type === 'entity.too.large' ? new ApiError('REQUEST_ENTITY_TOO_LARGE', 'the request body is too large')
    // A schedule's cron that does not parse (GC, scan all, replication policies, …): the message says what Harbor's looks like.
    : err instanceof CronError ? badRequest(err.message)
    : isDiskFull(err) ? new ApiError('DENIED', diskFullMessage, {}, 507) // as /v2 answers it
    // Express's router cannot decode a path parameter (`%ff`), or a route decoding a name could not: the client's mistake.
    : err instanceof URIError ? badRequest('the path is not valid percent-encoded UTF-8')
    : null;
  if (!known) req.log?.error({ err }, 'request failed');
  const e = known ?? new ApiError('UNKNOWN', 'internal server error');
  res.status(e.status).set(e.headers).type('application/json; charset=utf-8')
    .send(JSON.stringify({ errors: [{ code: e.code, message: e.message }] }));
}
