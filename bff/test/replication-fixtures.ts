import { expect } from "vitest";
import { createV2Client, type V2Client } from "../replication/v2-client.ts";
import { api } from "./api-fixtures.ts";
import { adminPassword, type TestServer } from "./harness.ts";

/**
 * What the replication tests share: a v2 client on a Wharf as admin, endpoints and policies made through the API,
 * an execution run to its end, and a wait that polls instead of sleeping.
 */
export type Json = Record<string, unknown>;

export const adminClient = (s: TestServer): V2Client =>
	createV2Client({
		url: s.url,
		credential: { username: "admin", password: adminPassword },
	});

/** Polls until `check` gives a truthy value (no fixed sleeps). */
export async function eventually<T>(
	check: () => Promise<T | undefined | null | false>,
	deadlineMs = 60_000,
	what = "condition",
): Promise<T> {
	const until = Date.now() + deadlineMs;
	for (;;) {
		const v = await check();
		if (v) return v;
		if (Date.now() > until)
			throw new Error(`${what} not met before the deadline`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

const idOf = (r: Response) =>
	Number(r.headers.get("location")!.split("/").pop());

export async function addEndpoint(s: TestServer, body: Json): Promise<number> {
	const r = await api(s)("/registries", { method: "POST", json: body });
	expect(r.status, await r.clone().text()).toBe(201);
	return idOf(r);
}

export async function addPolicy(s: TestServer, body: Json): Promise<number> {
	const r = await api(s)("/replication/policies", {
		method: "POST",
		json: {
			override: true,
			enabled: true,
			trigger: { type: "manual" },
			...body,
		},
	});
	expect(r.status, await r.clone().text()).toBe(201);
	return idOf(r);
}

export async function startExecution(
	s: TestServer,
	policyId: number,
): Promise<number> {
	const r = await api(s)("/replication/executions", {
		method: "POST",
		json: { policy_id: policyId },
	});
	expect(r.status, await r.clone().text()).toBe(201);
	return idOf(r);
}

export const execution = async (s: TestServer, id: number) =>
	(await (await api(s)(`/replication/executions/${id}`)).json()) as Json;

/** Waits until the execution has ended and answers it. */
export const ended = (s: TestServer, id: number, deadlineMs = 60_000) =>
	eventually(
		async () => {
			const e = await execution(s, id);
			return e.status !== "InProgress" && e;
		},
		deadlineMs,
		`execution ${id} to end`,
	);

export const tasksOf = async (s: TestServer, id: number) =>
	(await (
		await api(s)(`/replication/executions/${id}/tasks?page_size=100`)
	).json()) as Json[];

/** Runs a policy once and answers its ended execution, with the tasks' logs when it did not succeed. */
export async function replicate(
	s: TestServer,
	policyId: number,
): Promise<Json> {
	const id = await startExecution(s, policyId);
	const e = await ended(s, id);
	if (e.status !== "Succeed") {
		const logs = await Promise.all(
			(await tasksOf(s, id)).map(async (t) =>
				(
					await api(s)(`/replication/executions/${id}/tasks/${t.id}/log`)
				).text(),
			),
		);
		throw new Error(
			`execution ${id} ${String(e.status)}: ${String(e.status_text)}\n${logs.join("\n---\n")}`,
		);
	}
	return e;
}
