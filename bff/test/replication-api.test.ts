import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, api } from "./api-fixtures.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Json = Record<string, unknown>;
type Errors = { errors: { code: string; message: string }[] };

let remote: DistributionServer;
beforeAll(async () => {
	remote = await startDistributionServer();
}, 60_000);
afterAll(() => remote?.stop());

/** Polls until `check` holds (no fixed sleeps). */
async function eventually<T>(
	check: () => Promise<T | undefined | false>,
	deadlineMs = 30_000,
): Promise<T> {
	const until = Date.now() + deadlineMs;
	for (;;) {
		const v = await check();
		if (v) return v;
		if (Date.now() > until)
			throw new Error("condition not met before the deadline");
		await new Promise((r) => setTimeout(r, 100));
	}
}

describe.each(engines)(
	"replication policies and executions on %s",
	(engine) => {
		let s: TestServer;
		let call: ReturnType<typeof api>;
		let registryId: number;
		const policyCount = async () =>
			Number(
				(await call("/replication/policies")).headers.get("x-total-count"),
			);
		const errorOf = async (r: Response) =>
			((await r.json()) as Errors).errors[0];
		const policy = (over: Json = {}) => ({
			name: "to-dist",
			description: "push library",
			dest_registry: { id: registryId },
			dest_namespace: "mirror",
			dest_namespace_replace_count: 1,
			trigger: { type: "manual" },
			filters: [{ type: "name", value: "library/**" }],
			override: true,
			enabled: true,
			speed: -1,
			...over,
		});

		beforeAll(async () => {
			s = await startTestServer(engine);
			call = api(s);
			const r = await call("/registries", {
				method: "POST",
				json: { name: "dist", type: "docker-registry", url: remote.url },
			});
			expect(r.status, await r.clone().text()).toBe(201);
			registryId = Number(r.headers.get("location")!.split("/").pop());
		}, 60_000);
		afterAll(() => stopTestServer(s));

		it("creates, reads, lists, updates and deletes a policy in Harbor's shape", async () => {
			const created = await call("/replication/policies", {
				method: "POST",
				json: policy(),
			});
			expect(created.status, await created.clone().text()).toBe(201);
			const location = created.headers.get("location")!;
			expect(location).toMatch(/^\/api\/v2\.0\/replication\/policies\/\d+$/);
			const got = (await (
				await call(location.replace("/api/v2.0", ""))
			).json()) as Json;
			expect(got).toMatchObject({
				name: "to-dist",
				description: "push library",
				dest_namespace: "mirror",
				dest_namespace_replace_count: 1,
				src_registry: { id: 0, name: "Local" },
				dest_registry: {
					id: registryId,
					name: "dist",
					type: "docker-registry",
				},
				trigger: { type: "manual" },
				filters: [{ type: "name", value: "library/**" }],
				override: true,
				enabled: true,
				replicate_deletion: false,
				speed: -1,
				copy_by_chunk: false,
				creation_time: expect.any(String),
			});
			const list = await call("/replication/policies?name=to-&page_size=5");
			expect(list.headers.get("x-total-count")).toBe("1");
			expect(((await list.json()) as Json[])[0]).toMatchObject({
				id: got.id,
				name: "to-dist",
			});
			const put = await call(`/replication/policies/${got.id}`, {
				method: "PUT",
				json: {
					name: "to-dist",
					trigger: {
						type: "scheduled",
						trigger_settings: { cron: "0 0 3 * * *" },
					},
				},
			});
			expect(put.status, await put.clone().text()).toBe(200);
			const after = (await (
				await call(`/replication/policies/${got.id}`)
			).json()) as Json;
			expect(after).toMatchObject({
				trigger: {
					type: "scheduled",
					trigger_settings: { cron: "0 0 3 * * *" },
				},
				dest_namespace: "mirror",
			});
			const schedules = (await (await call("/schedules")).json()) as Json[];
			expect(schedules).toContainEqual(
				expect.objectContaining({
					vendor_type: "REPLICATION",
					vendor_id: got.id,
					cron: "0 0 3 * * *",
				}),
			);
			// Disabled: the schedule goes.
			await call(`/replication/policies/${got.id}`, {
				method: "PUT",
				json: { enabled: false },
			});
			expect(
				((await (await call("/schedules")).json()) as Json[]).filter(
					(x) => x.vendor_id === got.id && x.vendor_type === "REPLICATION",
				),
			).toEqual([]);
			const del = await call(`/replication/policies/${got.id}`, {
				method: "DELETE",
			});
			expect(del.status).toBe(200);
			expect((await call(`/replication/policies/${got.id}`)).status).toBe(404);
			// The audit log is written a few times a second.
			const ops = await eventually(async () => {
				const rows = await s.db
					.selectFrom("audit_logs")
					.select("operation")
					.where("resource_type", "=", "replication_policy")
					.where("resource", "=", "to-dist")
					.execute();
				return rows.length >= 4 && rows.map((r) => r.operation).sort();
			});
			expect(ops).toEqual(["create", "delete", "update", "update"]);
		});

		it("refuses bad policies with a clear 400 (or 409), creating nothing", async () => {
			const cases: [Json, RegExp, number?][] = [
				[
					policy({
						trigger: {
							type: "scheduled",
							trigger_settings: { cron: "0 0 25 * *" },
						},
					}),
					/cron/,
				],
				[
					policy({
						trigger: {
							type: "scheduled",
							trigger_settings: { cron: "every day" },
						},
					}),
					/invalid cron/,
				],
				[
					policy({ filters: [{ type: "name", value: "library/[" }] }),
					/filter 1/,
				],
				[
					policy({ filters: [{ type: "colour", value: "red" }] }),
					/unknown filter type/,
				],
				[policy({ src_registry: { id: registryId } }), /only one side/],
				[policy({ dest_registry: null }), /needs a remote registry/],
				[policy({ dest_registry: { id: 9999 } }), /registry 9999 not found/],
				[
					policy({
						dest_registry: null,
						src_registry: { id: registryId },
						trigger: { type: "event_based" },
					}),
					/push policies only/,
				],
				[policy({ dest_namespace: "Bad Namespace" }), /dest_namespace/],
			];
			for (const [body, message] of cases) {
				const r = await call("/replication/policies", {
					method: "POST",
					json: body,
				});
				expect(r.status, JSON.stringify(body)).toBe(400);
				const e = await errorOf(r);
				expect(e.code).toBe("BAD_REQUEST");
				expect(e.message).toMatch(message);
			}
			expect(await policyCount()).toBe(0);
			expect(
				(
					await call("/replication/policies", {
						method: "POST",
						json: policy({ name: "twice" }),
					})
				).status,
			).toBe(201);
			const again = await call("/replication/policies", {
				method: "POST",
				json: policy({ name: "twice" }),
			});
			expect(again.status).toBe(409);
			expect(await policyCount()).toBe(1);
			expect(
				((await (await call("/schedules")).json()) as Json[]).filter(
					(x) => x.vendor_type === "REPLICATION",
				),
			).toEqual([]);
		});

		it("runs a manual execution whose filter matches nothing: Succeed with no tasks", async () => {
			const p = await call("/replication/policies", {
				method: "POST",
				json: policy({
					name: "nothing",
					filters: [{ type: "name", value: "nosuch/**" }],
				}),
			});
			const policyId = Number(p.headers.get("location")!.split("/").pop());
			const start = await call("/replication/executions", {
				method: "POST",
				json: { policy_id: policyId },
			});
			expect(start.status, await start.clone().text()).toBe(201);
			const location = start.headers.get("location")!;
			expect(location).toMatch(/^\/api\/v2\.0\/replication\/executions\/\d+$/);
			const done = await eventually(async () => {
				const e = (await (
					await call(location.replace("/api/v2.0", ""))
				).json()) as Json;
				return e.status !== "InProgress" && e;
			});
			expect(done).toMatchObject({
				policy_id: policyId,
				status: "Succeed",
				trigger: "manual",
				total: 0,
				failed: 0,
				succeed: 0,
				in_progress: 0,
				stopped: 0,
				end_time: expect.any(String),
			});
			const list = await call(
				`/replication/executions?policy_id=${policyId}&status=Succeed`,
			);
			expect(list.headers.get("x-total-count")).toBe("1");
			const tasks = await call(`/replication/executions/${done.id}/tasks`);
			expect(tasks.status).toBe(200);
			expect(await tasks.json()).toEqual([]);
			// Retry of an execution with nothing failed runs nothing.
			expect(
				await (
					await call(`/replication/executions/${done.id}/retry`, {
						method: "POST",
					})
				).json(),
			).toEqual({ retried: 0 });
		});

		it("refuses executions of missing or disabled policies, and bad queries", async () => {
			expect(
				(
					await call("/replication/executions", {
						method: "POST",
						json: { policy_id: 99999 },
					})
				).status,
			).toBe(404);
			expect(
				(await call("/replication/executions", { method: "POST", json: {} }))
					.status,
			).toBe(400);
			const p = await call("/replication/policies", {
				method: "POST",
				json: policy({ name: "off", enabled: false }),
			});
			const policyId = Number(p.headers.get("location")!.split("/").pop());
			const r = await call("/replication/executions", {
				method: "POST",
				json: { policy_id: policyId },
			});
			expect(r.status).toBe(412);
			expect((await errorOf(r)).message).toMatch(/disabled/);
			expect((await call("/replication/executions?status=Bogus")).status).toBe(
				400,
			);
			expect((await call("/replication/executions/99999")).status).toBe(404);
			expect(
				(await call("/replication/executions/99999/tasks/1/log")).status,
			).toBe(404);
		});

		it("refuses to delete an endpoint a policy uses (412 naming the policies)", async () => {
			const r = await call(`/registries/${registryId}`, { method: "DELETE" });
			expect(r.status).toBe(412);
			const e = await errorOf(r);
			expect(e.code).toBe("PRECONDITION");
			expect(e.message).toMatch(/twice/);
			expect((await call(`/registries/${registryId}`)).status).toBe(200);
		});

		it("is for system admins only", async () => {
			const dev = await addUser(s, `dev-${engine}`);
			expect(
				(await call("/replication/policies", { auth: dev.auth })).status,
			).toBe(403);
			expect(
				(await call("/replication/executions", { auth: dev.auth })).status,
			).toBe(403);
			expect(
				(
					await call("/replication/policies", {
						method: "POST",
						auth: dev.auth,
						json: policy({ name: "sneaky" }),
					})
				).status,
			).toBe(403);
			expect((await call("/replication/policies", { auth: null })).status).toBe(
				401,
			);
		});
	},
);
