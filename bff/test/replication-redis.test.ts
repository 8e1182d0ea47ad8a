import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropRedisPrefixes, testRedisUrl } from "../jobs/job-test-fixtures.ts";
import { createV2Client, type V2Client } from "../replication/v2-client.ts";
import { api } from "./api-fixtures.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import { startTestServer, stopTestServer, type TestServer } from "./harness.ts";
import { pushIndex } from "./oci-fixtures.ts";
import {
	addEndpoint,
	addPolicy,
	adminClient,
	ended,
	replicate,
	startExecution,
	tasksOf,
} from "./replication-fixtures.ts";

describe("replication with jobs on BullMQ (REDIS_URL)", () => {
	const prefix = `wharf-test-repl-${randomBytes(4).toString("hex")}`;
	let a: TestServer;
	let dist: DistributionServer;
	let local: V2Client;
	let plain: V2Client;

	beforeAll(async () => {
		[a, dist] = await Promise.all([
			startTestServer("postgres", {
				REDIS_URL: testRedisUrl,
				WHARF_REDIS_PREFIX: prefix,
				WHARF_REPLICATION_RETRY_SECONDS: "0.1",
			}),
			startDistributionServer(),
		]);
		local = adminClient(a);
		plain = createV2Client({ url: dist.url });
	}, 60_000);
	afterAll(async () => {
		await Promise.all([local?.close(), plain?.close()]);
		await Promise.all([stopTestServer(a), dist?.stop()]);
		await dropRedisPrefixes([prefix]);
	});

	it("runs an execution's listing and tasks as BullMQ jobs, each task with its log", async () => {
		const image = await pushIndex(local, "library/onredis", "v1");
		const endpoint = await addEndpoint(a, {
			name: "dist",
			type: "docker-registry",
			url: dist.url,
		});
		const policy = await addPolicy(a, {
			name: "redis",
			dest_registry: { id: endpoint },
			filters: [{ type: "name", value: "library/onredis" }],
		});
		expect(await replicate(a, policy)).toMatchObject({ total: 1, succeed: 1 });
		expect((await plain.headManifest("library/onredis", "v1"))?.digest).toBe(
			image.digest,
		);
		// Run again: the task's log, read from BullMQ's job log, says nothing needed sending.
		const id = await startExecution(a, policy);
		expect(await ended(a, id)).toMatchObject({ status: "Succeed" });
		const [task] = await tasksOf(a, id);
		expect(
			await (
				await api(a)(`/replication/executions/${id}/tasks/${task.id}/log`)
			).text(),
		).toMatch(/already there/);
	});
});
