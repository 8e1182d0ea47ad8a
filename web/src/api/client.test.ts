import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { parseQuery } from "../../../bff/api/harbor-query.ts";
import {
	ApiError,
	api,
	errorText,
	harborQ,
	match,
	NETWORK_ERROR,
	quoteQ,
	setUnauthorizedHandler,
} from "./client.ts";

/** The server's own parser reads back what the client wrote: the proof the two agree. */
const roundTrip = (q: string | undefined, keys: string[]) =>
	parseQuery(q, keys);

describe("harborQ", () => {
	it("quotes every value and joins the conditions with commas", () => {
		expect(
			harborQ({ name: match.fuzzy("api"), level: "project", project_id: 3 }),
		).toBe('name=~"api",level="project",project_id=3');
	});

	it("leaves out undefined and empty values, and gives no q when nothing is left", () => {
		expect(
			harborQ({ name: match.fuzzy(""), level: undefined, tags: "" }),
		).toBeUndefined();
		expect(harborQ({ name: match.fuzzy(undefined), level: "system" })).toBe(
			'level="system"',
		);
	});

	it("keeps a comma, quotes and a tilde in a value as text the server reads back whole", () => {
		const hostile = 'a,b"c~d';
		const q = harborQ({
			name: match.fuzzy(hostile),
			resource: hostile,
			username: "~x",
		})!;
		expect(q).toBe(`name=~'a,b"c~d',resource='a,b"c~d',username="~x"`);
		expect(roundTrip(q, ["name", "resource", "username"])).toEqual([
			{ key: "name", op: "fuzzy", value: hostile },
			{ key: "resource", op: "exact", value: hostile },
			{ key: "username", op: "exact", value: "~x" },
		]);
	});

	it("keeps brackets, braces and spaces in a value as text", () => {
		const value = " {a} [b] (c), d ";
		expect(roundTrip(harborQ({ name: match.fuzzy(value) }), ["name"])).toEqual([
			{ key: "name", op: "fuzzy", value },
		]);
	});

	it("drops double quotes only from a value that holds both kinds of quote (the syntax has no escape)", () => {
		expect(quoteQ(`it's "x", y`)).toBe(`"it's x, y"`);
		expect(roundTrip(harborQ({ name: `it's "x", y` }), ["name"])).toEqual([
			{ key: "name", op: "exact", value: "it's x, y" },
		]);
	});

	it("writes ranges with open ends and refuses a tilde inside one", () => {
		const q = harborQ({
			op_time: match.range("2024-04-09 02:36:00", undefined),
		})!;
		expect(q).toBe('op_time=["2024-04-09 02:36:00"~]');
		expect(roundTrip(q, ["op_time"])).toEqual([
			{
				key: "op_time",
				op: "range",
				min: "2024-04-09 02:36:00",
				max: undefined,
			},
		]);
		expect(harborQ({ op_time: match.range(undefined, "") })).toBeUndefined();
		expect(() => harborQ({ op_time: match.range("a~b") })).toThrow();
	});

	it("escapes % and + so the server's second unescape, as Harbor's, gives them back", () => {
		const q = harborQ({ name: match.fuzzy("proj+bot 100%") })!;
		expect(q).toBe('name=~"proj%2Bbot 100%25"');
		expect(roundTrip(q, ["name"])).toEqual([
			{ key: "name", op: "fuzzy", value: "proj+bot 100%" },
		]);
	});

	it("writes lists whose members may hold spaces and quotes", () => {
		const q = harborQ({
			base: "*",
			digest: match.anyOf(["sha256:a", "two words", 'say "hi"']),
			labels: match.allOf([1, 2]),
		})!;
		expect(roundTrip(q, ["base", "digest", "labels"])).toEqual([
			{ key: "base", op: "exact", value: "*" },
			{
				key: "digest",
				op: "or",
				values: ["sha256:a", "two words", 'say "hi"'],
			},
			{ key: "labels", op: "and", values: ["1", "2"] },
		]);
	});
});

