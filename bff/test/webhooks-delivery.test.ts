import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQuotaStore } from "../api/quotas/store.ts";
import { addProject, api } from "./api-fixtures.ts";
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
import { pushImage } from "./oci-fixtures.ts";
import {
	addEndpoint,
	addPolicy,
	adminClient,
	eventually,
	type Json,
	replicate,
} from "./replication-fixtures.ts";
import { type Receiver, startReceiver } from "./webhook-receiver.ts";

type Task = {
	id: number;
	status: string;
	run_count: number;
	status_message: string;
};

/** Seconds since the epoch, as Harbor's occur_at: within the test's own clock. */
const recentUnix = () =>
	expect.toSatisfy(
		(n: number) => Number.isInteger(n) && Math.abs(n - Date.now() / 1000) < 120,
	);

describe.each(engines)("webhook deliveries on %s", (engine) => {
	let s: TestServer;
	let rx: Receiver;
	let dist: DistributionServer;
	let call: ReturnType<typeof api>;
	let host: string;
	let projectId: number;

	/** A policy of project `hooks` sending `events` to the receiver's `path`. */
	async function hook(
		name: string,
		events: string[],
		path: string,
		target: Json = {},
		over: Json = {},
	) {
		const r = await call("/projects/hooks/webhook/policies", {
			method: "POST",
			json: {
				name,
				event_types: events,
				enabled: true,
				targets: [{ type: "http", address: `${rx.url}${path}`, ...target }],
				...over,
			},
		});
		expect(r.status, await r.clone().text()).toBe(201);
		return Number(r.headers.get("location")!.split("/").pop());
	}
	const bodies = (path: string) =>
		rx.to(path).map((r) => JSON.parse(r.body) as Json);
	const arrived = (path: string, n = 1) =>
		eventually(
			async () => rx.to(path).length >= n && rx.to(path),
			30_000,
			`${n} deliveries to ${path}`,
		);
	const executions = async (policyId: number) =>
		(await (
			await call(`/projects/hooks/webhook/policies/${policyId}/executions`)
		).json()) as Json[];

	beforeAll(async () => {
		[rx, dist] = await Promise.all([
			startReceiver(),
			startDistributionServer(),
		]);
		s = await startTestServer(engine, {
			WHARF_WEBHOOK_RETRY_SECONDS: "0.05",
			WHARF_WEBHOOK_TIMEOUT_SECONDS: "3",
		});
		call = api(s);
		host = new URL(s.url).host;
		projectId = await addProject(s, "hooks");
	}, 60_000);
	afterAll(async () => {
		await stopTestServer(s);
		await Promise.all([rx?.close(), dist?.stop()]);
	});

	it("delivers push, pull and delete in Harbor's Default payload, with the auth header", async () => {
		await hook(
			"default",
			["PUSH_ARTIFACT", "PULL_ARTIFACT", "DELETE_ARTIFACT"],
			"/default",
			{ auth_header: "Bearer hook-secret" },
		);
		const c = adminClient(s);
		const pushed = await pushImage(c, "hooks/app", "v1");
		await c.getManifest("hooks/app", "v1");
		await c.deleteManifest("hooks/app", pushed.digest);
		await arrived("/default", 3);
		const repository = {
			date_created: expect.any(Number),
			name: "app",
			namespace: "hooks",
			repo_full_name: "hooks/app",
			repo_type: "private",
		};
		const byType = Object.fromEntries(
			bodies("/default").map((b) => [b.type, b]),
		);
		expect(byType.PUSH_ARTIFACT).toEqual({
			type: "PUSH_ARTIFACT",
			occur_at: recentUnix(),
			operator: "admin",
			event_data: {
				resources: [
					{
						digest: pushed.digest,
						tag: "v1",
						resource_url: `${host}/hooks/app:v1`,
					},
				],
				repository,
			},
		});
		expect(byType.PULL_ARTIFACT).toEqual({
			type: "PULL_ARTIFACT",
			occur_at: recentUnix(),
			operator: "admin",
			event_data: {
				resources: [
					{
						digest: pushed.digest,
						tag: "v1",
						resource_url: `${host}/hooks/app:v1`,
					},
				],
				repository,
			},
		});
		// Deleted by digest: the digest names it; the repository is gone with its last artifact or not, date_created says which.
		expect(byType.DELETE_ARTIFACT).toMatchObject({
			type: "DELETE_ARTIFACT",
			occur_at: recentUnix(),
			operator: "admin",
			event_data: {
				resources: [
					{
						digest: pushed.digest,
						tag: pushed.digest,
						resource_url: `${host}/hooks/app@${pushed.digest}`,
					},
				],
				repository: {
					name: "app",
					namespace: "hooks",
					repo_full_name: "hooks/app",
					repo_type: "private",
				},
			},
		});
		for (const r of rx.to("/default")) {
			expect(r.headers.authorization).toBe("Bearer hook-secret");
			expect(r.headers["content-type"]).toBe("application/json");
		}
	});

	it("sends CloudEvents (structured JSON) and Slack messages", async () => {
		const ce = await hook("cloudevents", ["PUSH_ARTIFACT"], "/ce", {
			payload_format: "CloudEvents",
		});
		await hook("slack", ["PUSH_ARTIFACT"], "/slack", { type: "slack" });
		const pushed = await pushImage(adminClient(s), "hooks/ce", "v2");
		const [ceReq] = await arrived("/ce");
		expect(ceReq.headers["content-type"]).toBe("application/cloudevents+json");
		expect(ceReq.headers.authorization).toBeUndefined();
		expect(JSON.parse(ceReq.body)).toEqual({
			specversion: "1.0",
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			requestid: expect.stringMatching(/^[0-9a-f-]{36}$/),
			source: `/projects/${projectId}/webhook/policies/${ce}`,
			type: "harbor.artifact.pushed",
			datacontenttype: "application/json",
			time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			operator: "admin",
			data: {
				resources: [
					{
						digest: pushed.digest,
						tag: "v2",
						resource_url: `${host}/hooks/ce:v2`,
					},
				],
				repository: {
					date_created: expect.any(Number),
					name: "ce",
					namespace: "hooks",
					repo_full_name: "hooks/ce",
					repo_type: "private",
				},
			},
		});
		const [slack] = await arrived("/slack");
		const blocks = (
			JSON.parse(slack.body) as {
				blocks: { type: string; text: { type: string; text: string } }[];
			}
		).blocks;
		expect(blocks.map((b) => b.text.text).slice(0, 2)).toEqual([
			"*Harbor webhook events*",
			"*event_type:* PUSH_ARTIFACT",
		]);
		expect(blocks[3].text.text).toBe("*operator:* admin");
		expect(blocks[5].text.text).toContain(
			`"resource_url":"${host}/hooks/ce:v2"`,
		);
		expect(
			blocks.every((b) => b.type === "section" && b.text.type === "mrkdwn"),
		).toBe(true);
	});

	it("sends a test event on request, to a disabled policy too, and shows its delivery", async () => {
		const policyId = await hook(
			"probe",
			["PUSH_ARTIFACT"],
			"/probe",
			{ auth_header: "Bearer probe" },
			{ enabled: false },
		);
		const r = await call(`/projects/hooks/webhook/policies/${policyId}/test`, {
			method: "POST",
		});
		expect(r.status, await r.clone().text()).toBe(201);
		const { execution_id: executionId } = (await r.json()) as {
			execution_id: number;
		};
		const [probe] = await arrived("/probe");
		expect(probe.headers.authorization).toBe("Bearer probe");
		expect(JSON.parse(probe.body)).toEqual({
			type: "TEST",
			occur_at: recentUnix(),
			operator: "admin",
			event_data: {
				custom_attributes: {
					Details: "a test event for the webhook policy probe of project hooks",
				},
			},
		});
		const [e] = await eventually(async () => {
			const list = await executions(policyId);
			return list[0]?.status === "Success" && list;
		});
		expect(e).toMatchObject({
			id: executionId,
			extra_attrs: { event_type: "TEST" },
		});
	});

	it("retries a failing receiver with backoff, then ends Error with the log of each try", async () => {
		const policyId = await hook("failing", ["PUSH_ARTIFACT"], "/fail");
		await hook("refusing", ["PUSH_ARTIFACT"], "/reject");
		await pushImage(adminClient(s), "hooks/fail", "v1");
		await arrived("/fail", 3);
		const [e] = await eventually(async () => {
			const list = await executions(policyId);
			return list[0]?.status === "Error" && list;
		});
		expect(e).toMatchObject({
			vendor_type: "WEBHOOK",
			vendor_id: policyId,
			trigger: "EVENT",
			extra_attrs: { event_type: "PUSH_ARTIFACT" },
			end_time: expect.any(String),
		});
		expect(e.metrics).toMatchObject({
			task_count: 1,
			error_task_count: 1,
			success_task_count: 0,
		});
		const [task] = (await (
			await call(
				`/projects/hooks/webhook/policies/${policyId}/executions/${e.id}/tasks`,
			)
		).json()) as Task[];
		expect(task).toMatchObject({
			status: "Error",
			run_count: 3,
			status_message: "the receiver answered 503",
		});
		const log = await (
			await call(
				`/projects/hooks/webhook/policies/${policyId}/executions/${e.id}/tasks/${task.id}/log`,
			)
		).text();
		expect(
			log.match(
				/^POST http:\/\/127\.0\.0\.1:\d+\/fail \(http, Default, \d+ bytes, try \d of 3\)$/gm,
			),
		).toHaveLength(3);
		expect(log.match(/^answered 503$/gm)).toHaveLength(3);
		expect(log.match(/^it is tried again$/gm)).toHaveLength(2);
		expect(rx.to("/fail")).toHaveLength(3);
		// A 400 is the receiver refusing this request: no second try.
		await arrived("/reject");
		await new Promise((r) => setTimeout(r, 500));
		expect(rx.to("/reject")).toHaveLength(1);
	});

	it("never slows a push while receivers hang", async () => {
		const hanging = await hook("hanging", ["PUSH_ARTIFACT"], "/hang");
		const c = adminClient(s);
		// Fill the delivery pool (8) with hung requests, then push once more.
		for (let i = 0; i < 10; i++) await pushImage(c, "hooks/busy", `t${i}`);
		await arrived("/hang", 8);
		const start = Date.now();
		await pushImage(c, "hooks/busy", "during");
		const took = Date.now() - start;
		// The guard: a push that waited for even one delivery would take the receiver timeout (3 s).
		expect(took).toBeLessThan(3000);
		// Its queued tries go with it, so later tests' deliveries do not wait behind them.
		expect(
			(
				await call(`/projects/hooks/webhook/policies/${hanging}`, {
					method: "DELETE",
				})
			).status,
		).toBe(200);
	});

	it("fires nothing for a disabled policy", async () => {
		await hook("off", ["PUSH_ARTIFACT"], "/off", {}, { enabled: false });
		const witness = await hook("on", ["PUSH_ARTIFACT"], "/on");
		await pushImage(adminClient(s), "hooks/quiet", "v1");
		await arrived("/on");
		await eventually(
			async () => (await executions(witness))[0]?.status === "Success",
		);
		expect(rx.to("/off")).toEqual([]);
	});

	it("fires QUOTA_WARNING past 85% and QUOTA_EXCEED when a push is refused", async () => {
		await hook("quota", ["QUOTA_WARNING", "QUOTA_EXCEED"], "/quota");
		const quotas = createQuotaStore(s.db);
		const used = await quotas.used(projectId);
		// Room for one image of a 4,700-byte layer (with its config and manifest), not two.
		await quotas.setHard(projectId, used + 5300);
		const c = adminClient(s);
		const first = await pushImage(c, "hooks/full", "v1", { layerBytes: 4700 });
		const [warning] = await arrived("/quota");
		expect(JSON.parse(warning.body)).toEqual({
			type: "QUOTA_WARNING",
			occur_at: recentUnix(),
			operator: "admin",
			event_data: {
				resources: [{ digest: first.digest, tag: "v1" }],
				repository: {
					name: "full",
					namespace: "hooks",
					repo_full_name: "hooks/full",
					repo_type: "private",
				},
				custom_attributes: {
					Details: expect.stringMatching(
						/^quota usage reached (8[5-9]|9\d)%: storage .* used$/,
					),
				},
			},
		});
		await expect(
			pushImage(c, "hooks/full", "v2", { layerBytes: 4700 }),
		).rejects.toThrow();
		const exceeded = await eventually(async () =>
			bodies("/quota").find((b) => b.type === "QUOTA_EXCEED"),
		);
		expect(exceeded).toEqual({
			type: "QUOTA_EXCEED",
			occur_at: recentUnix(),
			operator: "",
			event_data: {
				repository: {
					name: "full",
					namespace: "hooks",
					repo_full_name: "hooks/full",
					repo_type: "private",
				},
				custom_attributes: {
					Details: expect.stringMatching(
						/will exceed the configured upper limit of/,
					),
				},
			},
		});
		await quotas.setHard(projectId, -1);
	});

	it("fires REPLICATION when a replication execution ends, and shows the last trigger per event type", async () => {
		await hook("replication", ["REPLICATION"], "/replication");
		const pushed = await pushImage(adminClient(s), "hooks/rep", "v1");
		const distId = await addEndpoint(s, {
			name: `dist-${engine}`,
			type: "docker-registry",
			url: dist.url,
		});
		const policyId = await addPolicy(s, {
			name: "to-dist",
			dest_registry: { id: distId },
			filters: [{ type: "name", value: "hooks/rep" }],
		});
		const e = await replicate(s, policyId);
		const [r] = await arrived("/replication");
		expect(JSON.parse(r.body)).toEqual({
			type: "REPLICATION",
			occur_at: recentUnix(),
			operator: "",
			event_data: {
				replication: {
					harbor_hostname: "127.0.0.1",
					job_status: "Success",
					artifact_type: "image",
					authentication_type: "basic",
					override_mode: true,
					trigger_type: "manual",
					execution_timestamp: recentUnix(),
					execution_id: e.id,
					src_resource: {
						registry_type: "harbor",
						endpoint: s.url,
						namespace: "hooks",
					},
					dest_resource: {
						registry_name: `dist-${engine}`,
						registry_type: "docker-registry",
						endpoint: dist.url,
						namespace: "hooks",
					},
					successful_artifact: [
						{
							type: "image",
							status: "Succeed",
							name_tag: "rep:[v1]",
							references: [pushed.digest],
						},
					],
				},
			},
		});
		const last = (await (
			await call("/projects/hooks/webhook/lasttrigger")
		).json()) as Json[];
		expect(last).toContainEqual(
			expect.objectContaining({
				policy_name: "replication",
				event_type: "REPLICATION",
				last_trigger_time: expect.any(String),
			}),
		);
		expect(last).toContainEqual({
			policy_name: "off",
			event_type: "PUSH_ARTIFACT",
			enabled: false,
			creation_time: expect.any(String),
		});
	});
});
