import { RegistryError } from "../core/errors.ts";
import { V2Error } from "../replication/v2-errors.ts";

/** Whether the upstream said it has no such thing (as opposed to failing to answer). */
export const notFoundUpstream = (e: unknown) =>
	e instanceof V2Error && e.status === 404;

/**
 * An upstream failure with nothing cached to fall back on, as the client is told it: 429 stays 429 (the client may
 * wait and retry), anything else (down, refused credentials, a 5xx) is 503 UNAVAILABLE naming the cause.
 */
export function upstreamFailure(upstream: string, e: unknown): RegistryError {
	if (e instanceof RegistryError) return e;
	if (e instanceof V2Error && e.status === 429) {
		return new RegistryError(
			"TOOMANYREQUESTS",
			`the upstream registry ${upstream} is rate-limiting pulls (429) and nothing is cached yet: try again later`,
		);
	}
	const why = e instanceof Error ? e.message : String(e);
	return new RegistryError(
		"UNAVAILABLE",
		`the upstream registry ${upstream} did not answer and nothing is cached: ${why}`,
	);
}
