import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "./api-fixtures.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import { startTestServer, stopTestServer, type TestServer } from "./harness.ts";
import {
	addEndpoint,
	addPolicy,
	eventually,
	type Json,
} from "./replication-fixtures.ts";

describe("a scheduled replication policy with two Wharf replicas on one Postgres database", () => {
	let one: TestServer;
	let two: TestServer;
	let dist: DistributionServer;

	beforeAll(async () => {
		dist = await startDistributionServer();
		one = await startTestServer("postgres");
		// The same schema and data folder (its master key opens the endpoint's secret): a second replica.
		two = await startTestServer(
			"postgres",
			{},
			{ dataDir: one.dataDir, schema: one.schema },
		);
	}, 60_000);
	afterAll(async () => {
		await two?.close();
		await stopTestServer(one);
		await dist?.stop();
	});

	it("fires once per due time, whichever replica claims it", async () => {
		const endpoint = await addEndpoint(one, {
			name: "dist",
			type: "docker-registry",
			url: dist.url,
		});
		// Every two seconds; nothing matches, so each fire is one quick execution with no tasks.
		const policy = await addPolicy(one, {
			name: "every-2s",
			dest_registry: { id: endpoint },
			trigger: {
				type: "scheduled",
				trigger_settings: { cron: "*/2 * * * * *" },
			},
			filters: [{ type: "name", value: "nothing/**" }],
		});
		const list = async () =>
			(await (
				await api(two)(
					`/replication/executions?policy_id=${policy}&page_size=100`,
				)
			).json()) as Json[];
		await eventually(
			async () => (await list()).length >= 3,
			30_000,
			"three scheduled executions",
		);
		// Disabled: the schedule row goes, and no fire follows.
		expect(
			(
				await api(two)(`/replication/policies/${policy}`, {
					method: "PUT",
					json: { enabled: false },
				})
			).status,
		).toBe(200);
		await eventually(
			async () => (await list()).every((e) => e.status !== "InProgress"),
			30_000,
			"executions to end",
		);
		const executions = await list();
		expect(
			executions.every(
				(e) =>
					e.trigger === "scheduled" && e.status === "Succeed" && e.total === 0,
			),
		).toBe(true);
		// One job per fire, and each due time (a 2-second slot) fired once.
		const jobs = await one.db
			.selectFrom("jobs")
			.select(["id", "creation_time"])
			.where("type", "=", "REPLICATION")
			.execute();
		expect(jobs).toHaveLength(executions.length);
		const slots = jobs.map((j) =>
			Math.floor(Date.parse(j.creation_time) / 2000),
		);
		expect(new Set(slots).size).toBe(slots.length);
		const settled = executions.length;
		await new Promise((r) => setTimeout(r, 2500));
		expect(await list()).toHaveLength(settled);
	});
});
