/**
 * Why a call to a remote registry failed, in words an admin can act on: the remote could not be reached (or its TLS
 * certificate was refused), it refused the credentials, it has no such thing, or it answered something else.
 */
export type V2ErrorKind =
	| "unreachable"
	| "tls"
	| "unauthorized"
	| "denied"
	| "not-found"
	| "http";

export class V2Error extends Error {
	constructor(
		readonly kind: V2ErrorKind,
		message: string,
		readonly status?: number,
	) {
		super(message);
	}
}

const tlsCodes = new Set([
	"UNABLE_TO_VERIFY_LEAF_SIGNATURE",
	"DEPTH_ZERO_SELF_SIGNED_CERT",
	"SELF_SIGNED_CERT_IN_CHAIN",
	"CERT_HAS_EXPIRED",
	"ERR_TLS_CERT_ALTNAME_INVALID",
	"UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
	"CERT_NOT_YET_VALID",
	"ERR_SSL_WRONG_VERSION_NUMBER",
]);

/** A socket-level failure (refused, unknown host, timeout, certificate) as a V2Error naming the remote. */
export function networkError(url: string, err: unknown): V2Error {
	if (err instanceof V2Error) return err;
	const e = err as {
		code?: string;
		cause?: { code?: string };
		message?: string;
	};
	const code = e.code ?? e.cause?.code ?? "";
	if (tlsCodes.has(code) || /certificate|ssl/i.test(e.message ?? "")) {
		return new V2Error(
			"tls",
			`the TLS certificate of ${url} was not accepted (${code || e.message}); give the endpoint its CA certificate, or mark it insecure`,
		);
	}
	return new V2Error(
		"unreachable",
		`cannot reach ${url}: ${code || e.message || "connection failed"}`,
	);
}
