import { describe, expect, it } from "vitest";
import { dnKey, escapeFilterValue } from "./ldap.ts";

describe("LDAP values", () => {
	it("escapes what RFC 4515 reserves in a filter value", () => {
		expect(escapeFilterValue("a*b(c)d\\e\0f")).toBe(
			"a\\2ab\\28c\\29d\\5ce\\00f",
		);
		expect(escapeFilterValue("alice")).toBe("alice");
	});

	it("writes two spellings of one DN alike", () => {
		expect(dnKey(" CN=Devs, OU=Groups ,dc=Example,DC=com ")).toBe(
			dnKey("cn=devs,ou=groups,dc=example,dc=com"),
		);
		expect(dnKey("cn = devs , ou=groups")).toBe("cn=devs,ou=groups");
	});
});
