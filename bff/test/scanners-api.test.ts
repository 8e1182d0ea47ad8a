import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRefused } from "./api-assertions.ts";
import { addProject, addUser, api } from "./api-fixtures.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { type ScannerAdapter, startScannerAdapter } from "./scanner-adapter.ts";

type Registration = {
	uuid: string;
	name: string;
	url: string;
	is_default: boolean;
	disabled: boolean;
	auth: string;
	access_credential: string;
	adapter: string;
	vendor: string;
	version: string;
	health?: string;
	capabilities: Record<string, boolean>;
};

describe.each(engines)("scanner registrations on %s", (engine) => {
	let s: TestServer;
	let call: ReturnType<typeof api>;
	let trivy: ScannerAdapter;
	let clair: ScannerAdapter;
	const users: Record<string, { id: number; auth: string }> = {};
	const key = "adapter-key-7f3a9c";

	const create = async (body: Record<string, unknown>) => {
		const r = await call("/scanners", { method: "POST", json: body });
		expect(r.status, await r.clone().text()).toBe(201);
		return r.headers.get("location")!.split("/").pop()!;
	};
	const list = async (q = "") =>
		(await (await call(`/scanners${q}`)).json()) as Registration[];

	beforeAll(async () => {
		[s, trivy, clair] = await Promise.all([
			startTestServer(engine),
			startScannerAdapter({ apiKey: key, name: "Trivy" }),
			startScannerAdapter({ name: "Clair" }),
		]);
		call = api(s);
		for (const name of ["owner", "maintainer"])
			users[name] = await addUser(s, name);
		await addProject(s, "scanned", {
			members: [
				[users.owner.id, 1],
				[users.maintainer.id, 4],
			],
		});
	});
	afterAll(async () => {
		await stopTestServer(s);
		await Promise.all([trivy.close(), clair.close()]);
	});

	it("is for system admins only", async () => {
		for (const [method, path] of [
			["GET", "/scanners"],
			["POST", "/scanners"],
			["POST", "/scanners/ping"],
			["GET", "/scanners/x"],
			["PUT", "/scanners/x"],
			["PATCH", "/scanners/x"],
			["DELETE", "/scanners/x"],
			["GET", "/scanners/x/metadata"],
		]) {
			expect(
				(
					await call(path, {
						method,
						auth: users.owner.auth,
						json: method === "GET" || method === "DELETE" ? undefined : {},
					})
				).status,
				`${method} ${path}`,
			).toBe(403);
		}
		expect((await call("/scanners", { auth: null })).status).toBe(401);
		expect(await list()).toEqual([]);
	});

	it("pings settings before saving: the adapter must answer its metadata with the credential given", async () => {
		expect(
			(
				await call("/scanners/ping", {
					method: "POST",
					json: {
						name: "Trivy",
						url: trivy.url,
						auth: "X-ScannerAdapter-API-Key",
						access_credential: key,
					},
				})
			).status,
		).toBe(200);
		await expectRefused(
			await call("/scanners/ping", {
				method: "POST",
				json: {
					name: "Trivy",
					url: trivy.url,
					auth: "X-ScannerAdapter-API-Key",
					access_credential: "wrong",
				},
			}),
			400,
			/refused the metadata request with 401: wrong API key/,
		);
		await expectRefused(
			await call("/scanners/ping", {
				method: "POST",
				json: { name: "x", url: "http://127.0.0.1:9" },
			}),
			400,
			/did not answer/,
		);
		await expectRefused(
			await call("/scanners/ping", {
				method: "POST",
				json: { name: "x", url: trivy.url, auth: "Digest" },
			}),
			400,
			/auth must be one of/,
		);
	});

	it("registers adapters (the first the default), keeps the credential sealed and unseen, and refuses duplicates", async () => {
		const first = await create({
			name: "Trivy",
			url: trivy.url,
			auth: "X-ScannerAdapter-API-Key",
			access_credential: key,
			description: "the usual",
		});
		const second = await create({ name: "Clair", url: clair.url });
		await expectRefused(
			await call("/scanners", {
				method: "POST",
				json: { name: "Trivy", url: `${clair.url}/other` },
			}),
			400,
			/did not answer|refused/,
		);
		await expectRefused(
			await call("/scanners", {
				method: "POST",
				json: { name: "Trivy", url: clair.url },
			}),
			409,
			/already exists/,
		);
		const all = await list();
		expect(all.map((r) => [r.name, r.is_default])).toEqual([
			["Trivy", true],
			["Clair", false],
		]);
		const got = (await (
			await call(`/scanners/${first}`)
		).json()) as Registration;
		expect(got).toMatchObject({
			uuid: first,
			name: "Trivy",
			auth: "X-ScannerAdapter-API-Key",
			access_credential: "*****",
			adapter: "Trivy",
			vendor: "Wharf tests",
			version: "1.2.3",
			health: "healthy",
			capabilities: { support_vulnerability: true, support_sbom: false },
		});
		expect(JSON.stringify(all)).not.toContain(key);
		const stored = await s.db
			.selectFrom("scanner_registrations")
			.select("access_credential")
			.where("uuid", "=", first)
			.executeTakeFirstOrThrow();
		expect(stored.access_credential).not.toContain(key);
		expect((await list("?q=name%3D~lai")).map((r) => r.uuid)).toEqual([second]);
		expect(await (await call(`/scanners/${first}/metadata`)).json()).toEqual(
			trivy.metadata,
		);
	});

	it("moves the default, and keeps it from being deleted or disabled while it is", async () => {
		const [trivyReg, clairReg] = await list();
		await expectRefused(
			await call(`/scanners/${trivyReg.uuid}`, { method: "DELETE" }),
			412,
			/default scanner cannot be deleted/,
		);
		await expectRefused(
			await call(`/scanners/${trivyReg.uuid}`, {
				method: "PUT",
				json: {
					name: "Trivy",
					url: trivy.url,
					auth: "X-ScannerAdapter-API-Key",
					disabled: true,
				},
			}),
			400,
			/cannot be disabled/,
		);
		expect(
			(
				await call(`/scanners/${clairReg.uuid}`, {
					method: "PATCH",
					json: { is_default: true },
				})
			).status,
		).toBe(200);
		expect((await list()).map((r) => [r.name, r.is_default])).toEqual([
			["Trivy", false],
			["Clair", true],
		]);
		// An update leaving the credential out keeps it: the adapter still lets Wharf in.
		expect(
			(
				await call(`/scanners/${trivyReg.uuid}`, {
					method: "PUT",
					json: {
						name: "Trivy 2",
						url: trivy.url,
						auth: "X-ScannerAdapter-API-Key",
						access_credential: "",
					},
				})
			).status,
		).toBe(200);
		expect(
			(await (await call(`/scanners/${trivyReg.uuid}`)).json()) as Registration,
		).toMatchObject({ name: "Trivy 2", health: "healthy" });
		// The console's "Test connection" while editing: no credential typed tests with the stored one; one typed replaces it.
		const ping = (json: Record<string, unknown>) =>
			call("/scanners/ping", {
				method: "POST",
				json: {
					name: "Trivy 2",
					url: trivy.url,
					auth: "X-ScannerAdapter-API-Key",
					...json,
				},
			});
		expect(
			(await ping({ uuid: trivyReg.uuid, access_credential: "" })).status,
		).toBe(200);
		expect(
			(await ping({ uuid: trivyReg.uuid, access_credential: "*****" })).status,
		).toBe(200);
		await expectRefused(
			await ping({ uuid: trivyReg.uuid, access_credential: "wrong" }),
			400,
			/401: wrong API key/,
		);
		await expectRefused(await ping({ access_credential: "" }), 400, /401/);
		await expectRefused(await ping({ uuid: "nope" }), 404, /not found/);
	});

	it("lets a project admin pick the project's scanner among the enabled ones; the default otherwise", async () => {
		const [trivyReg, clairReg] = await list();
		const scannerOf = async () =>
			(
				(await (
					await call("/projects/scanned/scanner", {
						auth: users.maintainer.auth,
					})
				).json()) as Registration
			).uuid;
		expect(await scannerOf()).toBe(clairReg.uuid);
		await expectRefused(
			await call("/projects/scanned/scanner", {
				method: "PUT",
				json: { uuid: trivyReg.uuid },
				auth: users.maintainer.auth,
			}),
			403,
			/not allowed/,
		);
		expect(
			(
				await call("/projects/scanned/scanner", {
					method: "PUT",
					json: { uuid: trivyReg.uuid },
					auth: users.owner.auth,
				})
			).status,
		).toBe(200);
		expect(await scannerOf()).toBe(trivyReg.uuid);
		const candidates = (await (
			await call("/projects/scanned/scanner/candidates", {
				auth: users.owner.auth,
			})
		).json()) as Registration[];
		expect(candidates.map((r) => r.uuid)).toEqual([
			trivyReg.uuid,
			clairReg.uuid,
		]);
		await expectRefused(
			await call("/projects/scanned/scanner", {
				method: "PUT",
				json: { uuid: "nope" },
				auth: users.owner.auth,
			}),
			400,
			/not found/,
		);
	});

	it("reports an adapter that stopped answering as unhealthy, and deletes a registration that is not the default", async () => {
		const [trivyReg] = await list();
		await trivy.close();
		expect(
			(
				(await (
					await call(`/scanners/${trivyReg.uuid}`)
				).json()) as Registration
			).health,
		).toBe("unhealthy");
		const deleted = await call(`/scanners/${trivyReg.uuid}`, {
			method: "DELETE",
		});
		expect(deleted.status).toBe(200);
		expect((await list()).map((r) => r.name)).toEqual(["Clair"]);
		// The project that had picked it falls back to the default.
		expect(
			((await (await call("/projects/scanned/scanner")).json()) as Registration)
				.name,
		).toBe("Clair");
	});
});
