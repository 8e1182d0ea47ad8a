import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createV2Client, type V2Client } from "../replication/v2-client.ts";
import { addProject, api } from "./api-fixtures.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminAuth,
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { pushImage } from "./oci-fixtures.ts";
import {
	addEndpoint,
	addPolicy,
	ended,
	replicate,
	startExecution,
	tasksOf,
} from "./replication-fixtures.ts";

const allTagsRule = (tags: string) => ({
	tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: tags }],
	scope_selectors: {
		repository: [
			{ kind: "doublestar", decoration: "repoMatches", pattern: "**" },
		],
	},
});

/** Immutable tags as real clients meet them: skopeo, a pull replication from docker-registry, harbor-cli. */
describe("immutable tags with real clients", () => {
	let s: TestServer;
	let c: ClientSandbox;
	let dist: DistributionServer;
	let host: string;
	let call: ReturnType<typeof api>;
	let first: string;
	let second: string;

	beforeAll(async () => {
		[s, dist] = await Promise.all([
			startTestServer("sqlite", { WHARF_REPLICATION_RETRY_SECONDS: "0.1" }),
			startDistributionServer(),
		]);
		c = await clientSandbox();
		host = new URL(s.url).host;
		call = api(s);
		first = path.join(c.dir, "first");
		second = path.join(c.dir, "second");
		await makeOciLayout(first);
		await makeOciLayout(second);
	}, 120_000);
	afterAll(async () => {
		await c?.cleanup();
		await Promise.all([stopTestServer(s), dist?.stop()]);
	});

	it("refuses skopeo copying another image over a matched tag, with the reason, and accepts the same image again", async () => {
		await addProject(s, "skopeo");
		expect(
			(
				await call("/projects/skopeo/immutabletagrules", {
					method: "POST",
					json: allTagsRule("1.*"),
				})
			).status,
		).toBe(201);
		const creds = [
			"--dest-tls-verify=false",
			"--dest-creds",
			`admin:${adminPassword}`,
		];
		const push = await c.skopeo(
			"copy",
			`oci:${first}`,
			`docker://${host}/skopeo/app:1.0`,
			...creds,
		);
		expect(push.ok, push.stderr).toBe(true);
		const again = await c.skopeo(
			"copy",
			`oci:${first}`,
			`docker://${host}/skopeo/app:1.0`,
			...creds,
		);
		expect(again.ok, again.stderr).toBe(true);
		const over = await c.skopeo(
			"copy",
			`oci:${second}`,
			`docker://${host}/skopeo/app:1.0`,
			...creds,
		);
		expect(over.ok).toBe(false);
		expect(over.stderr).toContain(
			"The tag skopeo/app:1.0 is immutable, cannot be overwritten",
		);
		// An unmatched tag takes the other image.
		const latest = await c.skopeo(
			"copy",
			`oci:${second}`,
			`docker://${host}/skopeo/app:latest`,
			...creds,
		);
		expect(latest.ok, latest.stderr).toBe(true);
		const inspect = await c.skopeo(
			"inspect",
			"--tls-verify=false",
			"--creds",
			`admin:${adminPassword}`,
			"--format",
			"{{.Digest}}",
			`docker://${host}/skopeo/app:1.0`,
		);
		expect(inspect.stdout.trim()).toBe(await c.layoutDigest(first));
	});

	it("fails a pull replication task that would move a matched tag, and its log says why", async () => {
		const upstream: V2Client = createV2Client({ url: dist.url });
		try {
			await pushImage(upstream, "src/app", "v1");
			const distId = await addEndpoint(s, {
				name: "dist",
				type: "docker-registry",
				url: dist.url,
			});
			const policy = await addPolicy(s, {
				name: "pull-locked",
				src_registry: { id: distId },
				dest_namespace: "mirror",
				dest_namespace_replace_count: 1,
				filters: [{ type: "name", value: "src/**" }],
			});
			expect(await replicate(s, policy)).toMatchObject({ succeed: 1 });
			expect(
				(
					await call("/projects/mirror/immutabletagrules", {
						method: "POST",
						json: allTagsRule("v*"),
					})
				).status,
			).toBe(201);

			await pushImage(upstream, "src/app", "v1");
			const id = await startExecution(s, policy);
			expect(await ended(s, id)).toMatchObject({ status: "Failed", failed: 1 });
			const [task] = await tasksOf(s, id);
			const log = await (
				await call(`/replication/executions/${id}/tasks/${task.id}/log`)
			).text();
			expect(log).toContain(
				"The tag mirror/app:v1 is immutable, cannot be overwritten",
			);
		} finally {
			await upstream.close();
		}
	});

	it("lets harbor-cli create and list rules, and project delete --force remove them before the held repositories", async () => {
		// harbor-cli's go-swagger client: basic auth, the rule without kind, action or template.
		const cli = (
			method: string,
			p: string,
			body?: unknown,
			headers: Record<string, string> = {},
		) =>
			fetch(`${s.url}/api/v2.0${p}`, {
				method,
				body: body === undefined ? undefined : JSON.stringify(body),
				headers: {
					Authorization: adminAuth,
					Accept: "application/json",
					...(body === undefined ? {} : { "Content-Type": "application/json" }),
					...headers,
				},
			});
		await addProject(s, "cli-held");
		const img = await c.skopeo(
			"copy",
			`oci:${first}`,
			`docker://${host}/cli-held/app:v1`,
			"--dest-tls-verify=false",
			"--dest-creds",
			`admin:${adminPassword}`,
		);
		expect(img.ok, img.stderr).toBe(true);
		const made = await cli("POST", "/projects/cli-held/immutabletagrules", {
			tag_selectors: [{ decoration: "matches", pattern: "v*" }],
			scope_selectors: {
				repository: [{ decoration: "repoMatches", pattern: "**" }],
			},
		});
		expect(made.status).toBe(201);
		const listed = await cli("GET", "/projects/cli-held/immutabletagrules");
		expect(listed.headers.get("x-total-count")).toBe("1");
		const rules = (await listed.json()) as { id: number }[];
		// Held, the repository cannot go; harbor-cli deletes the rules first.
		expect(
			(await cli("DELETE", "/projects/cli-held/repositories/app")).status,
		).toBe(412);
		for (const r of rules)
			expect(
				(await cli("DELETE", `/projects/cli-held/immutabletagrules/${r.id}`))
					.status,
			).toBe(200);
		expect(
			(await cli("DELETE", "/projects/cli-held/repositories/app")).status,
		).toBe(200);
		expect(
			(
				await cli("DELETE", "/projects/cli-held", undefined, {
					"X-Is-Resource-Name": "true",
				})
			).status,
		).toBe(200);
	});
});
