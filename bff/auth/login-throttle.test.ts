import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { dropRedisPrefixes, testRedisUrl } from "../jobs/job-test-fixtures.ts";
import {
	createLoginThrottle,
	createRedisLoginThrottle,
	type LoginThrottle,
	type ThrottleOptions,
} from "./login-throttle.ts";

const redis = new Redis(testRedisUrl, { lazyConnect: true });
const prefixes: string[] = [];
afterAll(async () => {
	await dropRedisPrefixes(prefixes);
	redis.disconnect();
});

/** The throttle in this process, and in Redis as replicas share it (two throttles on one prefix: two replicas). */
const stores: [string, (opts?: ThrottleOptions) => LoginThrottle[]][] = [
	[
		"in memory",
		(opts) => {
			const t = createLoginThrottle(opts);
			return [t, t];
		},
	],
	[
		"in Redis, shared by two replicas",
		(opts) => {
			const prefix = `wharf-test-throttle-${randomBytes(4).toString("hex")}`;
			prefixes.push(prefix);
			return [
				createRedisLoginThrottle(redis, prefix, opts),
				createRedisLoginThrottle(redis, prefix, opts),
			];
		},
	],
];

/** A guard's test asserts its exact boundary: the 10th failure still reaches the password check, the 11th does not. */
describe.each(stores)("the login throttle %s", (_name, make) => {
	/** `times` attempts, alternating between the replicas. */
	const fail = async (
		[a, b]: LoginThrottle[],
		times: number,
		name = "alice",
		address = "10.0.0.1",
	) => {
		const out: boolean[] = [];
		for (let i = 0; i < times; i++)
			out.push((await (i % 2 ? b : a).attempt(name, address)).ok);
		return out;
	};

	it("lets exactly 10 attempts through and refuses the 11th, telling the first refusal from the rest", async () => {
		const t = make();
		expect(await fail(t, 10)).toEqual(Array(10).fill(true));
		expect(await t[1].attempt("alice", "10.0.0.1")).toEqual({
			ok: false,
			first: true,
		});
		expect(await t[0].attempt("alice", "10.0.0.1")).toEqual({
			ok: false,
			first: false,
		});
	});

	it("holds the boundary it is given", async () => {
		expect(await fail(make({ maxFailures: 3 }), 4)).toEqual([
			true,
			true,
			true,
			false,
		]);
	});

	it("counts each name from each address on its own", async () => {
		const t = make();
		await fail(t, 10);
		expect((await t[0].attempt("alice", "10.0.0.2")).ok).toBe(true);
		expect((await t[1].attempt("bob", "10.0.0.1")).ok).toBe(true);
		expect((await t[0].attempt("alice", "10.0.0.1")).ok).toBe(false);
	});

	it("starts the count again after a success", async () => {
		const t = make();
		await fail(t, 9);
		await t[1].succeeded("alice", "10.0.0.1");
		expect(await fail(t, 11)).toEqual([...Array(10).fill(true), false]);
	});

	it("lets attempts in again once the window has passed", async () => {
		const t = make({ windowMs: 300 });
		expect(await fail(t, 11)).toEqual([...Array(10).fill(true), false]);
		await new Promise((r) => setTimeout(r, 400));
		expect((await t[0].attempt("alice", "10.0.0.1")).ok).toBe(true);
	});
});
