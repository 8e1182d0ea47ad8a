import { rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../auth/users.ts";
import { testRedisUrl } from "../jobs/job-test-fixtures.ts";
import {
	adminAuth,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)("system info, health and ping on %s", (engine) => {
	let s: TestServer;
	const dev = basic("dev", "Developer1");
	const get = (
		p: string,
		auth: string | null = adminAuth,
		headers: Record<string, string> = {},
	) =>
		fetch(`${s.url}/api/v2.0${p}`, {
			headers: { ...headers, ...(auth ? { Authorization: auth } : {}) },
		});

	beforeAll(async () => {
		// The test client stands in for a reverse proxy on loopback, which the configuration trusts.
		s = await startTestServer(engine, { WHARF_TRUST_PROXY: "loopback" });
		await createUserService(s.db).create({
			username: "dev",
			password: "Developer1",
		});
	});
	afterAll(() => stopTestServer(s));

	it("gives anonymous callers only the public part of the system info", async () => {
		const r = await get("/systeminfo", null);
		expect(r.status).toBe(200);
		expect(await r.json()).toEqual({
			auth_mode: "db_auth",
			primary_auth_mode: false,
			self_registration: false,
			banner_message: "",
		});
	});

	it("gives signed-in callers the whole system info, the registry URL from the request host", async () => {
		const r = await get("/systeminfo", dev, {
			"X-Forwarded-Host": "registry.example.com:8443",
		});
		const info = await r.json();
		expect(info).toMatchObject({
			auth_mode: "db_auth",
			self_registration: false,
			project_creation_restriction: "everyone",
			has_ca_root: false,
			read_only: false,
			notification_enable: true,
			registry_storage_provider_name: "filesystem",
			harbor_version: expect.stringMatching(/^v2\.13\.0-wharf-\d+\.\d+\.\d+/),
		});
		// X-Forwarded-Host counts from the trusted (loopback) proxy only; the test client is one.
		expect(info).toMatchObject({
			registry_url: "registry.example.com:8443",
			external_url: "http://registry.example.com:8443",
		});
		const direct = await (await get("/systeminfo", dev)).json();
		expect(direct.registry_url).toBe(new URL(s.url).host);
		expect(Math.abs(Date.parse(info.current_time) - Date.now())).toBeLessThan(
			60_000,
		);
	});

	it("takes the registry URL from the configured external URL", async () => {
		const other = await startTestServer(engine, {
			WHARF_EXTERNAL_URL: "https://wharf.example.com",
		});
		try {
			const info = await (
				await fetch(`${other.url}/api/v2.0/systeminfo`, {
					headers: { Authorization: adminAuth },
				})
			).json();
			expect(info).toMatchObject({
				external_url: "https://wharf.example.com",
				registry_url: "wharf.example.com",
			});
		} finally {
			await stopTestServer(other);
		}
	});

	it("reports the data folder's disk to system admins only", async () => {
		const r = await get("/systeminfo/volumes");
		expect(r.status).toBe(200);
		const { storage } = await r.json();
		expect(storage).toHaveLength(1);
		expect(storage[0].total).toBeGreaterThan(0);
		expect(storage[0].free).toBeGreaterThanOrEqual(0);
		expect(storage[0].free).toBeLessThanOrEqual(storage[0].total);
		expect((await get("/systeminfo/volumes", dev)).status).toBe(403);
		expect((await get("/systeminfo/volumes", null)).status).toBe(401);
	});

	it("has no root certificate to download", async () => {
		const r = await get("/systeminfo/getcert");
		expect(r.status).toBe(404);
		expect((await r.json()).errors[0].code).toBe("NOT_FOUND");
	});

	it("answers ping with Pong as text, without credentials", async () => {
		const r = await get("/ping", null);
		expect(r.status).toBe(200);
		expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
		expect(await r.text()).toBe("Pong");
	});

	it("reports core, database, job service, registry and storage healthy, without credentials", async () => {
		const r = await get("/health", null);
		expect(r.status).toBe(200);
		expect(await r.json()).toEqual({
			status: "healthy",
			components: [
				{ name: "core", status: "healthy" },
				{ name: "database", status: "healthy" },
				{ name: "jobservice", status: "healthy" },
				{ name: "registry", status: "healthy" },
				{ name: "storage", status: "healthy" },
			],
		});
	});

	it("reports the job service unhealthy once this process's workers stop", async () => {
		const other = await startTestServer(engine);
		try {
			await other.jobs.close();
			const health = await (await fetch(`${other.url}/api/v2.0/health`)).json();
			expect(health.status).toBe("unhealthy");
			expect(health.components).toContainEqual({
				name: "jobservice",
				status: "unhealthy",
				error: "this process's worker pool is not running",
			});
			expect(health.components).toContainEqual({
				name: "database",
				status: "healthy",
			});
		} finally {
			await stopTestServer(other);
		}
	});

	it("asks the registry core in its own process, with the proxy transport", async () => {
		const other = await startTestServer(engine, {
			WHARF_CORE_TRANSPORT: "proxy",
		});
		try {
			const health = await (await fetch(`${other.url}/api/v2.0/health`)).json();
			expect(health.components).toContainEqual({
				name: "registry",
				status: "healthy",
			});
		} finally {
			await stopTestServer(other);
		}
	});

	it("reports Redis, when the jobs run there, unhealthy while it cannot be reached and healthy again after", async () => {
		// Redis behind a relay the test can cut: Wharf starts through it, then loses it.
		const target = new URL(testRedisUrl);
		let sockets: net.Socket[] = [];
		const relay = net.createServer((inbound) => {
			const outbound = net.connect(
				Number(target.port || 6379),
				target.hostname,
			);
			sockets.push(inbound, outbound);
			inbound.pipe(outbound).pipe(inbound);
			inbound.on("error", () => outbound.destroy());
			outbound.on("error", () => inbound.destroy());
		});
		await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
		const port = (relay.address() as AddressInfo).port;
		const other = await startTestServer(engine, {
			REDIS_URL: `redis://127.0.0.1:${port}`,
			WHARF_REDIS_PREFIX: `health-${Date.now()}`,
		});
		const health = async () =>
			(await fetch(`${other.url}/api/v2.0/health`)).json() as Promise<{
				status: string;
				components: { name: string; status: string; error?: string }[];
			}>;
		try {
			expect(
				(await health()).components.map((c) => `${c.name} ${c.status}`),
			).toEqual([
				"core healthy",
				"database healthy",
				"jobservice healthy",
				"redis healthy",
				"registry healthy",
				"storage healthy",
			]);
			relay.close();
			for (const c of sockets) c.destroy();
			sockets = [];
			let down = await health();
			for (let i = 0; i < 50 && down.status === "healthy"; i++) {
				await sleep(100);
				down = await health();
			}
			expect(down.status).toBe("unhealthy");
			expect(down.components.find((c) => c.name === "redis")).toMatchObject({
				status: "unhealthy",
				error: expect.any(String),
			});
			expect(down.components.find((c) => c.name === "database")).toEqual({
				name: "database",
				status: "healthy",
			});
			// Back on the same port: ioredis reconnects and the component recovers.
			await new Promise<void>((r) => relay.listen(port, "127.0.0.1", r));
			let up = await health();
			for (let i = 0; i < 100 && up.status !== "healthy"; i++) {
				await sleep(100);
				up = await health();
			}
			expect(up.status).toBe("healthy");
		} finally {
			// Redis reachable again before the server stops: its job workers close through it.
			if (!relay.listening) {
				await new Promise<void>((r) => relay.listen(port, "127.0.0.1", r));
				for (
					let i = 0;
					i < 100 &&
					(await health()).components.some((c) => c.status !== "healthy");
					i++
				)
					await sleep(100);
			}
			await stopTestServer(other);
			relay.close();
			for (const c of sockets) c.destroy();
		}
	});

	it("reports the storage unhealthy when its folder cannot be written", async () => {
		const other = await startTestServer(engine);
		try {
			// A file where the blob folder should be: nothing can be stored.
			const storage = path.join(other.dataDir, "storage");
			await rm(storage, { recursive: true, force: true });
			await writeFile(storage, "not a folder");
			const health = await (await fetch(`${other.url}/api/v2.0/health`)).json();
			expect(health.status).toBe("unhealthy");
			expect(health.components).toContainEqual({
				name: "storage",
				status: "unhealthy",
				error: expect.any(String),
			});
			expect(health.components).toContainEqual({
				name: "database",
				status: "healthy",
			});
		} finally {
			await stopTestServer(other);
		}
	});
});
