/** The parts of a Swagger 2.0 document the explorer shows. */
type Ref = { $ref: string };
type Schema = Ref | { type?: string; items?: Schema; description?: string };
export type Parameter = {
	name: string;
	in: string;
	type?: string;
	required?: boolean;
	description?: string;
	schema?: Schema;
	items?: { type?: string };
};
type Operation = {
	tags?: string[];
	summary?: string;
	description?: string;
	operationId?: string;
	deprecated?: boolean;
	parameters?: (Parameter | Ref)[];
	responses?: Record<string, { description?: string; schema?: Schema } | Ref>;
};
export type SwaggerDoc = {
	info?: { title?: string; version?: string; description?: string };
	basePath?: string;
	tags?: { name: string; description?: string }[];
	paths?: Record<string, Record<string, Operation | (Parameter | Ref)[]>>;
	parameters?: Record<string, Parameter>;
	responses?: Record<string, { description?: string; schema?: Schema }>;
};

export type Op = {
	method: string;
	path: string;
	tag: string;
	summary: string;
	description: string;
	operationId: string;
	deprecated: boolean;
	parameters: Parameter[];
	responses: { code: string; description: string; schema: string | null }[];
};

const methods = ["get", "head", "post", "put", "patch", "delete", "options"];
const isRef = (x: unknown): x is Ref =>
	!!x && typeof x === "object" && typeof (x as Ref).$ref === "string";
/** `#/definitions/Project` → `Project`. */
export const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

/** A schema in one short phrase: its definition's name, or `array of X`, or its type. */
export function schemaText(s: Schema | undefined): string | null {
	if (!s) return null;
	if (isRef(s)) return refName(s.$ref);
	if (s.type === "array") return `array of ${schemaText(s.items) ?? "any"}`;
	return s.type ?? null;
}

/**
 * Every operation of the document, grouped by its first tag in the document's order of tags (an untagged one under
 * "other"), with shared parameters and responses resolved and path-level parameters included.
 */
export function operationsByTag(
	doc: SwaggerDoc,
): { tag: string; description: string; ops: Op[] }[] {
	const param = (p: Parameter | Ref): Parameter | null =>
		isRef(p) ? (doc.parameters?.[refName(p.$ref)] ?? null) : p;
	const groups = new Map<string, Op[]>(
		(doc.tags ?? []).map((t) => [t.name, []]),
	);
	for (const [path, item] of Object.entries(doc.paths ?? {})) {
		const shared = Array.isArray(item.parameters) ? item.parameters : [];
		for (const method of methods) {
			const op = item[method] as Operation | undefined;
			if (!op || Array.isArray(op)) continue;
			const tag = op.tags?.[0] ?? "other";
			const responses = Object.entries(op.responses ?? {}).map(([code, r]) => {
				const resp = isRef(r) ? doc.responses?.[refName(r.$ref)] : r;
				return {
					code,
					description: resp?.description ?? "",
					schema: schemaText(resp?.schema),
				};
			});
			if (!groups.has(tag)) groups.set(tag, []);
			groups.get(tag)!.push({
				method,
				path,
				tag,
				summary: op.summary ?? "",
				description: op.description ?? "",
				operationId: op.operationId ?? "",
				deprecated: !!op.deprecated,
				parameters: [...shared, ...(op.parameters ?? [])]
					.map(param)
					.filter((p): p is Parameter => p !== null),
				responses,
			});
		}
	}
	const about = new Map(
		(doc.tags ?? []).map((t) => [t.name, t.description ?? ""]),
	);
	return [...groups]
		.filter(([, ops]) => ops.length > 0)
		.map(([tag, ops]) => ({ tag, description: about.get(tag) ?? "", ops }));
}

/** Whether an operation matches what was typed: its path, summary, operation id or tag, ignoring case. */
export const matches = (op: Op, q: string) => {
	const needle = q.trim().toLowerCase();
	return (
		!needle ||
		[op.path, op.summary, op.operationId, op.tag, op.method].some((x) =>
			x.toLowerCase().includes(needle),
		)
	);
};
