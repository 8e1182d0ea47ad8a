import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { now } from "../db/database.ts";
import { addProject } from "../test/api-fixtures.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "../test/distribution-server.ts";
import {
	adminPassword,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../test/harness.ts";
import {
	type Pushed,
	pushChart,
	pushImage,
	pushIndex,
	pushSignature,
} from "../test/oci-fixtures.ts";
import { dockerRegistry } from "./adapters/docker-registry.ts";
import { listLocal, listRemote, type SourceArtifact } from "./sources.ts";
import { createV2Client, type V2Client } from "./v2-client.ts";

async function all(source: AsyncIterable<SourceArtifact>) {
	const out: SourceArtifact[] = [];
	for await (const a of source) out.push({ ...a, tags: [...a.tags].sort() });
	return out.sort(
		(a, b) =>
			a.repository.localeCompare(b.repository) ||
			a.digest.localeCompare(b.digest),
	);
}

describe.each(engines)("listLocal on %s", (engine) => {
	let wharf: TestServer;
	let client: V2Client;
	const suffix = randomBytes(3).toString("hex");
	const other = `other${suffix}`;
	let image: Pushed;
	let index: Pushed & { children: Pushed[] };
	let chart: Pushed;
	let untagged: Pushed;
	let elsewhere: Pushed;

	beforeAll(async () => {
		wharf = await startTestServer(engine);
		client = createV2Client({
			url: wharf.url,
			credential: { username: "admin", password: adminPassword },
		});
		await addProject(wharf, other);
		image = await pushImage(client, "library/app", "v1");
		await client.putManifest(
			"library/app",
			"latest",
			image.body,
			image.mediaType,
		);
		await pushSignature(client, "library/app", image);
		index = await pushIndex(client, "library/app", "multi");
		untagged = await pushImage(client, "library/app");
		chart = await pushChart(client, "library/charts/demo", "1.0.0");
		elsewhere = await pushImage(client, `${other}/tools`, "x");
		const t = now();
		const label = await wharf.db
			.insertInto("labels")
			.values({
				name: "prod",
				description: "",
				color: "",
				scope: "g",
				project_id: 0,
				creation_time: t,
				update_time: t,
			})
			.returning("id")
			.executeTakeFirstOrThrow();
		const row = await wharf.db
			.selectFrom("artifacts")
			.select("id")
			.where("digest", "=", image.digest)
			.executeTakeFirstOrThrow();
		await wharf.db
			.insertInto("artifact_labels")
			.values({ artifact_id: row.id, label_id: label.id, creation_time: t })
			.execute();
	}, 60_000);
	afterAll(async () => {
		await client?.close();
		await stopTestServer(wharf);
	});

	it("lists top-level artifacts with their tags, labels and type; not accessories, not an index's children", async () => {
		const listed = await all(listLocal(wharf.db, {}));
		const expected = [
			{
				repository: "library/app",
				digest: image.digest,
				tags: ["latest", "v1"],
				labels: ["prod"],
				artifactType: "IMAGE",
			},
			{
				repository: "library/app",
				digest: index.digest,
				tags: ["multi"],
				labels: [],
				artifactType: "IMAGE",
			},
			{
				repository: "library/app",
				digest: untagged.digest,
				tags: [],
				labels: [],
				artifactType: "IMAGE",
			},
			{
				repository: "library/charts/demo",
				digest: chart.digest,
				tags: ["1.0.0"],
				labels: [],
				artifactType: "CHART",
			},
			{
				repository: `${other}/tools`,
				digest: elsewhere.digest,
				tags: ["x"],
				labels: [],
				artifactType: "IMAGE",
			},
		].sort(
			(a, b) =>
				a.repository.localeCompare(b.repository) ||
				a.digest.localeCompare(b.digest),
		);
		expect(listed).toEqual(expected);
		// Pages of one row list the same (paging across repositories and artifacts keeps every row once).
		expect(await all(listLocal(wharf.db, { pageSize: 1 }))).toEqual(expected);
	});

	it("narrows to what the name pattern matches", async () => {
		expect(
			(await all(listLocal(wharf.db, { projectPattern: "library/**" }))).map(
				(a) => a.repository,
			),
		).toEqual([
			"library/app",
			"library/app",
			"library/app",
			"library/charts/demo",
		]);
		expect(
			(await all(listLocal(wharf.db, { projectPattern: "library/*" }))).map(
				(a) => a.repository,
			),
		).not.toContain("library/charts/demo");
		expect(
			(
				await all(listLocal(wharf.db, { projectPattern: `${other}/tools` }))
			).map((a) => a.digest),
		).toEqual([elsewhere.digest]);
		expect(
			(
				await all(
					listLocal(wharf.db, { projectPattern: `{library,${other}}/t*` }),
				)
			).map((a) => a.digest),
		).toEqual([elsewhere.digest]);
		expect(
			await all(listLocal(wharf.db, { projectPattern: "nowhere/**" })),
		).toEqual([]);
	});
});

describe("listRemote", () => {
	let distribution: DistributionServer;
	let wharf: TestServer;

	beforeAll(async () => {
		[distribution, wharf] = await Promise.all([
			startDistributionServer(),
			startTestServer("sqlite"),
		]);
	}, 60_000);
	afterAll(async () => {
		await Promise.all([distribution?.stop(), stopTestServer(wharf)]);
	});

	it("lists a catalog registry's tagged artifacts, tags of one digest together, accessories left out", async () => {
		const adapter = dockerRegistry.create({ url: distribution.url });
		try {
			const client = await adapter.client();
			const repo = `team/app-${randomBytes(3).toString("hex")}`;
			const image = await pushImage(client, repo, "v1");
			await client.putManifest(repo, "stable", image.body, image.mediaType);
			await pushSignature(client, repo, image, { referrersTag: true });
			const cosign = `${image.digest.replace(":", "-")}.sig`;
			await pushImage(client, repo, cosign);
			const other = await pushImage(
				client,
				`elsewhere/x-${randomBytes(3).toString("hex")}`,
				"v2",
			);

			const listed = await all(
				listRemote(adapter, client, { namePattern: "team/**" }),
			);
			expect(listed).toEqual([
				{
					repository: repo,
					digest: image.digest,
					tags: ["stable", "v1"],
					labels: [],
					artifactType: "IMAGE",
				},
			]);
			expect(
				(await all(listRemote(adapter, client, {}))).map((a) => a.digest),
			).toEqual(expect.arrayContaining([image.digest, other.digest]));
		} finally {
			await adapter.close();
		}
	});

	it("without a catalog, lists the one repository a literal name filter names, and refuses a glob clearly", async () => {
		const admin = createV2Client({
			url: wharf.url,
			credential: { username: "admin", password: adminPassword },
		});
		const image = await pushImage(admin, "library/public-app", "v1");
		await admin.close();
		// Anonymous on Wharf: the public library project is readable, its catalog is not.
		const adapter = dockerRegistry.create({ url: wharf.url });
		try {
			const client = await adapter.client();
			expect(await adapter.repositories()).toBeNull();
			expect(
				await all(
					listRemote(adapter, client, { namePattern: "library/public-app" }),
				),
			).toEqual([
				{
					repository: "library/public-app",
					digest: image.digest,
					tags: ["v1"],
					labels: [],
					artifactType: "IMAGE",
				},
			]);
			await expect(
				all(listRemote(adapter, client, { namePattern: "library/*" })),
			).rejects.toThrow(
				/cannot list its repositories: give the policy a name filter that names one repository exactly/,
			);
		} finally {
			await adapter.close();
		}
	});
});
