import { describe, expect, it } from "vitest";
import { createValidator, loadSwagger, operationsOf } from "./swagger.ts";

describe("the swagger contract reader", () => {
	const swagger = loadSwagger();
	const v = createValidator(swagger);

	it("finds every operation of Harbor's API", () => {
		const ops = operationsOf(swagger);
		expect(ops).toHaveLength(203);
		expect(ops.find((o) => o.id === "getLogs")).toMatchObject({
			method: "GET",
			path: "/projects/{project_name}/logs",
		});
	});

	it("refuses bodies whose fields have the wrong type or format, through $refs", () => {
		expect(
			v.validate({ type: "array", items: { $ref: "#/definitions/AuditLog" } }, [
				{ id: 1, op_time: "2024-01-01T00:00:00Z" },
			]),
		).toBeNull();
		expect(
			v.validate(
				{ $ref: "#/definitions/AuditLog" },
				{ id: "1", op_time: "yesterday" },
			),
		).toMatch(/id must be integer.*op_time must match format "date-time"/);
		expect(
			v.validate(
				{ $ref: "#/definitions/Project" },
				{ metadata: { public: true } },
			),
		).toMatch(/metadata\/public must be string/);
		expect(v.validate(v.errorsSchema, { errors: [{ code: 404 }] })).toMatch(
			/code must be string/,
		);
	});

	it("admits null only where the swagger says x-nullable, and any value for go-swagger's bare objects", () => {
		expect(
			v.validate({ $ref: "#/definitions/GeneralInfo" }, { auth_mode: null }),
		).toBeNull();
		expect(
			v.validate({ $ref: "#/definitions/AuditLog" }, { username: null }),
		).toMatch(/username must be string/);
		expect(
			v.validate(
				{ $ref: "#/definitions/ExtraAttrs" },
				{ architecture: "amd64" },
			),
		).toBeNull();
	});
});
