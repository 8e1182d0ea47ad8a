import { afterAll, beforeAll } from "vitest";
import {
	adminAuth,
	type Engine,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../../harness.ts";

/**
 * The Terraform provider's HTTP client (client/client.go, SendRequest): every call goes to `<url>/api/v2.0<path>` with
 * basic auth and `Content-Type: application/json`, its body encoded by Go's json.Encoder (with a trailing newline) or
 * none; ids are the Location header with `/api` and `/v2.0` cut out (client.GetID), e.g. `/projects/7`.
 */
export function providerClient(s: TestServer, auth = adminAuth) {
	return {
		async send(method: string, path: string, payload?: unknown) {
			const r = await fetch(`${s.url}/api/v2.0${path}`, {
				method,
				headers: { Authorization: auth, "Content-Type": "application/json" },
				body:
					payload === undefined ? undefined : `${JSON.stringify(payload)}\n`,
			});
			const text = await r.text();
			return {
				status: r.status,
				text,
				json: text ? (JSON.parse(text) as unknown) : undefined,
				location: r.headers.get("location") ?? "",
			};
		},
		idOf: (location: string) =>
			location.replaceAll("/api", "").replaceAll("/v2.0", ""),
	};
}

/** Go's `omitempty` on one struct's fields: "", 0, false, nil and empty slices are left out (nested structs never are). */
export function omitEmpty(
	fields: Record<string, unknown>,
): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(fields).filter(
			([, v]) =>
				v !== "" &&
				v !== 0 &&
				v !== false &&
				v !== undefined &&
				v !== null &&
				!(Array.isArray(v) && v.length === 0),
		),
	);
}

/** client.ParseBoolOrDefault: Go's strconv.ParseBool, an empty value taking the default. */
export function parseBoolOrDefault(
	value: string | undefined,
	fallback: boolean,
): boolean {
	if (!value) return fallback;
	if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
	if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
	throw new Error(`strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/** For a describe block: a server of its own, and the provider's client on it (read them inside tests). */
export function providerServer(engine: Engine) {
	const ctx = {} as { s: TestServer; tf: ReturnType<typeof providerClient> };
	beforeAll(async () => {
		ctx.s = await startTestServer(engine);
		ctx.tf = providerClient(ctx.s);
	});
	afterAll(() => stopTestServer(ctx.s));
	return ctx;
}
