/** The one API client: JSON in and out, the CSRF token echoed on writes, Harbor errors turned into ApiError. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly requestId: string | null,
	) {
		super(message);
	}
}

/** The code of the ApiError (status 0) thrown when the server could not be reached at all. */
export const NETWORK_ERROR = "NETWORK";

let csrfToken: string | null = null;
const unsafe = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Called when the session is gone; the shell sends the user to sign-in with the way back. */
let onUnauthorized: (() => void) | null = null;
export const setUnauthorizedHandler = (fn: () => void) => {
	onUnauthorized = fn;
};

export type Paged<T> = { items: T[]; total: number };

async function request(
	method: string,
	path: string,
	body?: unknown,
	init: RequestInit = {},
): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set("Accept", "application/json");
	// A file goes as it is, typed by the browser; anything else as JSON.
	const raw = body instanceof URLSearchParams || body instanceof Blob;
	if (body !== undefined && !raw)
		headers.set("Content-Type", "application/json");
	if (unsafe.has(method) && csrfToken)
		headers.set("X-Harbor-CSRF-Token", csrfToken);
	let res: Response;
	try {
		res = await fetch(path, {
			...init,
			method,
			headers,
			credentials: "same-origin",
			body:
				body === undefined
					? undefined
					: raw
						? (body as BodyInit)
						: JSON.stringify(body),
		});
	} catch (e) {
		// fetch rejects with a TypeError ("Failed to fetch") when the server cannot be reached: say so in plain words
		// (ErrorMessage translates the NETWORK code). An abort stays what it is.
		if (e instanceof TypeError)
			throw new ApiError(
				0,
				NETWORK_ERROR,
				"Could not reach Wharf. Check your connection and try again.",
				null,
			);
		throw e;
	}
	const token = res.headers.get("X-Harbor-CSRF-Token");
	if (token) csrfToken = token;
	// A signed-in console gets its CSRF token back on every successful /api answer. A 2xx without one means the session
	// is gone (expired, or its cookie cleared) even where anonymous callers may ask the same (public projects, search).
	// An error answer proves nothing: a 5xx, or a proxy's 502, carries no token while the session lives on.
	else if (csrfToken && res.ok && path.startsWith("/api/")) {
		csrfToken = null;
		onUnauthorized?.();
	}
	if (!res.ok) {
		let code = "UNKNOWN";
		let message = res.statusText || `request failed (${res.status})`;
		try {
			const json = (await res.json()) as {
				errors?: { code: string; message: string }[];
			};
			if (json.errors?.[0]) ({ code, message } = json.errors[0]);
		} catch {
			/* not JSON: keep the status text */
		}
		if (res.status === 401 && !path.startsWith("/c/")) onUnauthorized?.();
		throw new ApiError(
			res.status,
			code,
			message,
			res.headers.get("X-Request-Id"),
		);
	}
	return res;
}

export const api = {
	async get<T>(path: string, headers?: Record<string, string>): Promise<T> {
		return (
			await request("GET", path, undefined, { headers })
		).json() as Promise<T>;
	},
	/** The raw text of a response (a chart's README, a manifest as it was pushed). */
	async text(path: string): Promise<string> {
		return (await request("GET", path)).text();
	},
	/** A Harbor list page: the items and X-Total-Count. */
	async page<T>(path: string): Promise<Paged<T>> {
		const res = await request("GET", path);
		return {
			items: (await res.json()) as T[],
			total: Number(res.headers.get("X-Total-Count") ?? 0),
		};
	},
	async send<T = void>(
		method: "POST" | "PUT" | "PATCH" | "DELETE",
		path: string,
		body?: unknown,
	): Promise<T> {
		const res = await request(method, path, body);
		const text = await res.text();
		return (text ? JSON.parse(text) : undefined) as T;
	},
};

/** Builds a query string from defined values. */
export function query(
	params: Record<string, string | number | boolean | undefined>,
): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== undefined && v !== "") q.set(k, String(v));
	const s = q.toString();
	return s ? `?${s}` : "";
}

