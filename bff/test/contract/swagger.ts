import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";

/**
 * Harbor's swagger 2.0 contract, read from `../shared/reference/` beside the repository (CI clones it there), and a
 * JSON-schema validator (ajv) over its definitions.
 */
const repoRoot = path.resolve(
	path.dirname(fileURLToPath(import.meta.url)),
	"../../..",
);
// Harbor's swagger (v2.13, from shared/reference), kept in the repository so the contract test runs in any clone.
export const swaggerPath = path.join(
	repoRoot,
	"bff",
	"test",
	"contract",
	"harbor-api-v2.0-swagger.yaml",
);

type Schema = Record<string, unknown>;
type Param = {
	name: string;
	in: string;
	required?: boolean;
	type?: string;
	schema?: Schema;
};
type Response = { schema?: Schema; description?: string };
export type Operation = {
	id: string;
	method: string;
	/** The path template under /api/v2.0, e.g. `/projects/{project_name}/logs`. */
	path: string;
	params: Param[];
	responses: Record<string, Response>;
	produces: string[];
};
type Swagger = {
	paths: Record<
		string,
		Record<
			string,
			{
				operationId: string;
				parameters?: (Param | { $ref: string })[];
				responses: Record<string, Response | { $ref: string }>;
				produces?: string[];
			}
		>
	>;
	parameters: Record<string, Param>;
	responses: Record<string, Response>;
	definitions: Record<string, Schema>;
	produces?: string[];
};

export function loadSwagger(): Swagger {
	if (!existsSync(swaggerPath)) {
		throw new Error(`Harbor's swagger is missing: expected ${swaggerPath} `);
	}
	return parse(readFileSync(swaggerPath, "utf8")) as Swagger;
}

const deref = <T>(x: T | { $ref: string }, table: Record<string, T>): T =>
	(typeof x === "object" && x !== null && "$ref" in x
		? table[(x as { $ref: string }).$ref.split("/").pop()!]
		: x) as T;

export function operationsOf(s: Swagger): Operation[] {
	return Object.entries(s.paths).flatMap(([p, item]) =>
		Object.entries(item)
			.filter(([method]) => method !== "parameters")
			.map(([method, op]) => ({
				id: op.operationId,
				method: method.toUpperCase(),
				path: p,
				params: (op.parameters ?? []).map((x) => deref(x, s.parameters)),
				responses: Object.fromEntries(
					Object.entries(op.responses).map(([code, r]) => [
						code,
						deref(r, s.responses),
					]),
				),
				produces: op.produces ?? s.produces ?? ["application/json"],
			})),
	);
}

/**
 * Swagger 2.0 schemas as JSON Schema, read as go-swagger (Harbor's generator) reads them: `x-nullable`/`x-isnullable`
 * admit null, `type: file` and a bare `type: object` are any value, and refs point into one schema holding every definition.
 */
function toJsonSchema(x: unknown): unknown {
	if (Array.isArray(x)) return x.map(toJsonSchema);
	if (typeof x !== "object" || x === null) return x;
	const o = x as Schema;
	const out: Schema = {};
	for (const [k, v] of Object.entries(o)) {
		if (k.startsWith("x-") || k === "example" || k === "discriminator")
			continue;
		if (k === "$ref" && typeof v === "string")
			out.$ref = v.replace(/^#\/definitions\//, "harbor#/definitions/");
		else if (k === "properties" && typeof v === "object" && v)
			out.properties = Object.fromEntries(
				Object.entries(v).map(([pk, pv]) => [pk, toJsonSchema(pv)]),
			);
		else out[k] = toJsonSchema(v);
	}
	if (out.type === "file") return {};
	// go-swagger reads a bare `type: object` (no properties) as interface{}: any JSON value (Harbor's ExtraAttrs hold strings).
	if (
		out.type === "object" &&
		!out.properties &&
		!out.additionalProperties &&
		!o["x-nullable"]
	)
		return {};
	// A $ref with siblings (descriptions) is the ref alone in draft-07.
	if (out.$ref)
		return o["x-nullable"] === true
			? { anyOf: [{ $ref: out.$ref }, { type: "null" }] }
			: { $ref: out.$ref };
	if (o["x-nullable"] === true || o["x-isnullable"] === true)
		return { anyOf: [out, { type: "null" }] };
	return out;
}

export type Validator = {
	validate(schema: Schema | undefined, body: unknown): string | null;
	errorsSchema: Schema;
};

export function createValidator(s: Swagger): Validator {
	const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
	(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
	// Swagger's numeric formats: the type already says integer or number.
	for (const f of [
		"int8",
		"int32",
		"int64",
		"uint64",
		"int",
		"float",
		"float64",
		"double",
	])
		ajv.addFormat(f, true);
	ajv.addSchema({
		$id: "harbor",
		definitions: Object.fromEntries(
			Object.entries(s.definitions).map(([k, v]) => [k, toJsonSchema(v)]),
		),
	});
	const compiled = new Map<string, ValidateFunction>();
	return {
		errorsSchema: { $ref: "#/definitions/Errors" },
		/** null when `body` matches the swagger schema, else ajv's complaints. */
		validate(schema, body) {
			if (!schema) return null;
			const key = JSON.stringify(schema);
			let v = compiled.get(key);
			if (!v) {
				v = ajv.compile(toJsonSchema(schema) as Schema);
				compiled.set(key, v);
			}
			return v(body) ? null : ajv.errorsText(v.errors, { separator: "; " });
		},
	};
}
