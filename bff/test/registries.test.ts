import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox, loadMasterKey } from "../auth/secrets.ts";
import { freePort } from "../bench/servers.ts";
import { addUser, api } from "./api-fixtures.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import {
	adminPassword,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const remoteUser = { username: "replicator", password: "Distribution-S3cret" };
type Json = Record<string, unknown>;
type Errors = { errors: { code: string; message: string }[] };

/** Polls `check` until it holds or the deadline passes (no fixed sleeps). */
async function eventually(check: () => Promise<boolean>, deadlineMs = 20_000) {
	const until = Date.now() + deadlineMs;
	while (Date.now() < until) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error("condition not met before the deadline");
}

/** A system robot on `s` (Harbor's organization-style credential: a name that is not a user, and a token). */
async function systemRobot(
	s: TestServer,
	name: string,
	permissions: {
		kind: string;
		namespace: string;
		access: { resource: string; action: string }[];
	}[],
) {
	const r = await api(s)("/robots", {
		method: "POST",
		json: { name, level: "system", duration: -1, permissions },
	});
	expect(r.status, await r.clone().text()).toBe(201);
	return (await r.json()) as { name: string; secret: string };
}

let remote: TestServer;
let distribution: DistributionServer;

beforeAll(async () => {
	[remote, distribution] = await Promise.all([
		startTestServer("sqlite"),
		startDistributionServer(remoteUser),
	]);
}, 60_000);
afterAll(async () => {
	await Promise.all([stopTestServer(remote), distribution?.stop()]);
});

