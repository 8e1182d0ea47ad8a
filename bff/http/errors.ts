/**
 * The typed error family every layer above the database may throw (auth, the API slices and their stores, jobs):
 * Harbor's error codes with their HTTP statuses. It imports nothing, so `auth/` and `api/` both stand on it; the
 * middleware that writes these as Harbor's `{"errors":[…]}` is `api/errors.ts`.
 */

/** Harbor's error codes with their statuses (harbor-notes §2.1). */
const statusOf = {
	BAD_REQUEST: 400,
	UNAUTHORIZED: 401,
	FORBIDDEN: 403,
	DENIED: 403,
	NOT_FOUND: 404,
	METHOD_NOT_ALLOWED: 405,
	CONFLICT: 409,
	PRECONDITION: 412,
	REQUEST_ENTITY_TOO_LARGE: 413,
	UNPROCESSABLE_ENTITY: 422,
	TOO_MANY_REQUEST: 429,
	UNKNOWN: 500,
} as const;
export type ApiErrorCode = keyof typeof statusOf;

export class ApiError extends Error {
	readonly status: number;
	constructor(
		readonly code: ApiErrorCode,
		message: string,
		readonly headers: Record<string, string> = {},
		status: number = statusOf[code],
	) {
		super(message);
		this.status = status;
	}
}
export const notFound = (message: string) => new ApiError("NOT_FOUND", message);
export const badRequest = (message: string) =>
	new ApiError("BAD_REQUEST", message);
export const unauthorized = (message = "unauthorized") =>
	new ApiError("UNAUTHORIZED", message);
export const forbidden = (message = "forbidden") =>
	new ApiError("FORBIDDEN", message);
