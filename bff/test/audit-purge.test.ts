import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PurgeParameters, purgeAuditLog } from "../audit/purge.ts";
import { createPurgeStore } from "../audit/purge-store.ts";
import type { Db } from "../db/database.ts";
import { addUser, api as apiOf } from "./api-fixtures.ts";
import { sleep } from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
	withDatabase,
} from "./harness.ts";
import { systemRuns } from "./system-run-fixtures.ts";

describe.each(engines)("the audit-log purge API on %s", (engine) => {
	let s: TestServer;
	let api: ReturnType<typeof apiOf>;
	let userAuth: string;

	beforeAll(async () => {
		s = await startTestServer(engine);
		api = apiOf(s);
		userAuth = (await addUser(s, "dev")).auth;
	});
	afterAll(() => stopTestServer(s));

	const daysAgo = (d: number) =>
		new Date(Date.now() - d * 86_400_000).toISOString();
	/** Audit rows of `operation`_`resourceType` written `days` ago, tagged by their resource so a test counts only its own. */
	async function rows(
		tag: string,
		operation: string,
		resourceType: string,
		n: number,
		days: number,
	) {
		for (let i = 0; i < n; i += 500) {
			await s.db
				.insertInto("audit_logs")
				.values(
					Array.from({ length: Math.min(500, n - i) }, () => ({
						project_id: 0,
						username: "admin",
						resource: tag,
						resource_type: resourceType,
						operation,
						op_time: daysAgo(days),
					})),
				)
				.execute();
		}
	}
	const left = async (tag: string) => {
		const r = await s.db
			.selectFrom("audit_logs")
			.select([
				"operation",
				"resource_type",
				(eb) => eb.fn.countAll<number>().as("n"),
			])
			.where("resource", "=", tag)
			.groupBy(["operation", "resource_type"])
			.execute();
		return Object.fromEntries(
			r.map((x) => [`${x.operation}_${x.resource_type}`, Number(x.n)]),
		);
	};
	const { run, finished } = systemRuns(() => api, "/system/purgeaudit");

	it("refuses everyone but system admins", async () => {
		for (const [method, path] of [
			["GET", "/system/purgeaudit"],
			["GET", "/system/purgeaudit/schedule"],
			["POST", "/system/purgeaudit/schedule"],
			["PUT", "/system/purgeaudit/schedule"],
			["GET", "/system/purgeaudit/1"],
			["PUT", "/system/purgeaudit/1"],
			["GET", "/system/purgeaudit/1/log"],
		]) {
			const r = await api(path, {
				method,
				auth: userAuth,
				...(method !== "GET" ? { json: { schedule: { type: "Manual" } } } : {}),
			});
			expect(r.status, `${method} ${path}`).toBe(403);
		}
		expect((await api("/system/purgeaudit", { auth: null })).status).toBe(401);
	});

	it("sets, reads and removes the schedule with Harbor's parameters; bad ones are 400", async () => {
		expect(await (await api("/system/purgeaudit/schedule")).json()).toEqual({});
		const body = {
			schedule: { type: "Hourly", cron: "0 0 * * * *" },
			parameters: {
				audit_retention_hour: 168,
				dry_run: true,
				include_event_types: "create_artifact,delete_artifact,pull_artifact",
			},
		};
		expect(
			(await api("/system/purgeaudit/schedule", { method: "POST", json: body }))
				.status,
		).toBe(201);
		const got = await (await api("/system/purgeaudit/schedule")).json();
		expect(got).toMatchObject({
			job_name: "PURGE_AUDIT_LOG",
			job_kind: "Schedule",
			schedule: { type: "Hourly", cron: "0 0 * * * *" },
		});
		expect(JSON.parse(got.job_parameters)).toEqual(body.parameters);
		expect(
			(
				await api("/system/purgeaudit/schedule", {
					method: "PUT",
					json: { ...body, schedule: { type: "Custom", cron: "0 15 3 * * *" } },
				})
			).status,
		).toBe(200);
		expect(
			(await (await api("/system/purgeaudit/schedule")).json()).schedule,
		).toMatchObject({ type: "Custom", cron: "0 15 3 * * *" });
		expect(
			(await (await api("/schedules")).json()).map(
				(r: { vendor_type: string }) => r.vendor_type,
			),
		).toContain("PURGE_AUDIT_LOG");
		for (const parameters of [
			{ audit_retention_hour: 0 },
			{ audit_retention_hour: "soon" },
			{ include_event_types: "Pull Artifact" },
			{ dry_run: "yes" },
		]) {
			const r = await api("/system/purgeaudit/schedule", {
				method: "PUT",
				json: { schedule: { type: "Daily" }, parameters },
			});
			expect(r.status, JSON.stringify(parameters)).toBe(400);
			expect((await r.json()).errors[0].code).toBe("BAD_REQUEST");
		}
		expect(
			(
				await api("/system/purgeaudit/schedule", {
					method: "PUT",
					json: { schedule: { type: "Custom", cron: "often" } },
				})
			).status,
		).toBe(400);
		expect(
			(
				await api("/system/purgeaudit/schedule", {
					method: "PUT",
					json: { schedule: { type: "None" } },
				})
			).status,
		).toBe(200);
		expect(await (await api("/system/purgeaudit/schedule")).json()).toEqual({});
	});

	it("a dry run counts per event type and deletes nothing; a run deletes only old rows of the included types; both are audited", async () => {
		const tag = "purge-a";
		await rows(tag, "pull", "artifact", 2_500, 10); // more than one chunk
		await rows(tag, "create", "artifact", 3, 10);
		await rows(tag, "login_failed", "user", 2, 10);
		await rows(tag, "pull", "artifact", 4, 0); // too young
		await rows(tag, "delete", "project", 5, 10); // not included
		const parameters = {
			audit_retention_hour: 48,
			include_event_types: "pull_artifact,create_artifact,login_failed_user",
		};

		const dry = await finished(await run({ ...parameters, dry_run: true }));
		expect(dry).toMatchObject({
			job_name: "PURGE_AUDIT_LOG",
			job_kind: "Manual",
			job_status: "Success",
			deleted: false,
		});
		// Other tests' and the server's own rows may be counted too: at least ours.
		expect(dry.deleted_by_event_type.pull_artifact).toBeGreaterThanOrEqual(
			2_500,
		);
		expect(dry.deleted_by_event_type).toMatchObject({
			create_artifact: expect.any(Number),
			login_failed_user: expect.any(Number),
		});
		expect(dry.deleted_by_event_type.delete_project).toBeUndefined();
		expect(await left(tag)).toEqual({
			pull_artifact: 2_504,
			create_artifact: 3,
			login_failed_user: 2,
			delete_project: 5,
		});
		const dryLog = await (await api(`/system/purgeaudit/${dry.id}/log`)).text();
		expect(dryLog).toMatch(/dry run/);
		expect(dryLog).toMatch(/pull_artifact: \d+ rows would be deleted/);

		const id = await run(parameters);
		const done = await finished(id);
		expect(done).toMatchObject({
			id,
			job_status: "Success",
			deleted_rows: dry.deleted_rows,
		});
		expect(await left(tag)).toEqual({ pull_artifact: 4, delete_project: 5 });
		const log = await api(`/system/purgeaudit/${id}/log`);
		expect(log.headers.get("content-type")).toMatch(/^text\/plain/);
		expect(await log.text()).toContain(
			`deleted ${done.deleted_rows} audit log rows`,
		);

		const list = await api("/system/purgeaudit?page=1&page_size=1");
		expect(Number(list.headers.get("x-total-count"))).toBeGreaterThanOrEqual(2);
		expect((await list.json())[0].id).toBe(id);
		expect((await api("/system/purgeaudit/999999")).status).toBe(404);
		await expect
			.poll(() =>
				s.db
					.selectFrom("audit_logs")
					.select(["resource", "operation"])
					.where("resource_type", "=", "purge_audit")
					.execute(),
			)
			.toEqual(
				expect.arrayContaining([
					{ resource: `purge #${dry.id} (dry run)`, operation: "create" },
					{ resource: `purge #${id}`, operation: "create" },
				]),
			);
	});

	it("`other` takes the types Harbor does not list; Harbor's older include_operations names operations; empty purges nothing", async () => {
		const tag = "purge-b";
		await rows(tag, "stop", "garbage_collection", 3, 5);
		await rows(tag, "pull", "artifact", 2, 5);
		await rows(tag, "delete", "repository", 2, 5);
		expect(
			(
				await finished(
					await run({ audit_retention_hour: 24, include_event_types: "" }),
				)
			).deleted_rows,
		).toBe(0);
		expect(await left(tag)).toEqual({
			stop_garbage_collection: 3,
			pull_artifact: 2,
			delete_repository: 2,
		});
		await finished(
			await run({ audit_retention_hour: 24, include_event_types: "other" }),
		);
		expect(await left(tag)).toEqual({ pull_artifact: 2, delete_repository: 2 });
		await finished(
			await run({ audit_retention_hour: 24, include_operations: "delete" }),
		);
		expect(await left(tag)).toEqual({ pull_artifact: 2 });
	});

	it("refuses a second run while one is pending, stops it, and a schedule that fires runs one of kind Schedule", async () => {
		await s.jobs.act("PURGE_AUDIT_LOG", "pause");
		try {
			const id = await run({ include_event_types: "pull_artifact" });
			const again = await api("/system/purgeaudit/schedule", {
				method: "POST",
				json: { schedule: { type: "Manual" } },
			});
			expect(again.status).toBe(409);
			expect((await again.json()).errors[0].message).toMatch(
				/audit log purge is already running/,
			);
			expect(
				(await api(`/system/purgeaudit/${id}`, { method: "PUT" })).status,
			).toBe(200);
			expect(
				(await (await api(`/system/purgeaudit/${id}`)).json()).job_status,
			).toBe("Stopped");
		} finally {
			await s.jobs.act("PURGE_AUDIT_LOG", "resume");
		}
		await rows("purge-c", "pull", "artifact", 3, 3);
		expect(
			(
				await api("/system/purgeaudit/schedule", {
					method: "PUT",
					json: {
						schedule: { type: "Daily" },
						parameters: {
							audit_retention_hour: 24,
							include_event_types: "pull_artifact",
						},
					},
				})
			).status,
		).toBe(200);
		await s.db
			.updateTable("schedules")
			.set({ next_run: new Date(Date.now() - 1000).toISOString() })
			.where("vendor_type", "=", "PURGE_AUDIT_LOG")
			.execute();
		await s.jobs.schedules.tick();
		let scheduled: { job_kind: string; job_status: string } | undefined;
		for (let i = 0; i < 600 && scheduled?.job_status !== "Success"; i++) {
			scheduled = (
				(await (await api("/system/purgeaudit")).json()) as (typeof scheduled)[]
			).find((r) => r!.job_kind === "Schedule");
			await sleep(50);
		}
		expect(scheduled).toMatchObject({
			job_kind: "Schedule",
			job_status: "Success",
		});
		expect(await left("purge-c")).toEqual({});
		await api("/system/purgeaudit/schedule", {
			method: "PUT",
			json: { schedule: { type: "None" } },
		});
	});
});