describe.each(engines)("registry endpoints on %s", (engine) => {
	let s: TestServer;
	let call: ReturnType<typeof api>;
	const distributionEndpoint = () => ({
		name: `dist-${engine}`,
		type: "docker-registry",
		url: distribution.url,
		description: "docker-registry with htpasswd",
		credential: {
			type: "basic",
			access_key: remoteUser.username,
			access_secret: remoteUser.password,
		},
	});
	const harborEndpoint = () => ({
		name: `wharf-${engine}`,
		type: "harbor",
		url: `${remote.url}/`,
		insecure: false,
		credential: {
			type: "basic",
			access_key: "admin",
			access_secret: adminPassword,
		},
	});
	const count = async () =>
		Number((await call("/registries")).headers.get("x-total-count"));

	beforeAll(async () => {
		s = await startTestServer(engine, {
			WHARF_DOCKER_HUB_REGISTRY_URL: remote.url,
		});
		call = api(s);
	}, 60_000);
	afterAll(() => stopTestServer(s));

	it("creates docker-registry and harbor endpoints after pinging them, healthy, with the secret masked", async () => {
		for (const body of [distributionEndpoint(), harborEndpoint()]) {
			const r = await call("/registries", { method: "POST", json: body });
			expect(r.status, await r.clone().text()).toBe(201);
			const location = r.headers.get("location")!;
			expect(location).toMatch(/^\/api\/v2\.0\/registries\/\d+$/);
			const got = await call(location.replace("/api/v2.0", ""));
			const text = await got.text();
			expect(text).not.toContain(body.credential.access_secret);
			expect(JSON.parse(text)).toMatchObject({
				name: body.name,
				type: body.type,
				url: body.url.replace(/\/$/, ""),
				insecure: false,
				status: "healthy",
				credential: {
					type: "basic",
					access_key: body.credential.access_key,
					access_secret: "*****",
				},
				creation_time: expect.any(String),
				update_time: expect.any(String),
			});
		}
	});

	it("keeps secrets sealed by the master key, never in the clear", async () => {
		const rows = await s.db
			.selectFrom("registries")
			.select(["name", "access_secret"])
			.execute();
		const box = createSecretBox(loadMasterKey(s.dataDir));
		const dist = rows.find((r) => r.name === `dist-${engine}`)!;
		expect(dist.access_secret).not.toContain(remoteUser.password);
		expect(box.open(dist.access_secret!)).toBe(remoteUser.password);
	});

	it("lists with q, sort and paging, never showing a secret", async () => {
		const r = await call("/registries?q=name%3D~dist&sort=-name&page_size=10");
		expect(r.status).toBe(200);
		expect(r.headers.get("x-total-count")).toBe("1");
		const text = await r.text();
		expect(text).not.toContain(remoteUser.password);
		expect((JSON.parse(text) as Json[]).map((x) => x.name)).toEqual([
			`dist-${engine}`,
		]);
		const all = (await (await call("/registries?sort=name")).json()) as Json[];
		expect(all.map((x) => x.name)).toEqual([
			`dist-${engine}`,
			`wharf-${engine}`,
		]);
		expect(JSON.stringify(all)).not.toContain(adminPassword);
		const byType = (await (
			await call("/registries?q=type%3Dharbor")
		).json()) as Json[];
		expect(byType.map((x) => x.name)).toEqual([`wharf-${engine}`]);
		expect(
			(await call("/registries?name=wharf")).headers.get("x-total-count"),
		).toBe("1");
		expect((await call("/registries?q=bogus%3D1")).status).toBe(400);
	});

	it("pings by url and credentials before saving, and by id", async () => {
		const { credential, ...rest } = distributionEndpoint();
		const byUrl = {
			type: rest.type,
			url: rest.url,
			credential_type: "basic",
			access_key: credential.access_key,
			access_secret: credential.access_secret,
		};
		expect(
			(await call("/registries/ping", { method: "POST", json: byUrl })).status,
		).toBe(200);
		const id = (
			(await (await call(`/registries?q=name%3Dwharf-${engine}`)).json()) as {
				id: number;
			}[]
		)[0].id;
		expect(
			(await call("/registries/ping", { method: "POST", json: { id } })).status,
		).toBe(200);
		// By id with the mask as secret: the saved secret is used.
		expect(
			(
				await call("/registries/ping", {
					method: "POST",
					json: { id, access_secret: "*****" },
				})
			).status,
		).toBe(200);
		expect(
			(
				await call("/registries/ping", {
					method: "POST",
					json: { id: 999_999 },
				})
			).status,
		).toBe(404);
		expect(
			(
				await call("/registries/ping", {
					method: "POST",
					json: { url: distribution.url },
				})
			).status,
		).toBe(400);
	});

	it("answers wrong credentials and an unreachable URL with clear errors, creating nothing", async () => {
		const before = await count();
		const wrong = {
			...distributionEndpoint(),
			name: "wrong",
			credential: {
				type: "basic",
				access_key: remoteUser.username,
				access_secret: "nope",
			},
		};
		for (const path of ["/registries", "/registries/ping"]) {
			const body =
				path === "/registries"
					? wrong
					: {
							type: wrong.type,
							url: wrong.url,
							access_key: remoteUser.username,
							access_secret: "nope",
						};
			const r = await call(path, { method: "POST", json: body });
			expect(r.status).toBe(400);
			expect(((await r.json()) as Errors).errors[0].message).toMatch(
				/refused the credentials/,
			);
		}
		const wrongWharf = {
			...harborEndpoint(),
			name: "wrong-wharf",
			credential: { type: "basic", access_key: "admin", access_secret: "nope" },
		};
		const w = await call("/registries", { method: "POST", json: wrongWharf });
		expect(w.status).toBe(400);
		expect(((await w.json()) as Errors).errors[0].message).toMatch(
			/refused the credentials/,
		);

		const nowhere = `http://127.0.0.1:${await freePort()}`;
		const u = await call("/registries", {
			method: "POST",
			json: { ...distributionEndpoint(), name: "nowhere", url: nowhere },
		});
		expect(u.status).toBe(400);
		expect(((await u.json()) as Errors).errors[0].message).toContain(
			`cannot reach ${nowhere}`,
		);

		// A plain registry is not a Harbor: the harbor type asks Harbor's API.
		const notHarbor = await call("/registries", {
			method: "POST",
			json: { ...distributionEndpoint(), name: "not-harbor", type: "harbor" },
		});
		expect(notHarbor.status).toBe(400);
		expect(((await notHarbor.json()) as Errors).errors[0].message).toMatch(
			/Harbor's API/,
		);

		expect(
			(
				await call("/registries", {
					method: "POST",
					json: { ...distributionEndpoint(), name: "odd", type: "ftp" },
				})
			).status,
		).toBe(400);
		expect(
			(
				await call("/registries", {
					method: "POST",
					json: { ...distributionEndpoint(), name: "odd", url: "ftp://x" },
				})
			).status,
		).toBe(400);
		expect(
			(
				await call("/registries", {
					method: "POST",
					json: { ...distributionEndpoint() },
				})
			).status,
		).toBe(409);
		expect(await count()).toBe(before);
	});

	it("describes each endpoint's filters, triggers and copy by chunk", async () => {
		const rows = (await (await call("/registries?sort=name")).json()) as {
			id: number;
			type: string;
		}[];
		const infos = await Promise.all(
			rows.map(async (r) => (await call(`/registries/${r.id}/info`)).json()),
		);
		expect(infos[0]).toMatchObject({
			type: "docker-registry",
			supported_triggers: ["manual", "scheduled"],
			supported_copy_by_chunk: true,
			supported_resource_filters: [
				{ type: "name", style: "input" },
				{ type: "tag", style: "input" },
			],
		});
		expect(infos[1]).toMatchObject({
			type: "harbor",
			supported_triggers: ["manual", "scheduled", "event_based"],
			supported_copy_by_chunk: true,
		});
		expect((await call("/registries/999999/info")).status).toBe(404);
	});

	it("updates a description without a ping, and refuses a secret the remote refuses, keeping the old one", async () => {
		const [dist] = (await (
			await call(`/registries?q=name%3Ddist-${engine}`)
		).json()) as { id: number }[];
		expect(
			(
				await call(`/registries/${dist.id}`, {
					method: "PUT",
					json: { description: "renamed", access_secret: "*****" },
				})
			).status,
		).toBe(200);
		expect(await (await call(`/registries/${dist.id}`)).json()).toMatchObject({
			description: "renamed",
			credential: { access_secret: "*****" },
		});
		const refused = await call(`/registries/${dist.id}`, {
			method: "PUT",
			json: { access_secret: "nope" },
		});
		expect(refused.status).toBe(400);
		expect(
			(
				await call("/registries/ping", {
					method: "POST",
					json: { id: dist.id },
				})
			).status,
		).toBe(200);
		expect(
			(
				await call(`/registries/${dist.id}`, {
					method: "PUT",
					json: { name: `wharf-${engine}` },
				})
			).status,
		).toBe(409);
		expect(
			(
				await call(`/registries/${dist.id}`, {
					method: "PUT",
					json: { insecure: true },
				})
			).status,
		).toBe(200);
		expect(await (await call(`/registries/${dist.id}`)).json()).toMatchObject({
			insecure: true,
			status: "healthy",
		});
	});

	it("pings a docker-hub endpoint through the registry token flow with an organization-style credential", async () => {
		const robot = await systemRobot(remote, `hub-${engine}`, [
			{
				kind: "project",
				namespace: "*",
				access: [{ resource: "repository", action: "pull" }],
			},
		]);
		const body = {
			name: `hub-${engine}`,
			type: "docker-hub",
			url: "https://hub.docker.com",
			credential: {
				type: "basic",
				access_key: robot.name,
				access_secret: robot.secret,
			},
		};
		const r = await call("/registries", { method: "POST", json: body });
		expect(r.status, await r.clone().text()).toBe(201);
		const wrong = await call("/registries/ping", {
			method: "POST",
			json: {
				type: "docker-hub",
				url: "https://hub.docker.com",
				access_key: robot.name,
				access_secret: "nope",
			},
		});
		expect(wrong.status).toBe(400);
		expect(
			(
				await call(
					`${r.headers.get("location")!.replace("/api/v2.0", "")}/info`,
				)
			).status,
		).toBe(200);
	});

	it("lists the adapter types and their endpoint and credential patterns", async () => {
		const types = (await (
			await call("/replication/adapters")
		).json()) as string[];
		expect(types).toEqual(
			expect.arrayContaining([
				"harbor",
				"docker-registry",
				"docker-hub",
				"github-ghcr",
				"quay",
				"gitlab",
				"google-gcr",
				"azure-acr",
				"jfrog-artifactory",
				"aws-ecr",
			]),
		);
		const infos = (await (
			await call("/replication/adapterinfos")
		).json()) as Record<string, Json>;
		expect(infos["docker-hub"]).toMatchObject({
			endpoint_pattern: {
				endpoint_type: "EndpointPatternTypeFix",
				endpoints: [{ key: "hub.docker.com", value: "https://hub.docker.com" }],
			},
		});
		expect(infos["google-gcr"]).toMatchObject({
			credential_pattern: {
				access_key_type: "AccessKeyTypeFix",
				access_key_data: "_json_key",
				access_secret_type: "AccessSecretTypeFile",
			},
		});
		expect(infos["aws-ecr"]).toMatchObject({
			endpoint_pattern: { endpoint_type: "EndpointPatternTypeList" },
		});
		expect(infos.harbor).toMatchObject({
			credential_pattern: {
				access_key_type: "AccessKeyTypeStandard",
				access_secret_type: "AccessSecretTypePass",
			},
		});
	});

	it("is for system admins and robots granted registry at system level", async () => {
		const { auth } = await addUser(s, `plain-${engine}`);
		for (const [method, path] of [
			["GET", "/registries"],
			["GET", "/registries/1"],
			["POST", "/registries/ping"],
			["GET", "/replication/adapters"],
			["DELETE", "/registries/1"],
		]) {
			expect(
				(
					await call(path, {
						method,
						auth,
						json: method === "POST" ? {} : undefined,
					})
				).status,
				`${method} ${path}`,
			).toBe(403);
			expect(
				(
					await call(path, {
						method,
						auth: null,
						json: method === "POST" ? {} : undefined,
					})
				).status,
				`${method} ${path}`,
			).toBe(401);
		}
		const robot = await systemRobot(s, `endpoints-${engine}`, [
			{
				kind: "system",
				namespace: "/",
				access: [
					{ resource: "registry", action: "list" },
					{ resource: "registry", action: "read" },
				],
			},
		]);
		const robotAuth = basic(robot.name, robot.secret);
		expect((await call("/registries", { auth: robotAuth })).status).toBe(200);
		expect(
			(
				await call("/registries", {
					method: "POST",
					auth: robotAuth,
					json: distributionEndpoint(),
				})
			).status,
		).toBe(403);
	});

	it("deletes an endpoint", async () => {
		const [dist] = (await (
			await call(`/registries?q=name%3Ddist-${engine}`)
		).json()) as { id: number }[];
		expect(
			(await call(`/registries/${dist.id}`, { method: "DELETE" })).status,
		).toBe(200);
		expect((await call(`/registries/${dist.id}`)).status).toBe(404);
		expect(
			(await call(`/registries/${dist.id}`, { method: "DELETE" })).status,
		).toBe(404);
	});
});

