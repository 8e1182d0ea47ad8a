import { describe, expect, it } from "vitest";
import { parseQuery } from "../../../bff/api/harbor-query.ts";
import { auditChange, auditFilterChoices, auditQ } from "./audit-logs.ts";

describe("auditFilterChoices", () => {
	it("offers the server's event types split into operation and resource type, then every operation the server records", () => {
		const choices = auditFilterChoices([
			{ event_type: "create_artifact" },
			{ event_type: "pull_artifact" },
			{ event_type: "update_configuration" },
		]);
		expect(choices.operations.slice(0, 3)).toEqual([
			"create",
			"pull",
			"update",
		]);
		for (const op of [
			"create",
			"update",
			"delete",
			"pull",
			"disable",
			"login_failed",
		])
			expect(choices.operations).toContain(op);
		expect(choices.resourceTypes).toContain("configuration");
		expect(new Set(choices.operations).size).toBe(choices.operations.length);
	});

	it("falls back to the recorded operations when the server's list cannot be read", () => {
		expect(auditFilterChoices(undefined).operations).toEqual([
			"create",
			"update",
			"delete",
			"pull",
			"disable",
			"login_failed",
		]);
	});
});

describe("auditQ", () => {
	it("writes the filters in Harbor's q, read back whole by the server", () => {
		const q = auditQ({
			username: "a,b",
			operation: "login_failed",
			from: "2024-04-09T02:36:00.000Z",
		});
		expect(parseQuery(q, ["username", "operation", "op_time"])).toEqual([
			{ key: "username", op: "fuzzy", value: "a,b" },
			{ key: "operation", op: "exact", value: "login_failed" },
			{
				key: "op_time",
				op: "range",
				min: "2024-04-09 02:36:00",
				max: undefined,
			},
		]);
		expect(auditQ({})).toBeUndefined();
	});
});

describe("what an audit event changed", () => {
	const row = {
		id: 1,
		username: "admin",
		resource: "alice",
		resource_type: "user",
		operation: "update",
		op_time: "",
	};
	it("is what follows the description written from the row, else nothing", () => {
		expect(
			auditChange({
				...row,
				operation_description: "update user alice: sysadmin_flag: false → true",
			}),
		).toBe("sysadmin_flag: false → true");
		expect(
			auditChange({ ...row, operation_description: "update user alice" }),
		).toBeNull();
		expect(auditChange(row)).toBeNull();
	});
});