describe.each(engines)("the audit-log purge itself on %s", (engine) => {
	const old = new Date(Date.now() - 5 * 86_400_000).toISOString();
	const fill = async (
		db: Db,
		operation: string,
		resourceType: string,
		n: number,
	) => {
		for (let i = 0; i < n; i += 500) {
			await db
				.insertInto("audit_logs")
				.values(
					Array.from({ length: Math.min(500, n - i) }, (_, j) => ({
						project_id: 0,
						username: "u",
						resource: `r${i + j}`,
						resource_type: resourceType,
						operation,
						op_time: old,
					})),
				)
				.execute();
		}
	};
	const count = async (db: Db) =>
		Number(
			(
				await db
					.selectFrom("audit_logs")
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow()
			).n,
		);
	const params = (p: Partial<PurgeParameters>): PurgeParameters => ({
		audit_retention_hour: 24,
		include_event_types: "pull_artifact",
		dry_run: false,
		...p,
	});

	it("stops between chunks when asked: what it deleted is reported and gone, the rest stays for the next run", () =>
		withDatabase(engine, async (db) => {
			await fill(db, "pull", "artifact", 3_500);
			const control = new AbortController();
			const lines: string[] = [];
			const result = { deleted: 0, byEventType: {} as Record<string, number> };
			const deps = {
				store: createPurgeStore(db),
				log: async (l: string) => {
					lines.push(l);
				},
				signal: control.signal,
				// Asked to stop as the first chunk ends.
				progress: async (p: number) => {
					if (p > 0) control.abort(new Error("job stopped"));
				},
			};
			await expect(purgeAuditLog(deps, params({}), result)).rejects.toThrow(
				"job stopped",
			);
			expect(result).toEqual({
				deleted: 1_000,
				byEventType: { pull_artifact: 1_000 },
			});
			expect(await count(db)).toBe(2_500);
			const rest = await purgeAuditLog(
				{
					...deps,
					signal: new AbortController().signal,
					progress: async () => {},
				},
				params({}),
			);
			expect(rest.deleted).toBe(2_500);
			expect(await count(db)).toBe(0);
		}));

	it("reads an event type whose operation has an underscore, and a dry run counts without deleting", () =>
		withDatabase(engine, async (db) => {
			await fill(db, "login_failed", "user", 3);
			await fill(db, "login", "failed_user", 2); // the same name, split elsewhere: also `login_failed_user`
			await fill(db, "login", "user", 4);
			const deps = {
				store: createPurgeStore(db),
				log: async () => {},
				progress: async () => {},
				signal: new AbortController().signal,
			};
			expect(
				await purgeAuditLog(
					deps,
					params({ include_event_types: "login_failed_user", dry_run: true }),
				),
			).toEqual({ deleted: 5, byEventType: { login_failed_user: 5 } });
			expect(await count(db)).toBe(9);
			expect(
				(
					await purgeAuditLog(
						deps,
						params({ include_event_types: "login_failed_user" }),
					)
				).deleted,
			).toBe(5);
			expect(await count(db)).toBe(4);
		}));
});