describe("the background health check", () => {
	let s: TestServer;
	let stopped: DistributionServer;
	beforeAll(async () => {
		[s, stopped] = await Promise.all([
			startTestServer("sqlite", { WHARF_REGISTRY_HEALTH_SECONDS: "0.2" }),
			startDistributionServer(),
		]);
	}, 60_000);
	afterAll(async () => {
		await Promise.all([stopTestServer(s), stopped?.stop()]);
	});

	it("marks a stopped remote unhealthy, and healthy again once it answers", async () => {
		const call = api(s);
		const r = await call("/registries", {
			method: "POST",
			json: { name: "soon-gone", type: "docker-registry", url: stopped.url },
		});
		expect(r.status).toBe(201);
		const path = r.headers.get("location")!.replace("/api/v2.0", "");
		const status = async () =>
			((await (await call(path)).json()) as { status: string }).status;
		expect(await status()).toBe("healthy");
		await stopped.stop();
		await eventually(async () => (await status()) === "unhealthy");
		// A change that does not touch how the remote is reached saves without a ping, even while it is down.
		expect(
			(
				await call(path, {
					method: "PUT",
					json: { description: "down for now", url: stopped.url },
				})
			).status,
		).toBe(200);
		expect(
			(await call(path, { method: "PUT", json: { insecure: true } })).status,
		).toBe(400);
		await call(path, {
			method: "PUT",
			json: {
				url: distribution.url,
				access_key: remoteUser.username,
				access_secret: remoteUser.password,
			},
		});
		await eventually(async () => (await status()) === "healthy");
	});
});