describe("errorText", () => {
	it("gives a refused input's first problem with its field, not the zod error JSON", () => {
		const result = z
			.object({
				member: z.object({ name: z.string().min(1, "must not be empty") }),
			})
			.safeParse({ member: { name: "" } });
		expect(errorText(result.error)).toBe("member.name: must not be empty");
	});

	it("gives an error's message, and anything else as text", () => {
		expect(errorText(new Error("project not found"))).toBe("project not found");
		expect(errorText("plain")).toBe("plain");
	});
});

describe("the session check on answers without a CSRF token", () => {
	afterEach(() => {
		vi.unstubAllGlobals();
	});

	const answer = (status: number, token?: string) =>
		new Response(status === 204 ? null : "{}", {
			status,
			headers: {
				"Content-Type": "application/json",
				...(token ? { "X-Harbor-CSRF-Token": token } : {}),
			},
		});

	it("signs out on a 2xx without a token, never on an error answer without one", async () => {
		const signedOut = vi.fn();
		setUnauthorizedHandler(signedOut);
		const replies = [
			answer(200, "token-1"),
			answer(502),
			answer(500),
			answer(200, "token-2"),
			answer(200),
		];
		vi.stubGlobal(
			"fetch",
			vi.fn(async () => replies.shift()!),
		);

		await api.get("/api/v2.0/systeminfo");
		await expect(api.get("/api/v2.0/projects")).rejects.toMatchObject({
			status: 502,
		});
		await expect(api.get("/api/v2.0/projects")).rejects.toMatchObject({
			status: 500,
		});
		expect(signedOut).not.toHaveBeenCalled();
		await api.get("/api/v2.0/projects");
		expect(signedOut).not.toHaveBeenCalled();
		await api.get("/api/v2.0/projects");
		expect(signedOut).toHaveBeenCalledTimes(1);
	});
});

describe("an unreachable server", () => {
	afterEach(() => {
		vi.unstubAllGlobals();
	});

	it('gives an ApiError in plain words instead of the browser\'s "Failed to fetch"', async () => {
		vi.stubGlobal(
			"fetch",
			vi.fn(async () => {
				throw new TypeError("Failed to fetch");
			}),
		);
		const err = await api.get("/api/v2.0/projects").catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ApiError);
		expect(err).toMatchObject({
			status: 0,
			code: NETWORK_ERROR,
			message: "Could not reach Wharf. Check your connection and try again.",
		});
	});

	it("leaves an abort as it is", async () => {
		const abort = new DOMException("aborted", "AbortError");
		vi.stubGlobal(
			"fetch",
			vi.fn(async () => {
				throw abort;
			}),
		);
		await expect(api.get("/api/v2.0/projects")).rejects.toBe(abort);
	});
});

describe("the CSRF token", () => {
	afterEach(() => {
		vi.unstubAllGlobals();
	});

	it("is echoed on every write (POST, PUT, PATCH, DELETE), the newest one the server gave, and never sent on a read", async () => {
		let issued = 0;
		const fetchMock = vi.fn(
			async (_path: string, _init: RequestInit) =>
				new Response("{}", {
					status: 200,
					headers: {
						"Content-Type": "application/json",
						"X-Harbor-CSRF-Token": `token-${++issued}`,
					},
				}),
		);
		vi.stubGlobal("fetch", fetchMock);
		const sent = () =>
			new Headers(fetchMock.mock.calls.at(-1)![1].headers).get(
				"X-Harbor-CSRF-Token",
			);

		await api.get("/api/v2.0/users/current");
		expect(sent()).toBeNull();
		for (const method of ["POST", "PUT", "PATCH", "DELETE"] as const) {
			const latest = `token-${issued}`;
			await api.send(
				method,
				"/api/v2.0/projects/1",
				method === "DELETE" ? undefined : { x: 1 },
			);
			expect(sent(), method).toBe(latest);
		}
		await api.get("/api/v2.0/projects");
		expect(sent()).toBeNull();
		await api.text("/api/v2.0/projects/1/readme");
		expect(sent()).toBeNull();
		await api.page("/api/v2.0/projects");
		expect(sent()).toBeNull();
		expect(fetchMock.mock.calls.map(([, init]) => init.method)).toEqual([
			"GET",
			"POST",
			"PUT",
			"PATCH",
			"DELETE",
			"GET",
			"GET",
			"GET",
		]);
	});
});
