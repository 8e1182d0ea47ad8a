import { randomUUID } from "node:crypto";
import os from "node:os";
import type { z } from "zod";

/**
 * The one job interface that replication, scanning, GC, retention and webhooks run on. Two backends implement it: the
 * metadata database (default, db-backend.ts) and BullMQ on Redis (bullmq-backend.ts); jobs.ts picks one and adds the
 * scheduler. Job ids are strings: the database's row ids, BullMQ's job ids.
 */

export type JobStatus = "pending" | "running" | "success" | "error" | "stopped";

export type JobContext<P = unknown> = {
	id: string;
	type: string;
	payload: P;
	/** 1 on the first run, 2 on the first retry… */
	attempt: number;
	/** Aborted when the job is stopped or this process shuts down: long work checks it and gives up. */
	signal: AbortSignal;
	/** Percent done, 0–100. */
	progress(percent: number): Promise<void>;
	/** Appends a line to the job's plain-text log. */
	log(line: string): Promise<void>;
};

export type JobDefinition<P = unknown> = {
	/** Jobs of this type run at once in this process; each type has its own pool, so one type never starves another. */
	concurrency: number;
	/** The payload's shape, checked before the handler runs (a payload that does not fit fails without retries). */
	payload?: z.ZodType<P>;
	handler(ctx: JobContext<P>): Promise<void>;
};

/** Thrown by a handler (or for a payload that does not fit) when trying again cannot help: the job fails at once. */
export class PermanentJobError extends Error {}

/** The payload as the handler gets it: checked against the type's schema when it has one. */
export function payloadFor<P>(def: JobDefinition<P>, raw: unknown): P {
	if (!def.payload) return raw as P;
	const r = def.payload.safeParse(raw);
	if (r.success) return r.data;
	const issue = r.error.issues[0];
	throw new PermanentJobError(
		`invalid payload: ${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`,
	);
}

export type EnqueueOptions = {
	/** Runs in all, retries included (default 3). */
	attempts?: number;
	/** Wait before the first retry; it doubles for each next one (default 10 s). */
	backoffMs?: number;
};

export type JobInfo = {
	id: string;
	type: string;
	status: JobStatus;
	progress: number;
	attempts: number;
	error?: string;
	creationTime: string;
	startTime?: string;
	endTime?: string;
};

export type QueueInfo = {
	type: string;
	pending: number;
	latencySeconds: number;
	paused: boolean;
};

export type RunningJob = {
	id: string;
	type: string;
	startTime: string;
	progress: number;
	workerId?: string;
};

export type StopResult = "stopped" | "not-found" | "finished";

/** What each backend does; the types it knows are those registered in this process. */
export interface JobBackend {
	register<P>(type: string, def: JobDefinition<P>): void;
	enqueue(
		type: string,
		payload: unknown,
		opts?: EnqueueOptions,
	): Promise<string>;
	get(id: string): Promise<JobInfo | undefined>;
	/** The job's log lines, undefined when there is no such job. */
	log(id: string): Promise<string[] | undefined>;
	stop(id: string): Promise<StopResult>;
	queues(): Promise<QueueInfo[]>;
	setPaused(type: string, paused: boolean): Promise<void>;
	/** Drops a type's pending jobs and stops its running ones (Harbor's queue "stop"). */
	clear(type: string): Promise<void>;
	running(): Promise<RunningJob[]>;
	start(): Promise<void>;
	/** Asks the store the jobs live in (Redis) for an answer; throws when it gives none. */
	ping?(): Promise<void>;
	/** Stops taking work and gives running jobs back to the queue, so a restart resumes them. */
	close(): Promise<void>;
}

export const defaultAttempts = 3;
export const defaultBackoffMs = 10_000;

/** The wait before retry number `failed` (1 after the first failure): doubling from the job's backoff. */
export const backoffFor = (backoffMs: number, failed: number) =>
	backoffMs * 2 ** (failed - 1);

/** This process's id as a job worker (both backends): host, pid and a random part, as Harbor's pool ids. */
export const newWorkerId = () =>
	`${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** A job running in this process, and why it was aborted: stopped (it ends stopped) or shut down (it goes back to the queue). */
export type RunningHere = {
	controller: AbortController;
	reason?: "stop" | "shutdown";
};

/** Aborts a job running here once; the first reason wins. */
export function abortRun(
	entry: RunningHere | undefined,
	reason: "stop" | "shutdown",
) {
	if (entry && !entry.reason) {
		entry.reason = reason;
		entry.controller.abort(
			new Error(reason === "stop" ? "job stopped" : "shutting down"),
		);
	}
}

/** A handler's progress as both backends store it: a whole percent, 0–100. */
export const clampPercent = (percent: number) =>
	Math.max(0, Math.min(100, Math.round(percent)));
