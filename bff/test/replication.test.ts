import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createV2Client, type V2Client } from "../replication/v2-client.ts";
import { addProject, api } from "./api-fixtures.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import {
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import {
	type Pushed,
	pushChart,
	pushImage,
	pushIndex,
	pushSignature,
} from "./oci-fixtures.ts";
import {
	addEndpoint,
	addPolicy,
	adminClient,
	eventually,
	type Json,
	replicate,
	tasksOf,
} from "./replication-fixtures.ts";

/** Every manifest and blob of what was pushed is at `c` under `repo`, byte for byte. */
async function expectSame(c: V2Client, repo: string, pushed: Pushed) {
	const got = await c.getManifest(repo, pushed.digest);
	expect(got.digest || pushed.digest).toBe(pushed.digest);
	expect(got.body.equals(pushed.body)).toBe(true);
	for (const b of pushed.blobs)
		expect(await c.headBlob(repo, b), `${repo} ${b}`).not.toBeNull();
}

describe("replication between two Wharfs and docker-registry", () => {
	let a: TestServer;
	let b: TestServer;
	let dist: DistributionServer;
	let local: V2Client;
	let remote: V2Client;
	let plain: V2Client;
	let harborId: number;
	let distId: number;
	let index: Pushed & { children: Pushed[] };
	let signature: Pushed;
	let chart: Pushed;

	beforeAll(async () => {
		[b, dist] = await Promise.all([
			startTestServer("sqlite"),
			startDistributionServer(),
		]);
		// `b` also stands in for Docker Hub's registry (a token-auth registry), where a docker-hub endpoint is pointed.
		a = await startTestServer("sqlite", {
			WHARF_DOCKER_HUB_REGISTRY_URL: b.url,
			WHARF_REPLICATION_RETRY_SECONDS: "0.2",
		});
		local = adminClient(a);
		remote = adminClient(b);
		plain = createV2Client({ url: dist.url });
		harborId = await addEndpoint(a, {
			name: "site-b",
			type: "harbor",
			url: b.url,
			credential: {
				type: "basic",
				access_key: "admin",
				access_secret: adminPassword,
			},
		});
		distId = await addEndpoint(a, {
			name: "dist",
			type: "docker-registry",
			url: dist.url,
		});
		index = await pushIndex(local, "library/app", "v1");
		signature = await pushSignature(local, "library/app", index);
		await pushImage(local, "library/app", "v2-dev");
		chart = await pushChart(local, "library/charts/demo", "0.1.0");
		await addProject(a, "other");
		await pushImage(local, "other/skipped", "v1");
	}, 120_000);
	afterAll(async () => {
		await Promise.all([local?.close(), remote?.close(), plain?.close()]);
		await Promise.all([stopTestServer(a), stopTestServer(b), dist?.stop()]);
	});

	it("pushes a multi-arch image with its signature and a Helm chart to another Wharf: digests identical, filters and flattening applied", async () => {
		const policy = await addPolicy(a, {
			name: "push-b",
			dest_registry: { id: harborId },
			dest_namespace: "mirror",
			dest_namespace_replace_count: 1,
			filters: [
				{ type: "name", value: "library/**" },
				{ type: "tag", value: "{v1,0.*}" },
			],
		});
		const e = await replicate(a, policy);
		expect(e).toMatchObject({
			total: 2,
			succeed: 2,
			failed: 0,
			trigger: "manual",
		});
		const tasks = await tasksOf(a, e.id as number);
		expect(
			tasks
				.map((t) => [t.src_resource, t.dst_resource, t.operation, t.status])
				.sort(),
		).toEqual([
			["library/app:[v1]", "mirror/app:[v1]", "copy", "Succeed"],
			[
				"library/charts/demo:[0.1.0]",
				"mirror/charts/demo:[0.1.0]",
				"copy",
				"Succeed",
			],
		]);
		expect(tasks.map((t) => t.resource_type).sort()).toEqual([
			"chart",
			"image",
		]);
		// The destination project was made on `b`; what arrived is what was pushed, byte for byte.
		await expectSame(remote, "mirror/app", index);
		for (const child of index.children)
			await expectSame(remote, "mirror/app", child);
		await expectSame(remote, "mirror/app", signature);
		await expectSame(remote, "mirror/charts/demo", chart);
		expect((await remote.headManifest("mirror/app", "v1"))?.digest).toBe(
			index.digest,
		);
		// Filtered out: the v2-dev tag and the other project.
		expect(await remote.headManifest("mirror/app", "v2-dev")).toBeNull();
		expect(await remote.headManifest("mirror/skipped", "v1")).toBeNull();
		// The remote lists the signature as the image's accessory.
		const acc = await api(b)(
			`/projects/mirror/repositories/app/artifacts/${index.digest}/accessories`,
		);
		expect(((await acc.json()) as Json[]).map((x) => x.digest)).toEqual([
			signature.digest,
		]);
		const log = await (
			await api(a)(`/replication/executions/${e.id}/tasks/${tasks[0].id}/log`)
		).text();
		expect(log).toMatch(/^copying /);
		expect(log).toMatch(/done: \d+ blobs sent/);
	});

	it("pushes to docker-registry with Harbor's legacy flattening, and pulls back into a new local project", async () => {
		const push = await addPolicy(a, {
			name: "push-dist",
			dest_registry: { id: distId },
			dest_namespace: "flat",
			dest_namespace_replace_count: -1,
			filters: [
				{ type: "name", value: "library/app" },
				{ type: "tag", value: "v1" },
			],
		});
		expect(await replicate(a, push)).toMatchObject({ total: 1, succeed: 1 });
		await expectSame(plain, "flat/app", index);
		await expectSame(plain, "flat/app", signature);

		const pull = await addPolicy(a, {
			name: "pull-dist",
			src_registry: { id: distId },
			dest_namespace: "pulled",
			dest_namespace_replace_count: 1,
			filters: [{ type: "name", value: "flat/**" }],
		});
		const e = await replicate(a, pull);
		expect(e).toMatchObject({ total: 1, succeed: 1 });
		await expectSame(local, "pulled/app", index);
		await expectSame(local, "pulled/app", signature);
		expect((await local.headManifest("pulled/app", "v1"))?.digest).toBe(
			index.digest,
		);
		const project = (await (await api(a)("/projects/pulled")).json()) as Json;
		expect(project).toMatchObject({
			name: "pulled",
			metadata: { public: "false" },
		});
	});

	it("follows a push and a deletion with event-based replication, and never re-triggers on its own pulls", async () => {
		await addProject(a, "events");
		const policy = await addPolicy(a, {
			name: "events-b",
			dest_registry: { id: harborId },
			dest_namespace: "ev",
			dest_namespace_replace_count: 1,
			trigger: { type: "event_based" },
			replicate_deletion: true,
			filters: [{ type: "name", value: "{events,pulled2}/**" }],
		});
		const pushed = await pushImage(local, "events/img", "1.0");
		const arrived = await eventually(
			() => remote.headManifest("ev/img", "1.0"),
			30_000,
			"event-based copy",
		);
		expect(arrived.digest).toBe(pushed.digest);
		const list = (await (
			await api(a)(
				`/replication/executions?policy_id=${policy}&trigger=event_based`,
			)
		).json()) as Json[];
		expect(list).toHaveLength(1);
		expect(list[0]).toMatchObject({ total: 1 });

		const del = await fetch(
			`${a.url}/v2/events/img/manifests/${pushed.digest}`,
			{
				method: "DELETE",
				headers: {
					authorization: `Basic ${Buffer.from(`admin:${adminPassword}`).toString("base64")}`,
				},
			},
		);
		expect(del.status).toBe(202);
		await eventually(
			async () => (await remote.headManifest("ev/img", pushed.digest)) === null,
			30_000,
			"event-based deletion",
		);
		// A deletion through the API (the console's) is followed too.
		const second = await pushImage(local, "events/img2", "2.0");
		await eventually(
			() => remote.headManifest("ev/img2", "2.0"),
			30_000,
			"event-based copy of the second image",
		);
		expect(
			(
				await api(a)(
					`/projects/events/repositories/img2/artifacts/${second.digest}`,
					{ method: "DELETE" },
				)
			).status,
		).toBe(200);
		await eventually(
			async () =>
				(await remote.headManifest("ev/img2", second.digest)) === null,
			30_000,
			"event-based deletion through the API",
		);
		const tasks = (
			await Promise.all(
				(
					(await (
						await api(a)(`/replication/executions?policy_id=${policy}`)
					).json()) as Json[]
				).map((x) => tasksOf(a, x.id as number)),
			)
		).flat();
		expect(tasks.map((t) => t.operation).sort()).toEqual([
			"copy",
			"copy",
			"deletion",
			"deletion",
		]);

		// A pull by replication into `pulled2` pushes into this Wharf: the event policy matching it stays quiet.
		const pull = await addPolicy(a, {
			name: "pull-quiet",
			src_registry: { id: distId },
			dest_namespace: "pulled2",
			dest_namespace_replace_count: 1,
			filters: [{ type: "name", value: "flat/**" }],
		});
		await replicate(a, pull);
		await expectSame(local, "pulled2/app", index);
		await new Promise((r) => setTimeout(r, 500)); // events are handled off the push's path: give one the time it would take
		const after = (await (
			await api(a)(`/replication/executions?policy_id=${policy}`)
		).json()) as Json[];
		expect(after).toHaveLength(4);
		expect(await remote.headManifest("ev/app", "v1")).toBeNull();
	});

	it("replicates from a docker-hub endpoint (a token-auth registry) with an organization-style credential", async () => {
		// Docker Hub's organization access token: the username is the organization, not a user (here a robot of `b`).
		await addProject(b, "hubsource");
		const robot = await api(b)("/robots", {
			method: "POST",
			json: {
				name: `org-${randomBytes(3).toString("hex")}`,
				level: "system",
				duration: -1,
				permissions: [
					{
						kind: "project",
						namespace: "hubsource",
						access: [
							{ resource: "repository", action: "pull" },
							{ resource: "repository", action: "list" },
							{ resource: "artifact", action: "list" },
						],
					},
				],
			},
		});
		expect(robot.status, await robot.clone().text()).toBe(201);
		const { name, secret } = (await robot.json()) as {
			name: string;
			secret: string;
		};
		const image = await pushImage(remote, "hubsource/tool", "stable");
		const hub = await addEndpoint(a, {
			name: "hub",
			type: "docker-hub",
			url: "https://hub.docker.com",
			credential: { type: "basic", access_key: name, access_secret: secret },
		});
		const policy = await addPolicy(a, {
			name: "from-hub",
			src_registry: { id: hub },
			dest_namespace: "hub",
			dest_namespace_replace_count: 1,
			filters: [
				{ type: "name", value: "hubsource/tool" },
				{ type: "tag", value: "stable" },
			],
		});
		expect(await replicate(a, policy)).toMatchObject({ total: 1, succeed: 1 });
		await expectSame(local, "hub/tool", image);
	});

	it("answers an unreachable destination with a failed task that says why", async () => {
		// An endpoint is saved only once it answers; it then goes away.
		const gone = await startDistributionServer();
		const id = await addEndpoint(a, {
			name: "gone",
			type: "docker-registry",
			url: gone.url,
		});
		await gone.stop();
		const policy = await addPolicy(a, {
			name: "to-gone",
			dest_registry: { id },
			filters: [
				{ type: "name", value: "library/app" },
				{ type: "tag", value: "v1" },
			],
		});
		const r = await api(a)("/replication/executions", {
			method: "POST",
			json: { policy_id: policy },
		});
		const execId = Number(r.headers.get("location")!.split("/").pop());
		const e = await eventually(async () => {
			const x = (await (
				await api(a)(`/replication/executions/${execId}`)
			).json()) as Json;
			return x.status !== "InProgress" && x;
		}, 30_000);
		expect(e).toMatchObject({ status: "Failed", total: 1, failed: 1 });
		const [task] = await tasksOf(a, execId);
		const log = await (
			await api(a)(`/replication/executions/${execId}/tasks/${task.id}/log`)
		).text();
		expect(log).toMatch(/attempt 1 failed: .*cannot reach/);
		expect(log).toMatch(/attempt 3 failed/);

		// Pulling from it: the listing fails, and the execution says why, with no task.
		const pull = await addPolicy(a, {
			name: "from-gone",
			src_registry: { id },
			dest_namespace: "library",
			filters: [{ type: "name", value: "library/**" }],
		});
		const started = await api(a)("/replication/executions", {
			method: "POST",
			json: { policy_id: pull },
		});
		const pullId = Number(started.headers.get("location")!.split("/").pop());
		const listing = await eventually(async () => {
			const x = (await (
				await api(a)(`/replication/executions/${pullId}`)
			).json()) as Json;
			return x.status !== "InProgress" && x;
		}, 30_000);
		expect(listing).toMatchObject({
			status: "Failed",
			total: 0,
			status_text: expect.stringMatching(
				/^listing the source failed: .*cannot reach/,
			),
		});
		// Nothing to retry task by task: it is started again instead.
		expect(
			(
				await api(a)(`/replication/executions/${pullId}/retry`, {
					method: "POST",
				})
			).status,
		).toBe(412);
	});
});