/**
 * An error in plain words: the server's message for an ApiError, and for an input the fetcher refused before sending
 * (a zod error, told apart by its shape so this file needs no zod) its first problem with the field it is about.
 */
export function errorText(error: unknown): string {
	if (isZodError(error)) {
		const first = error.issues[0];
		if (first)
			return first.path.length
				? `${first.path.join(".")}: ${first.message}`
				: first.message;
	}
	return error instanceof Error ? error.message : String(error);
}

type Issue = { path: PropertyKey[]; message: string };
const isZodError = (e: unknown): e is Error & { issues: Issue[] } =>
	e instanceof Error &&
	e.name === "ZodError" &&
	Array.isArray((e as { issues?: unknown }).issues);

// ---- Harbor's `q`

/**
 * One condition of Harbor's `q`: a plain value matches exactly; `match.fuzzy` matches a part, `match.range` a closed
 * range (either end open), `match.anyOf` / `match.allOf` a list.
 */
export type QMatch =
	| string
	| number
	| { op: "fuzzy"; value: string }
	| { op: "range"; min?: string | number; max?: string | number }
	| { op: "anyOf" | "allOf"; values: (string | number)[] };

export const match = {
	fuzzy: (value: string | undefined): QMatch | undefined =>
		value ? { op: "fuzzy", value } : undefined,
	range: (min?: string | number, max?: string | number): QMatch | undefined =>
		(min === undefined || min === "") && (max === undefined || max === "")
			? undefined
			: { op: "range", min, max },
	anyOf: (values: (string | number)[]): QMatch => ({ op: "anyOf", values }),
	allOf: (values: (string | number)[]): QMatch => ({ op: "allOf", values }),
};

/**
 * A value as the server reads it back (bff/api/harbor-query.ts): quoted, so commas, brackets, spaces and a leading `~`
 * stay text. The syntax has no escape: a value is wrapped in the quote it does not contain; one holding both kinds
 * loses its double quotes (the only way it cannot end the quote early). Numbers are safe as they are.
 */
export function quoteQ(v: string | number): string {
	if (typeof v === "number") return String(v);
	if (!v.includes('"')) return `"${v}"`;
	if (!v.includes("'")) return `'${v}'`;
	return `"${v.replace(/"/g, "")}"`;
}

/** A range's end: quoted like any value, but a `~` would split the range, so it is refused (times never hold one). */
const rangeEnd = (v: string | number | undefined) => {
	if (v === undefined || v === "") return "";
	if (String(v).includes("~"))
		throw new Error(`a range end cannot contain "~": ${v}`);
	return quoteQ(v);
};

/**
 * Harbor's `q` from named conditions: `harborQ({ name: match.fuzzy(part), level: 'project' })` gives
 * `name=~"part",level="project"`. Undefined and empty values are left out; nothing left gives undefined (no `q`).
 */
export function harborQ(
	conditions: Record<string, QMatch | undefined | null>,
): string | undefined {
	const parts: string[] = [];
	for (const [key, m] of Object.entries(conditions)) {
		if (m === undefined || m === null || m === "") continue;
		if (typeof m === "string" || typeof m === "number")
			parts.push(`${key}=${quoteQ(m)}`);
		else if (m.op === "fuzzy") parts.push(`${key}=~${quoteQ(m.value)}`);
		else if (m.op === "range")
			parts.push(`${key}=[${rangeEnd(m.min)}~${rangeEnd(m.max)}]`);
		else {
			const list = m.values.map(quoteQ).join(" ");
			parts.push(`${key}=${m.op === "anyOf" ? `{${list}}` : `(${list})`}`);
		}
	}
	// The server unescapes q once more, as Harbor does: a value's own `%` and `+` must reach it escaped.
	return parts.length
		? parts.join(",").replace(/%/g, "%25").replace(/\+/g, "%2B")
		: undefined;
}
