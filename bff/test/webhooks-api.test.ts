import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, api } from "./api-fixtures.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { eventually } from "./replication-fixtures.ts";

type Json = Record<string, unknown>;
type Errors = { errors: { code: string; message: string }[] };

describe.each(engines)("webhook policies API on %s", (engine) => {
	let s: TestServer;
	let call: ReturnType<typeof api>;
	let projectId: number;
	const users: Record<string, string> = {};
	const base = "/projects/hooks/webhook";
	const policy = (over: Json = {}) => ({
		name: "ci",
		description: "tell CI",
		enabled: true,
		event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
		targets: [
			{
				type: "http",
				address: "https://ci.example.com/hook",
				auth_header: "Bearer s3cret-token",
				skip_cert_verify: true,
				payload_format: "CloudEvents",
			},
		],
		...over,
	});
	const count = async () =>
		Number((await call(`${base}/policies`)).headers.get("x-total-count"));

	beforeAll(async () => {
		s = await startTestServer(engine);
		call = api(s);
		const members: [number, number][] = [];
		for (const [name, role] of [
			["owner", 1],
			["dev", 2],
			["keeper", 4],
			["guest", 3],
		] as const) {
			const u = await addUser(s, `${name}-${engine}`);
			users[name] = u.auth;
			members.push([u.id, role]);
		}
		projectId = await addProject(s, "hooks", { members });
	}, 60_000);
	afterAll(() => stopTestServer(s));

	it("creates, reads, lists, updates and deletes a policy in Harbor's shape, the auth header sealed and masked", async () => {
		const created = await call(`${base}/policies`, {
			method: "POST",
			json: policy(),
		});
		expect(created.status, await created.clone().text()).toBe(201);
		const location = created.headers.get("location")!;
		expect(location).toMatch(
			new RegExp(`^/api/v2\\.0/projects/${projectId}/webhook/policies/\\d+$`),
		);
		const got = (await (
			await call(location.replace("/api/v2.0", ""))
		).json()) as Json;
		expect(got).toEqual({
			id: expect.any(Number),
			name: "ci",
			description: "tell CI",
			project_id: projectId,
			enabled: true,
			creator: "admin",
			event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
			targets: [
				{
					type: "http",
					address: "https://ci.example.com/hook",
					auth_header: "******",
					skip_cert_verify: true,
					payload_format: "CloudEvents",
				},
			],
			creation_time: expect.any(String),
			update_time: expect.any(String),
		});
		// At rest the header is sealed, never in clear.
		const row = await s.db
			.selectFrom("webhook_policies")
			.select("targets")
			.where("id", "=", got.id as number)
			.executeTakeFirstOrThrow();
		expect(row.targets).not.toContain("s3cret-token");

		const list = await call(`${base}/policies?page_size=5`);
		expect(list.headers.get("x-total-count")).toBe("1");
		expect(((await list.json()) as Json[])[0]).toMatchObject({
			id: got.id,
			name: "ci",
		});

		// The console sends the mask back: the saved header stays.
		const put = await call(
			`/projects/${projectId}/webhook/policies/${got.id}`,
			{
				method: "PUT",
				json: {
					...policy({ enabled: false, event_types: ["PULL_ARTIFACT"] }),
					targets: [{ ...policy().targets[0], auth_header: "******" }],
				},
			},
		);
		expect(put.status, await put.clone().text()).toBe(200);
		const after = (await (
			await call(`${base}/policies/${got.id}`)
		).json()) as Json;
		expect(after).toMatchObject({
			enabled: false,
			event_types: ["PULL_ARTIFACT"],
			targets: [{ auth_header: "******" }],
		});
		const sealed = await s.db
			.selectFrom("webhook_policies")
			.select("targets")
			.where("id", "=", got.id as number)
			.executeTakeFirstOrThrow();
		expect(sealed.targets).toBe(row.targets);

		const del = await call(`${base}/policies/${got.id}`, { method: "DELETE" });
		expect(del.status).toBe(200);
		expect((await call(`${base}/policies/${got.id}`)).status).toBe(404);
		const ops = await eventually(async () => {
			const rows = await s.db
				.selectFrom("audit_logs")
				.select("operation")
				.where("resource_type", "=", "webhook_policy")
				.where("resource", "=", "ci")
				.execute();
			return rows.length >= 3 && rows.map((r) => r.operation).sort();
		});
		expect(ops).toEqual(["create", "delete", "update"]);
	});

	it("refuses bad policies with a clear 400 (or 409), creating nothing", async () => {
		const target = policy().targets[0];
		const cases: [Json, number, RegExp][] = [
			[{ name: "" }, 400, /name is required/],
			[{ event_types: ["PUSH_IMAGE"] }, 400, /unknown event type "PUSH_IMAGE"/],
			[{ event_types: [] }, 400, /at least one event type/],
			[{ targets: [] }, 400, /at least one target/],
			[
				{ targets: [{ ...target, address: "not a url" }] },
				400,
				/targets\[0\]\.address .* is not a URL/,
			],
			[
				{ targets: [{ ...target, address: "ftp://example.com/x" }] },
				400,
				/http:\/\/ or https:\/\//,
			],
			[{ targets: [{ ...target, type: "email" }] }, 400, /http or slack/],
			[
				{
					targets: [
						{ ...target, type: "slack", payload_format: "CloudEvents" },
					],
				},
				400,
				/slack target sends Default, not CloudEvents/,
			],
			[
				{ targets: [{ ...target, payload_format: "XML" }] },
				400,
				/Default or CloudEvents/,
			],
		];
		for (const [over, status, message] of cases) {
			const r = await call(`${base}/policies`, {
				method: "POST",
				json: policy(over),
			});
			expect(r.status, JSON.stringify(over)).toBe(status);
			expect(((await r.json()) as Errors).errors[0].message).toMatch(message);
		}
		expect(await count()).toBe(0);
		expect(
			(
				await call(`${base}/policies`, {
					method: "POST",
					json: policy({ name: "twice" }),
				})
			).status,
		).toBe(201);
		const again = await call(`${base}/policies`, {
			method: "POST",
			json: policy({ name: "twice" }),
		});
		expect(again.status).toBe(409);
		expect(((await again.json()) as Errors).errors[0]).toMatchObject({
			code: "CONFLICT",
		});
		expect(await count()).toBe(1);
	});

	it("lets project admins manage policies, maintainers list them, and nobody else", async () => {
		const asOwner = await call(`${base}/policies`, {
			method: "POST",
			json: policy({ name: "owned" }),
			auth: users.owner,
		});
		expect(asOwner.status, await asOwner.clone().text()).toBe(201);
		const id = Number(asOwner.headers.get("location")!.split("/").pop());
		expect(
			(await call(`${base}/policies/${id}`, { auth: users.owner })).status,
		).toBe(200);
		expect(
			(await call(`${base}/policies/${id}/executions`, { auth: users.owner }))
				.status,
		).toBe(200);
		expect(
			(
				await call(`${base}/policies`, {
					method: "POST",
					json: policy({ name: "dev" }),
					auth: users.dev,
				})
			).status,
		).toBe(403);
		expect((await call(`${base}/policies`, { auth: users.dev })).status).toBe(
			403,
		);
		expect(
			(
				await call(`${base}/policies/${id}`, {
					method: "DELETE",
					auth: users.dev,
				})
			).status,
		).toBe(403);
		expect(
			(await call(`${base}/policies`, { auth: users.keeper })).status,
		).toBe(200);
		expect(
			(
				await call(`${base}/policies`, {
					method: "POST",
					json: policy({ name: "keeper" }),
					auth: users.keeper,
				})
			).status,
		).toBe(403);
		expect(
			(
				await call(`${base}/policies/${id}`, {
					method: "PUT",
					json: { enabled: false },
					auth: users.keeper,
				})
			).status,
		).toBe(403);
		expect((await call(`${base}/policies`, { auth: users.guest })).status).toBe(
			403,
		);
		expect((await call(`${base}/policies`, { auth: null })).status).toBe(401);
		expect(
			(
				await call(`${base}/policies/${id}`, {
					method: "DELETE",
					auth: users.owner,
				})
			).status,
		).toBe(200);
	});

	it("lists the supported events, and every policy's event types with their last trigger", async () => {
		const events = (await (await call(`${base}/events`)).json()) as Json;
		expect(events).toEqual({
			event_type: [
				"PUSH_ARTIFACT",
				"PULL_ARTIFACT",
				"DELETE_ARTIFACT",
				"QUOTA_EXCEED",
				"QUOTA_WARNING",
				"REPLICATION",
				"TAG_RETENTION",
				"SCANNING_COMPLETED",
				"SCANNING_FAILED",
				"SCANNING_STOPPED",
			],
			notify_type: ["http", "slack"],
			payload_formats: [
				{ notify_type: "http", formats: ["Default", "CloudEvents"] },
				{ notify_type: "slack", formats: ["Default"] },
			],
		});
		await call(`${base}/policies`, {
			method: "POST",
			json: policy({
				name: "last",
				event_types: ["QUOTA_EXCEED"],
				enabled: false,
			}),
		});
		const last = (await (await call(`${base}/lasttrigger`)).json()) as Json[];
		expect(last).toContainEqual({
			policy_name: "last",
			event_type: "QUOTA_EXCEED",
			enabled: false,
			creation_time: expect.any(String),
		});
		expect((await call("/projects/nope/webhook/policies")).status).toBe(404);
		expect((await call(`${base}/policies/999999`)).status).toBe(404);
		expect((await call(`${base}/policies/abc`)).status).toBe(400);
	});
});
