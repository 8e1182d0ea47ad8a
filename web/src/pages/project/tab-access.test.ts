import { describe, expect, it } from "vitest";
import { tabAllowed } from "./tab-access.ts";

/** A `can` from grants written as "resource:action". */
const can =
	(...grants: string[]) =>
	(resource: string, action: string) =>
		grants.includes(`${resource}:${action}`);

describe("the Policy tab", () => {
	it("shows to those who see immutability rules or the retention policy, and to no one else", () => {
		expect(
			tabAllowed("policy", can("immutable-tag:list", "tag-retention:read")),
		).toBe(true); // admins, maintainers
		expect(
			tabAllowed("policy", can("tag-retention:read", "tag-retention:operate")),
		).toBe(true); // developers
		expect(tabAllowed("policy", can("repository:list", "artifact:read"))).toBe(
			false,
		); // guests
	});
});
