import type { Logger } from "pino";
import { Agent, request } from "undici";
import { z } from "zod";
import type { SecretBox } from "../../auth/secrets.ts";
import { now } from "../../db/database.ts";
import type { Jobs } from "../../jobs/jobs.ts";
import { PermanentJobError } from "../../jobs/queue.ts";
import type { StoredTarget } from "./policies.ts";
import type { WebhookStore } from "./store.ts";

/** Harbor's job type for webhook deliveries (http and Slack alike): a pool of its own. */
export const webhookJob = "WEBHOOK";

export type DeliveryOptions = {
	/** Tries in all, and the wait before the first retry (doubled for each next one). */
	retry: { attempts: number; backoffMs: number };
	/** The whole request (connect, headers, body) must be done within this. */
	timeoutMs: number;
	concurrency: number;
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const stoppedBy = (signal: AbortSignal) =>
	signal.aborted &&
	(signal.reason as Error | undefined)?.message === "job stopped";

/** An address fit for a log: credentials in the URL are left out. */
export function loggable(address: string): string {
	try {
		const u = new URL(address);
		u.username = "";
		u.password = "";
		return u.toString();
	} catch {
		return "(invalid address)";
	}
}

/** A status worth another try: the receiver was busy or broken, not refusing this request. */
const retryable = (status: number) =>
	status === 408 || status === 429 || status >= 500;

/**
 * The WEBHOOK job: POSTs a task's formatted payload to its target within a strict timeout. 2xx succeeds; network
 * errors, timeouts, 408, 429 and 5xx are tried again with backoff; any other answer fails at once. The log has the
 * request and the answer's status, never the auth header.
 */
export function registerWebhookDelivery(deps: {
	jobs: Jobs;
	store: WebhookStore;
	box: SecretBox;
	logger: Logger;
	options: DeliveryOptions;
}) {
	const { store, options } = deps;
	const agents = {
		verify: new Agent({ connect: { timeout: options.timeoutMs } }),
		skip: new Agent({
			connect: { timeout: options.timeoutMs, rejectUnauthorized: false },
		}),
	};

	deps.jobs.register<{ taskId: number }>(webhookJob, {
		concurrency: options.concurrency,
		payload: z.object({ taskId: z.number().int() }),
		async handler(ctx) {
			const t = await store.task(ctx.payload.taskId);
			if (
				!t ||
				t.status === "Success" ||
				t.status === "Error" ||
				t.status === "Stopped"
			)
				return;
			const started = await store.updateTask(
				t.id,
				{
					status: "Running",
					start_time: t.start_time ?? now(),
					run_count: ctx.attempt,
				},
				["Pending", "Running"],
			);
			if (!started) return;
			const target = JSON.parse(t.target) as StoredTarget;
			const { contentType, body } = JSON.parse(t.payload) as {
				contentType: string;
				body: string;
			};
			try {
				const headers: Record<string, string> = { "content-type": contentType };
				if (target.auth_header)
					headers.authorization = deps.box.open(target.auth_header);
				await ctx.log(
					`POST ${loggable(target.address)} (${target.type}, ${target.type === "slack" ? "Slack" : target.payload_format}, ${Buffer.byteLength(body)} bytes, try ${ctx.attempt} of ${options.retry.attempts}${target.skip_cert_verify ? ", certificate not verified" : ""})`,
				);
				let status: number;
				try {
					const res = await request(target.address, {
						method: "POST",
						headers,
						body,
						dispatcher: target.skip_cert_verify ? agents.skip : agents.verify,
						headersTimeout: options.timeoutMs,
						bodyTimeout: options.timeoutMs,
						signal: AbortSignal.any([
							ctx.signal,
							AbortSignal.timeout(options.timeoutMs),
						]),
					});
					status = res.statusCode;
					// The answer's body is not kept: a little is read so the connection can be reused, the rest dropped.
					await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
				} catch (err) {
					const why =
						(err as Error).name === "TimeoutError"
							? `no answer within ${options.timeoutMs} ms`
							: message(err);
					await ctx.log(`failed: ${why}`);
					throw new Error(why);
				}
				await ctx.log(`answered ${status}`);
				if (status >= 200 && status < 300) {
					await store.updateTask(
						t.id,
						{ status: "Success", status_text: "", end_time: now() },
						["Running"],
					);
					return;
				}
				if (retryable(status))
					throw new Error(`the receiver answered ${status}`);
				throw new PermanentJobError(`the receiver answered ${status}`);
			} catch (err) {
				if (stoppedBy(ctx.signal)) {
					await store.updateTask(t.id, { status: "Stopped", end_time: now() }, [
						"Running",
					]);
				} else if (!ctx.signal.aborted) {
					const last =
						ctx.attempt >= options.retry.attempts ||
						err instanceof PermanentJobError;
					if (!last) await ctx.log("it is tried again");
					await store.updateTask(
						t.id,
						last
							? { status: "Error", status_text: message(err), end_time: now() }
							: {
									status: "Pending",
									status_text: `try ${ctx.attempt} failed: ${message(err)}`,
								},
						["Running"],
					);
				}
				throw err;
			} finally {
				await store
					.refresh(t.execution_id)
					.catch((err) =>
						deps.logger.warn(
							{ err, execution: t.execution_id },
							"webhook execution status refresh failed",
						),
					);
			}
		},
	});

	return {
		// After the job system has closed: any request still open belongs to no job, and is dropped.
		async close() {
			await Promise.all([agents.verify.destroy(), agents.skip.destroy()]);
		},
	};
}
