import { ApiError, unauthorized } from "../http/errors.ts";

export const lockedMessage =
	"too many failed sign-in attempts: try again in a few minutes";

/** Harbor's answer for refused credentials on the API and the console: 401, or 429 while the name is locked. */
export const refusedLogin = (why: "invalid" | "locked") =>
	why === "locked"
		? new ApiError("TOO_MANY_REQUEST", lockedMessage, { "Retry-After": "60" })
		: unauthorized("invalid username or password");
