import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type Call,
	calls,
	type Fixtures,
	pathValues,
	prepareFixtures,
} from "./contract/requests.ts";
import {
	createValidator,
	loadSwagger,
	type Operation,
	operationsOf,
} from "./contract/swagger.ts";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const swagger = loadSwagger();
const operations = operationsOf(swagger);
const validator = createValidator(swagger);

/** Reads first, then creates, updates, and deletes last, deepest paths first (tags before artifacts before projects). */
const phase = (op: Operation) =>
	({ GET: 0, HEAD: 0, POST: 1, PUT: 2, PATCH: 2, DELETE: 3 })[op.method] ?? 4;
const ordered = [...operations].sort(
	(a, b) =>
		phase(a) - phase(b) ||
		(phase(a) === 3 ? b.path.split("/").length - a.path.split("/").length : 0),
);

function urlOf(op: Operation, call: Call, f: Fixtures): string {
	const values = { ...pathValues(f), ...call.params };
	const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
		const v = encodeURIComponent(String(values[name] ?? 1));
		// Harbor's rule: repository names (which hold `/`) are encoded twice in paths.
		return name === "repository_name" ? encodeURIComponent(v) : v;
	});
	const query = new URLSearchParams(call.query ?? {}).toString();
	return `/api/v2.0${path}${query ? `?${query}` : ""}`;
}

type Outcome = { op: Operation; status: number; problem?: string };

/** Calls one operation as a Harbor client would and judges the answer against the swagger. */
async function exercise(
	s: TestServer,
	op: Operation,
	f: Fixtures,
): Promise<Outcome | "unimplemented"> {
	const call = calls[op.id]?.(f) ?? {};
	const hasBody = op.params.some((p) => p.in === "body");
	const body = call.body ?? (hasBody ? {} : undefined);
	const r = await fetch(`${s.url}${urlOf(op, call, f)}`, {
		method: op.method,
		headers: {
			Authorization: adminAuth,
			...(body === undefined ? {} : { "Content-Type": "application/json" }),
			...call.headers,
		},
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(15_000),
	});
	const text = await r.text();
	const json = (() => {
		try {
			return text ? (JSON.parse(text) as unknown) : undefined;
		} catch {
			return undefined;
		}
	})();
	const errorMessage =
		(json as { errors?: { message?: string }[] } | undefined)?.errors?.[0]
			?.message ?? "";
	if (r.status === 404 && errorMessage.startsWith("no such API"))
		return call.mustAnswer === undefined
			? "unimplemented"
			: { op, status: 404, problem: "not implemented" };

	const problem = (p: string): Outcome => ({
		op,
		status: r.status,
		problem: p,
	});
	if (r.status >= 500)
		return problem(`answered ${r.status}: ${text.slice(0, 200)}`);
	if (call.mustAnswer !== undefined && r.status !== call.mustAnswer)
		return problem(
			`answered ${r.status}, expected ${call.mustAnswer}: ${text.slice(0, 200)}`,
		);
	if (r.status < 300) {
		const declared = op.responses[String(r.status)] ?? op.responses.default;
		if (!declared)
			return problem(
				`answered ${r.status}; the contract says ${Object.keys(op.responses).join(", ")}`,
			);
		if (r.status === 201 && !r.headers.get("location"))
			return problem("answered 201 without a Location header");
		if (op.method === "HEAD" || !declared.schema)
			return { op, status: r.status };
		// A `type: string` body is written raw (text, logs, an addition's JSON document): it is the text itself.
		const isJson = (declared.schema as { type?: string }).type !== "string";
		if (isJson && json === undefined)
			return problem(
				`answered ${r.status} with a body that is not JSON: ${text.slice(0, 200)}`,
			);
		const complaint = validator.validate(declared.schema, isJson ? json : text);
		return complaint
			? problem(`body does not match the ${r.status} schema: ${complaint}`)
			: { op, status: r.status };
	}
	if (op.method === "HEAD") return { op, status: r.status };
	const complaint =
		json === undefined
			? `not JSON: ${text.slice(0, 200)}`
			: validator.validate(validator.errorsSchema, json);
	return complaint
		? problem(`error body does not match Errors: ${complaint}`)
		: { op, status: r.status };
}

describe.each(engines)("the Harbor API contract on %s", (engine) => {
	let s: TestServer;
	let f: Fixtures;
	beforeAll(async () => {
		s = await startTestServer(engine);
		f = await prepareFixtures(s);
	});
	afterAll(() => stopTestServer(s));

	it("answers every implemented operation with bodies that match the swagger's schemas", async () => {
		const unimplemented: string[] = [];
		const outcomes: Outcome[] = [];
		for (const op of ordered) {
			const o = await exercise(s, op, f);
			if (o === "unimplemented") unimplemented.push(op.id);
			else outcomes.push(o);
		}
		const refused = outcomes
			.filter((o) => !o.problem && o.status >= 400)
			.map((o) => `${o.op.id} ${o.status}`);
		console.log(
			[
				`[${engine}] implemented ${outcomes.length} of ${operations.length} operations`,
				`unimplemented (${unimplemented.length}): ${unimplemented.join(", ")}`,
				`implemented but answered an error with the test's inputs (${refused.length}): ${refused.join(", ")}`,
			].join("\n"),
		);
		expect(
			outcomes
				.filter((o) => o.problem)
				.map((o) => `${o.op.id} (${o.op.method} ${o.op.path}): ${o.problem}`),
		).toEqual([]);
	});
});
