import { describe, expect, it } from "vitest";
import { normalizeMetadata } from "./metadata.ts";
import { checkProjectName } from "./service.ts";

describe("project metadata", () => {
	it("normalizes switches the way Go parses booleans, and severity to lowercase", () => {
		expect(
			normalizeMetadata({
				public: "True",
				auto_scan: "0",
				reuse_sys_cve_allowlist: "t",
				severity: "CRITICAL",
			}),
		).toEqual({
			public: "true",
			auto_scan: "false",
			reuse_sys_cve_allowlist: "true",
			severity: "critical",
		});
	});

	it("refuses unknown keys and non-string values, and takes null as no value", () => {
		expect(() => normalizeMetadata({ color: "red" })).toThrow(
			"unsupported metadata key: color",
		);
		expect(() => normalizeMetadata({ public: true })).toThrow(
			"metadata public must be a string",
		);
		expect(() => normalizeMetadata({ severity: "urgent" })).toThrow(
			"metadata severity must be one of",
		);
		expect(normalizeMetadata({ prevent_vul: null, severity: "low" })).toEqual({
			severity: "low",
		});
	});

	it("takes every key of the swagger's ProjectMetadata, as the Terraform provider sends them", () => {
		expect(
			normalizeMetadata({
				public: "false",
				enable_content_trust: "false",
				enable_content_trust_cosign: "false",
				prevent_vul: "false",
				severity: "low",
				auto_scan: "false",
				auto_sbom_generation: "false",
				reuse_sys_cve_allowlist: "true",
				retention_id: "",
				proxy_speed_kb: "-1",
				max_upstream_conn: "-1",
				proxy_cache_local_on_not_found: "false",
				proxy_referrer_api: "true",
				proxy_cache_filter_pattern: "library/**",
				proxy_cache_filter_kind: "doublestar",
			}),
		).toEqual({
			public: "false",
			enable_content_trust: "false",
			enable_content_trust_cosign: "false",
			prevent_vul: "false",
			severity: "low",
			auto_scan: "false",
			auto_sbom_generation: "false",
			reuse_sys_cve_allowlist: "true",
			proxy_speed_kb: "-1",
			max_upstream_conn: "-1",
			proxy_cache_local_on_not_found: "false",
			proxy_referrer_api: "true",
			proxy_cache_filter_pattern: "library/**",
			proxy_cache_filter_kind: "doublestar",
		});
	});

	it("takes proxy numbers within int32 only, as Harbor parses them", () => {
		expect(
			normalizeMetadata({
				proxy_speed_kb: "2147483647",
				max_upstream_conn: "-2147483648",
			}),
		).toEqual({
			proxy_speed_kb: "2147483647",
			max_upstream_conn: "-2147483648",
		});
		expect(() => normalizeMetadata({ proxy_speed_kb: "2147483648" })).toThrow(
			"metadata proxy_speed_kb must be a 32-bit integer",
		);
		expect(() =>
			normalizeMetadata({ max_upstream_conn: "-2147483649" }),
		).toThrow("metadata max_upstream_conn must be a 32-bit integer");
		expect(() => normalizeMetadata({ proxy_speed_kb: "1.5" })).toThrow(
			"32-bit integer",
		);
		expect(() => normalizeMetadata({ proxy_speed_kb: "" })).toThrow(
			"32-bit integer",
		);
		expect(() =>
			normalizeMetadata({ proxy_cache_filter_kind: "glob" }),
		).toThrow("proxy_cache_filter_kind must be one of doublestar, regex");
	});

	it("takes retention_id as read back (empty or an id) and stores nothing for it: the retention policy owns that link", () => {
		expect(normalizeMetadata({ retention_id: "" })).toEqual({});
		expect(normalizeMetadata({ retention_id: "12" })).toEqual({});
		expect(() => normalizeMetadata({ retention_id: "latest" })).toThrow(
			"retention_id is set by the project's tag retention policy",
		);
	});

	it("refuses to turn on a pull guard Wharf does not enforce yet, naming why, and stores it off", () => {
		const reasons = {
			enable_content_trust: "Notary",
			enable_content_trust_cosign: "cosign",
		};
		for (const [key, why] of Object.entries(reasons)) {
			expect(() => normalizeMetadata({ [key]: "true" })).toThrow(
				`metadata ${key} cannot be turned on yet`,
			);
			expect(() => normalizeMetadata({ [key]: "1" })).toThrow(why);
			expect(normalizeMetadata({ [key]: "false" })).toEqual({ [key]: "false" });
		}
	});

	it("stores prevent_vul, which the pull policy enforces (bff/scanning/pull-policy.ts)", () => {
		expect(
			normalizeMetadata({ prevent_vul: "true", severity: "High" }),
		).toEqual({ prevent_vul: "true", severity: "high" });
	});

	it("stores the on-push wishes auto_scan and auto_sbom_generation either way: no guard, work for the scanner", () => {
		expect(
			normalizeMetadata({ auto_scan: "true", auto_sbom_generation: "1" }),
		).toEqual({ auto_scan: "true", auto_sbom_generation: "true" });
	});
});

describe("project names", () => {
	it("takes Harbor names and says why others are refused", () => {
		for (const ok of ["a", "library", "my.team_1-x", "0"])
			expect(checkProjectName(ok)).toBe(ok);
		for (const bad of [
			"Upper",
			"-lead",
			"trail.",
			"two..dots",
			"sp ace",
			"a/b",
		])
			expect(() => checkProjectName(bad)).toThrow("lower case");
		expect(() => checkProjectName("")).toThrow("project_name is required");
		expect(() => checkProjectName("a".repeat(256))).toThrow(
			"1 to 255 characters",
		);
	});
});
