import { badRequest } from "../errors.ts";

/**
 * Harbor's project metadata keys (the swagger's ProjectMetadata); every value is a string. `public` lives in the
 * projects row, the rest as metadata rows.
 */
const switches = [
	"public",
	"enable_content_trust",
	"enable_content_trust_cosign",
	"prevent_vul",
	"auto_scan",
	"auto_sbom_generation",
	"reuse_sys_cve_allowlist",
	"proxy_cache_local_on_not_found",
	"proxy_referrer_api",
];
const severities = ["none", "low", "medium", "high", "critical"];
/** Proxy-cache numbers: Harbor parses them as int32 (-1: no limit). */
const int32Keys = ["proxy_speed_kb", "max_upstream_conn"];
const filterKinds = ["doublestar", "regex"];
export const metadataKeys = [
	...switches,
	"severity",
	"retention_id",
	...int32Keys,
	"proxy_cache_filter_pattern",
	"proxy_cache_filter_kind",
];

/**
 * Guards that promise a protection on pull Wharf does not carry out yet. A guard stored but ignored would let through
 * what its owner meant to stop (DECISIONS.md), so turning one on is refused, saying why, until it is; "false" is
 * stored. `auto_scan` and `auto_sbom_generation` are no guards but wishes for work on push: `auto_scan` scans each
 * push with the project's scanner (bff/scanning); `auto_sbom_generation` is stored (the Terraform provider sends it)
 * and carried out once SBOMs are generated.
 */
const unenforced: Record<string, string> = {
	enable_content_trust: "Wharf does not verify Notary signatures on pull",
	enable_content_trust_cosign:
		"Wharf does not check cosign signatures on pull yet",
};

/** Go's strconv.ParseBool, which Harbor uses on these values. */
const truthy = ["1", "t", "T", "TRUE", "true", "True"];
const falsy = ["0", "f", "F", "FALSE", "false", "False"];

const int32 = /^[+-]?\d{1,10}$/;

/** One value checked and normalized ("true"/"false", lowercase severity); undefined: nothing to store. */
function normalizeValue(key: string, value: string): string | undefined {
	if (key === "severity") {
		if (!severities.includes(value.toLowerCase()))
			throw badRequest(
				`metadata severity must be one of ${severities.join(", ")}`,
			);
		return value.toLowerCase();
	}
	// A link the project's retention policy writes (POST /retentions): clients send back what they read, which is kept
	// as it is; a value is never taken from them.
	if (key === "retention_id") {
		if (value !== "" && !/^\d{1,10}$/.test(value))
			throw badRequest(
				"metadata retention_id is set by the project's tag retention policy: omit it or send it back as read",
			);
		return undefined;
	}
	if (int32Keys.includes(key)) {
		const n = Number(value);
		if (!int32.test(value) || n < -(2 ** 31) || n >= 2 ** 31)
			throw badRequest(
				`metadata ${key} must be a 32-bit integer, but got "${value}"`,
			);
		return String(n);
	}
	if (key === "proxy_cache_filter_pattern") return value;
	if (key === "proxy_cache_filter_kind") {
		if (value !== "" && !filterKinds.includes(value))
			throw badRequest(
				`metadata proxy_cache_filter_kind must be one of ${filterKinds.join(", ")}`,
			);
		return value;
	}
	if (!truthy.includes(value) && !falsy.includes(value))
		throw badRequest(`metadata ${key} must be "true" or "false"`);
	const normalized = truthy.includes(value) ? "true" : "false";
	if (normalized === "true" && unenforced[key])
		throw badRequest(
			`metadata ${key} cannot be turned on yet: ${unenforced[key]}`,
		);
	return normalized;
}

/** Checks metadata against Harbor's keys and values; answers what to store. A null value (the swagger's x-nullable) is no value. */
export function normalizeMetadata(
	input: Record<string, unknown>,
): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(input)) {
		if (!metadataKeys.includes(key))
			throw badRequest(
				`unsupported metadata key: ${key} (supported: ${metadataKeys.join(", ")})`,
			);
		if (value === null) continue;
		if (typeof value !== "string")
			throw badRequest(`metadata ${key} must be a string`);
		const normalized = normalizeValue(key, value);
		if (normalized !== undefined) out[key] = normalized;
	}
	return out;
}
