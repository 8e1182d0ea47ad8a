import { Redis } from "ioredis";
import type { JobContext } from "./queue.ts";

/** Test helpers shared by the job system's tests (bff/jobs/jobs.test.ts) and the job service API's (bff/test/jobservice.test.ts). */

export const testRedisUrl =
	process.env.WHARF_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Polls until `check` holds; fails with `what` after the deadline. */
export async function waitFor(
	what: string,
	check: () => boolean | Promise<boolean>,
	deadlineMs = 15_000,
) {
	const end = Date.now() + deadlineMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** Resolves when the job is stopped or shut down, rejecting as a job that honours its signal does. */
export const untilAborted = (ctx: JobContext) =>
	new Promise<never>((_, reject) => {
		if (ctx.signal.aborted) reject(ctx.signal.reason);
		ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
	});

/** Deletes the Redis keys of the given prefixes (a test's BullMQ queues). */
export async function dropRedisPrefixes(prefixes: string[]) {
	if (prefixes.length === 0) return;
	const redis = new Redis(testRedisUrl);
	try {
		for (const prefix of prefixes) {
			const keys = await redis.keys(`${prefix}:*`);
			if (keys.length) await redis.del(...keys);
		}
	} finally {
		await redis.quit();
	}
}
