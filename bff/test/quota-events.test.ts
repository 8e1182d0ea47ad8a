import { randomBytes } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, api } from "./api-fixtures.ts";
import {
	client,
	descriptor,
	imageManifest,
	mt,
	sha256,
} from "./distribution-helpers.ts";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { eventually, type Json } from "./replication-fixtures.ts";
import { type Receiver, startReceiver } from "./webhook-receiver.ts";

/**
 * PATCHes `data` with no Content-Length (chunked transfer, as docker sends a layer): the upload then reserves quota a
 * step ahead of the bytes, and near the limit exactly what each piece needs.
 */
function patchChunked(
	s: TestServer,
	location: string,
	data: Buffer,
): Promise<{ status: number; location?: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			new URL(location, s.url),
			{
				method: "PATCH",
				headers: {
					Authorization: adminAuth,
					"Content-Type": "application/octet-stream",
				},
			},
			(res) => {
				res.resume();
				res.on("end", () =>
					resolve({ status: res.statusCode!, location: res.headers.location }),
				);
			},
		);
		req.on("error", reject);
		for (let at = 0; at < data.length; at += 16 * 1024)
			req.write(data.subarray(at, at + 16 * 1024));
		req.end();
	});
}

/**
 * QUOTA_EXCEED and QUOTA_WARNING reach a project's webhook policy as Harbor sends them: an exceed for each push the
 * quota refuses and for nothing else, a warning after a push or a copy that leaves the project at 85% or more.
 */
describe.each(engines)("quota webhook events on %s", (engine) => {
	let s: TestServer;
	let rx: Receiver;
	let call: ReturnType<typeof api>;
	let projectId: number;
	let policyId: number;

	beforeAll(async () => {
		rx = await startReceiver();
		s = await startTestServer(engine, { WHARF_WEBHOOK_RETRY_SECONDS: "0.05" });
		call = api(s);
		projectId = await addProject(s, "quota-hooks");
		await addProject(s, "quota-src");
		const r = await call("/projects/quota-hooks/webhook/policies", {
			method: "POST",
			json: {
				name: "quota",
				event_types: ["QUOTA_EXCEED", "QUOTA_WARNING"],
				enabled: true,
				targets: [{ type: "http", address: `${rx.url}/quota` }],
			},
		});
		expect(r.status, await r.clone().text()).toBe(201);
		policyId = Number(r.headers.get("location")!.split("/").pop());
	}, 60_000);
	afterAll(async () => {
		await stopTestServer(s);
		await rx?.close();
	});

	const setHard = async (storage: number) =>
		expect(
			(
				await call(`/quotas/${projectId}`, {
					method: "PUT",
					json: { hard: { storage } },
				})
			).status,
		).toBe(200);
	const used = async () =>
		(
			(await (await call(`/quotas/${projectId}`)).json()) as {
				used: { storage: number };
			}
		).used.storage;
	/** The policy's executions by event type, oldest first: written when the event fires, before any delivery. */
	const fired = async () =>
		(
			(await (
				await call(
					`/projects/quota-hooks/webhook/policies/${policyId}/executions?page_size=100&sort=id`,
				)
			).json()) as Json[]
		).map((e) => (e.extra_attrs as { event_type: string }).event_type);
	const bodies = () => rx.to("/quota").map((r) => JSON.parse(r.body) as Json);

	it("fires QUOTA_EXCEED once for a chunked upload the quota refuses, never for one that fits near the limit", async () => {
		const c = client(s);
		// 200 KB used, a limit 100 KB above: far less than the step an upload of unknown length reserves ahead.
		await c.pushBlob("quota-hooks/app", randomBytes(200_000));
		await setHard((await used()) + 100_000);

		// 60 KB fits: the step ahead is refused and then exactly what the bytes need is reserved, with no event.
		const fits = randomBytes(60_000);
		const start = await c.startUpload("quota-hooks/app");
		const patched = await patchChunked(s, start, fits);
		expect(patched.status).toBe(202);
		const done = await c.call(
			`${patched.location}${patched.location!.includes("?") ? "&" : "?"}digest=${sha256(fits)}`,
			{ method: "PUT" },
		);
		expect(done.status, await done.clone().text()).toBe(201);

		// 60 KB more does not: refused once, and one QUOTA_EXCEED tells it.
		const refused = await patchChunked(
			s,
			await c.startUpload("quota-hooks/app"),
			randomBytes(60_000),
		);
		expect(refused.status).toBe(403);
		const exceeded = await eventually(
			async () => bodies().find((b) => b.type === "QUOTA_EXCEED"),
			30_000,
			"QUOTA_EXCEED delivered",
		);
		expect(exceeded).toMatchObject({
			type: "QUOTA_EXCEED",
			operator: "",
			event_data: {
				repository: {
					name: "app",
					namespace: "quota-hooks",
					repo_full_name: "quota-hooks/app",
				},
				custom_attributes: {
					Details: expect.stringMatching(
						/^adding .* of storage resource, which when updated to current usage of .* will exceed the configured upper limit of .*\.$/,
					),
				},
			},
		});
		expect(await fired()).toEqual(["QUOTA_EXCEED"]);
	});

	it("fires QUOTA_WARNING when a copy leaves the project at 85% or more", async () => {
		await setHard(-1);
		const c = client(s);
		const config = Buffer.from(
			JSON.stringify({ architecture: "amd64", os: "linux" }),
		);
		const layer = randomBytes(50_000);
		await c.pushBlob("quota-src/app", config);
		await c.pushBlob("quota-src/app", layer);
		const body = imageManifest({
			config: descriptor(mt.ociConfig, config),
			layers: [descriptor(mt.ociLayer, layer)],
		});
		expect((await c.putManifest("quota-src/app", "v1", body)).status).toBe(201);
		// After the copy the project holds its own bytes and the image's: 90% of the limit.
		const after = (await used()) + config.length + layer.length + body.length;
		await setHard(Math.ceil(after / 0.9));
		const before = (await fired()).length;

		const r = await call(
			"/projects/quota-hooks/repositories/copied/artifacts?from=quota-src/app:v1",
			{ method: "POST" },
		);
		expect(r.status, await r.clone().text()).toBe(201);
		expect(await used()).toBe(after);
		const warning = await eventually(
			async () => bodies().find((b) => b.type === "QUOTA_WARNING"),
			30_000,
			"QUOTA_WARNING delivered",
		);
		expect(warning).toMatchObject({
			type: "QUOTA_WARNING",
			operator: "admin",
			event_data: {
				resources: [{ digest: sha256(body), tag: "v1" }],
				repository: {
					name: "copied",
					namespace: "quota-hooks",
					repo_full_name: "quota-hooks/copied",
				},
				custom_attributes: {
					Details: expect.stringMatching(
						/^quota usage reached (89|90)%: storage .* used$/,
					),
				},
			},
		});
		expect((await fired()).slice(before)).toEqual(["QUOTA_WARNING"]);
	});
});
