import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, api } from "./api-fixtures.ts";
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
import { osvFixtures, writeOsvZip } from "./osv-fixtures.ts";
import { eventually } from "./replication-fixtures.ts";
import { alpineLayers, debianAppLayers } from "./scanner-images.ts";

const mime = "application/vnd.security.vulnerability.report; version=1.1";
type Item = {
	id: string;
	package: string;
	version: string;
	fix_version: string;
	severity: string;
};
const brief = (v: Item) =>
	`${v.id} ${v.package} ${v.version} → ${v.fix_version || "-"} ${v.severity}`;

/** What the fixture database finds in the Debian app image: the whited-out lodash and the Python folder's older contents are gone. */
const debianFindings = [
	"CVE-2021-44906 minimist 1.2.5 → 1.2.6 Critical",
	"CVE-2023-32681 requests 2.30.0 → 2.31.0 Medium",
	"CVE-2022-32149 golang.org/x/text v0.3.7 → 0.3.8 Unknown",
	"CVE-2022-37434 zlib1g 1:1.2.11.dfsg-2+deb11u1 → 1:1.2.11.dfsg-2+deb11u2 Unknown",
];
const alpineFindings = [
	"CVE-2023-0464 libcrypto3 3.0.8-r0 → 3.0.8-r1 Unknown",
	"CVE-2023-0464 libssl3 3.0.8-r0 → 3.0.8-r1 Unknown",
];

/** Pushes an image of these gzipped layers through /v2, its config naming their diff ids; answers its digest. */
async function pushLayers(
	s: TestServer,
	repo: string,
	tag: string,
	layers: Buffer[],
) {
	const c = client(s);
	for (const l of layers) await c.pushBlob(repo, l);
	const config = Buffer.from(
		JSON.stringify({
			architecture: "amd64",
			os: "linux",
			config: {},
			rootfs: {
				type: "layers",
				diff_ids: layers.map((l) => sha256(gunzipSync(l))),
			},
		}),
	);
	await c.pushBlob(repo, config);
	const body = imageManifest({
		config: descriptor(mt.ociConfig, config),
		layers: layers.map((l) => descriptor(mt.ociLayer, l)),
	});
	const r = await c.putManifest(repo, tag, body);
	expect(r.status, await r.clone().text()).toBe(201);
	return sha256(body);
}

/** A local stand-in for OSV's bucket: `/<ecosystem>/all.zip` from files the test wrote. */
async function startOsvMirror(zips: Record<string, string>) {
	const hits: string[] = [];
	const server = http.createServer(async (req, res) => {
		hits.push(req.url ?? "");
		const m = /^\/([^/]+)\/all\.zip$/.exec(req.url ?? "");
		const file = m && zips[decodeURIComponent(m[1])];
		if (!file) {
			res.writeHead(404).end("no such object");
			return;
		}
		res
			.writeHead(200, { "Content-Type": "application/zip" })
			.end(await readFile(file));
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		hits,
		close: () => new Promise((r) => server.close(r)),
	};
}

/** `npm run scanner`'s program on a free port, on the server's metadata database; answers its URL once it listens. */
async function startScannerProcess(s: TestServer, apiKey: string) {
	const child = spawn(
		process.execPath,
		[
			"--import",
			"tsx",
			path.join(import.meta.dirname, "..", "scanning", "builtin", "main.ts"),
		],
		{
			env: {
				...process.env,
				...s.env,
				WHARF_SCANNER_PORT: "0",
				WHARF_SCANNER_HOST: "127.0.0.1",
				WHARF_SCANNER_API_KEY: apiKey,
				WHARF_LOG_LEVEL: "info",
			},
			stdio: ["ignore", "pipe", "pipe"],
		},
	);
	let stderr = "";
	child.stderr?.on("data", (c: Buffer) => {
		stderr += c.toString();
	});
	const url = await new Promise<string>((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		lines.on("line", (line) => {
			try {
				const o = JSON.parse(line) as { url?: string };
				if (o.url) resolve(o.url);
			} catch {
				/* not a log line */
			}
		});
		child.on("exit", (code) =>
			reject(new Error(`the scanner exited with ${code}: ${stderr}`)),
		);
	});
	return { url, child };
}

const stop = (child: ChildProcess) =>
	new Promise<void>((resolve) => {
		if (child.exitCode !== null) return resolve();
		child.on("exit", () => resolve());
		child.kill("SIGTERM");
	});

describe.each(engines)("the built-in scanner on %s", (engine) => {
	let s: TestServer;
	let call: ReturnType<typeof api>;
	let fixtureZip: string;

	const scanOf = async (project: string, repo: string, tag: string) => {
		expect(
			(
				await call(
					`/projects/${project}/repositories/${repo}/artifacts/${tag}/scan`,
					{ method: "POST" },
				)
			).status,
		).toBe(202);
		const o = await eventually(
			async () => {
				const a = (await (
					await call(
						`/projects/${project}/repositories/${repo}/artifacts/${tag}?with_scan_overview=true`,
					)
				).json()) as {
					scan_overview?: Record<
						string,
						{ scan_status: string; report_id: string }
					>;
				};
				const st = a.scan_overview?.[mime];
				return st && !["Pending", "Running"].includes(st.scan_status)
					? st
					: undefined;
			},
			60_000,
			`the scan of ${project}/${repo}:${tag}`,
		);
		const log = await (
			await call(
				`/projects/${project}/repositories/${repo}/artifacts/${tag}/scan/${o.report_id}/log`,
			)
		).text();
		expect(o.scan_status, log).toBe("Success");
		const reports = (await (
			await call(
				`/projects/${project}/repositories/${repo}/artifacts/${tag}/additions/vulnerabilities`,
			)
		).json()) as Record<
			string,
			{ severity: string; scanner: { name: string }; vulnerabilities: Item[] }
		>;
		return { overview: o, report: reports[mime] };
	};

	beforeAll(async () => {
		s = await startTestServer(engine, { WHARF_BUILTIN_SCANNER: "on" });
		call = api(s);
		fixtureZip = await writeOsvZip(
			path.join(s.dataDir, "fixture.zip"),
			(await osvFixtures()).values(),
		);
		await addProject(s, "scanme");
	});
	afterAll(async () => {
		await stopTestServer(s);
	});

	it("is registered as the default scanner, and its metadata says how old its database is", async () => {
		const list = (await (await call("/scanners")).json()) as {
			uuid: string;
			name: string;
			is_default: boolean;
			url: string;
		}[];
		expect(list).toHaveLength(1);
		expect(list[0]).toMatchObject({
			name: "Wharf built-in",
			is_default: true,
			url: `${s.url}/scanner/builtin`,
		});
		const meta = (await (
			await call(`/scanners/${list[0].uuid}/metadata`)
		).json()) as {
			properties: Record<string, string>;
			capabilities: { type: string }[];
		};
		expect(meta.properties).toMatchObject({
			"harbor.scanner-adapter/vulnerability-database-updated-at": "",
			"wharf.osv/advisories": "0",
			"env.SCANNER_OSV_SOURCE":
				"https://osv-vulnerabilities.storage.googleapis.com",
		});
		expect(meta.capabilities.map((c) => c.type)).toEqual([
			"vulnerability",
			"sbom",
		]);
		// Mounted in Wharf, it answers only its registration's key.
		expect(
			(await fetch(`${s.url}/scanner/builtin/api/v1/metadata`)).status,
		).toBe(401);
	});

	it("imports a zip of OSV advisories through the admin API, incrementally, refusing what is not one", async () => {
		const upload = (body: Buffer | string, auth = adminAuth) =>
			fetch(`${s.url}/api/v2.0/system/osv/imports`, {
				method: "POST",
				headers: { Authorization: auth, "Content-Type": "application/zip" },
				body: typeof body === "string" ? body : new Uint8Array(body),
			});
		const zip = await readFile(fixtureZip);
		const dev = await addUser(s, "osv-dev");
		expect((await upload(zip, dev.auth)).status).toBe(403);
		const first = await upload(zip);
		expect(first.status).toBe(201);
		expect(await first.json()).toMatchObject({ read: 6, changed: 6 });
		expect(first.headers.get("location")).toMatch(
			/^\/api\/v2\.0\/system\/osv\/imports\/\d+$/,
		);
		expect(await (await upload(zip)).json()).toMatchObject({
			read: 6,
			changed: 0,
		});
		const bad = await upload("not a zip");
		expect(bad.status).toBe(400);
		expect(await bad.json()).toEqual({
			errors: [
				{
					code: "BAD_REQUEST",
					message: expect.stringMatching(/^not a zip file/),
				},
			],
		});

		const status = (await (await call("/system/osv")).json()) as {
			advisories: number;
			updated_at: string;
			imports: { status: string }[];
		};
		expect(status.advisories).toBe(6);
		expect(status.imports.map((i) => i.status)).toEqual([
			"Error",
			"Success",
			"Success",
		]);
		const [reg] = (await (await call("/scanners")).json()) as {
			uuid: string;
		}[];
		const meta = (await (
			await call(`/scanners/${reg.uuid}/metadata`)
		).json()) as { properties: Record<string, string> };
		expect(
			meta.properties[
				"harbor.scanner-adapter/vulnerability-database-updated-at"
			],
		).toBe(status.updated_at);
		expect(meta.properties["wharf.osv/advisories"]).toBe("6");
	});

	it("scans images pushed through /v2: the exact vulnerabilities, nothing from whited-out files", async () => {
		const digest = await pushLayers(
			s,
			"scanme/app",
			"v1",
			await debianAppLayers(),
		);
		const { overview, report } = await scanOf("scanme", "app", "v1");
		expect(report.vulnerabilities.map(brief)).toEqual(debianFindings);
		expect(report.severity).toBe("Critical");
		expect(report.scanner.name).toBe("Wharf built-in");
		expect(report.vulnerabilities.some((v) => v.package === "lodash")).toBe(
			false,
		);
		const a = (await (
			await call(
				"/projects/scanme/repositories/app/artifacts/v1?with_scan_overview=true",
			)
		).json()) as {
			digest: string;
			scan_overview: Record<
				string,
				{
					severity: string;
					summary: {
						total: number;
						fixable: number;
						summary: Record<string, number>;
					};
				}
			>;
		};
		expect(a.digest).toBe(digest);
		expect(a.scan_overview[mime]).toMatchObject({
			severity: "Critical",
			summary: {
				total: 4,
				fixable: 4,
				summary: { Critical: 1, Medium: 1, Unknown: 2 },
			},
		});
		expect(overview.scan_status).toBe("Success");

		await pushLayers(s, "scanme/alpine", "3.17", await alpineLayers());
		expect(
			(await scanOf("scanme", "alpine", "3.17")).report.vulnerabilities.map(
				brief,
			),
		).toEqual(alpineFindings);
	});

	it("downloads the database on its job from the source URL setting (a local mirror here)", async () => {
		const lodash = structuredClone(
			(await osvFixtures()).get("GHSA-35jh-r3h4-6jhm")!,
		);
		lodash.modified = "2026-01-01T00:00:00Z";
		const npmZip = await writeOsvZip(path.join(s.dataDir, "npm.zip"), [
			lodash,
			(await osvFixtures()).get("GHSA-xvch-5gv4-984h")!,
		]);
		const mirror = await startOsvMirror({ npm: npmZip });
		try {
			expect(
				(
					await call("/system/osv", {
						method: "PUT",
						json: {
							source_url: mirror.url,
							ecosystems: ["npm", "Missing"],
							cron: "0 0 4 * * *",
						},
					})
				).status,
			).toBe(200);
			const st = (await (await call("/system/osv")).json()) as {
				source_url: string;
				schedule: { cron: string };
			};
			expect(st).toMatchObject({
				source_url: mirror.url,
				ecosystems: ["npm", "Missing"],
				schedule: { cron: "0 0 4 * * *" },
			});
			expect(
				(
					await call("/system/osv", {
						method: "PUT",
						json: { cron: "every day" },
					})
				).status,
			).toBe(400);
			expect((await call("/system/osv/sync", { method: "POST" })).status).toBe(
				202,
			);
			const imports = await eventually(
				async () => {
					const i = (
						(await (await call("/system/osv")).json()) as {
							imports: {
								source: string;
								status: string;
								read: number;
								changed: number;
							}[];
						}
					).imports;
					return i.some((x) => x.source === `${mirror.url}/npm/all.zip`)
						? i
						: undefined;
				},
				30_000,
				"the download",
			);
			expect(
				imports.find((x) => x.source === `${mirror.url}/npm/all.zip`),
			).toMatchObject({ status: "Success", read: 2, changed: 1 });
			expect(mirror.hits).toEqual(["/npm/all.zip", "/Missing/all.zip"]);
		} finally {
			await mirror.close();
		}
	});

	it("imports by command: npm run osv-import -- FILE.zip, on the server's database", async () => {
		const lodash = structuredClone(
			(await osvFixtures()).get("GHSA-35jh-r3h4-6jhm")!,
		);
		lodash.modified = "2027-01-01T00:00:00Z";
		const zip = await writeOsvZip(path.join(s.dataDir, "by-hand.zip"), [
			lodash,
		]);
		const out = await new Promise<{
			code: number | null;
			stdout: string;
			stderr: string;
		}>((resolve) => {
			const child = spawn("npm", ["run", "--silent", "osv-import", "--", zip], {
				cwd: path.join(import.meta.dirname, "..", ".."),
				env: { ...process.env, ...s.env, WHARF_LOG_LEVEL: "silent" },
			});
			let stdout = "";
			let stderr = "";
			child.stdout.on("data", (c: Buffer) => {
				stdout += c.toString();
			});
			child.stderr.on("data", (c: Buffer) => {
				stderr += c.toString();
			});
			child.on("exit", (code) => resolve({ code, stdout, stderr }));
		});
		expect(out, out.stderr).toMatchObject({
			code: 0,
			stdout: `${zip}: 1 of 1 advisories new or changed\n`,
		});
		const status = (await (await call("/system/osv")).json()) as {
			imports: { source: string; status: string; changed: number }[];
		};
		expect(status.imports[0]).toMatchObject({
			source: zip,
			status: "Success",
			changed: 1,
		});
	});

	it("runs as its own process speaking the same API: scans, and SPDX and CycloneDX SBOMs", async () => {
		const key = "a-key-for-the-test";
		const { url, child } = await startScannerProcess(s, key);
		try {
			const created = await call("/scanners", {
				method: "POST",
				json: {
					name: "Standalone",
					url,
					auth: "X-ScannerAdapter-API-Key",
					access_credential: key,
				},
			});
			expect(created.status, await created.clone().text()).toBe(201);
			await addProject(s, "apart");
			expect(
				(
					await call("/projects/apart/scanner", {
						method: "PUT",
						json: { uuid: created.headers.get("location")!.split("/").pop() },
					})
				).status,
			).toBe(200);
			await pushLayers(s, "apart/app", "v1", await debianAppLayers());
			expect(
				(await scanOf("apart", "app", "v1")).report.vulnerabilities.map(brief),
			).toEqual(debianFindings);

			// The SBOM capability, asked of the adapter directly as Harbor would.
			const headers = { "X-ScannerAdapter-API-Key": key };
			const digest = await pushLayers(
				s,
				"apart/alpine",
				"v1",
				await alpineLayers(),
			);
			const token = (await (
				await fetch(
					`${s.url}/service/token?service=harbor-registry&scope=repository:apart/alpine:pull`,
					{ headers: { Authorization: adminAuth } },
				)
			).json()) as { token: string };
			const accepted = await fetch(`${url}/api/v1/scan`, {
				method: "POST",
				headers: {
					...headers,
					"Content-Type":
						"application/vnd.scanner.adapter.scan.request+json; version=1.1",
				},
				body: JSON.stringify({
					registry: { url: s.url, authorization: `Bearer ${token.token}` },
					artifact: {
						repository: "apart/alpine",
						digest,
						mime_type: mt.ociManifest,
					},
					enabled_capabilities: [
						{
							type: "sbom",
							produces_mime_types: [
								"application/vnd.security.sbom.report+json; version=1.0",
							],
							parameters: { sbom_media_types: ["application/spdx+json"] },
						},
					],
				}),
			});
			expect(accepted.status).toBe(202);
			const { id } = (await accepted.json()) as { id: string };
			const sbom = (type: string) =>
				eventually(
					async () => {
						const r = await fetch(
							`${url}/api/v1/scan/${id}/report?sbom_media_type=${encodeURIComponent(type)}`,
							{
								headers: {
									...headers,
									Accept:
										"application/vnd.security.sbom.report+json; version=1.0",
								},
								redirect: "manual",
							},
						);
						return r.status === 302 ? undefined : r;
					},
					30_000,
					"the SBOM",
				);
			const spdx = await sbom("application/spdx+json");
			expect(spdx.status).toBe(200);
			expect(spdx.headers.get("content-type")).toBe(
				"application/vnd.security.sbom.report+json; version=1.0",
			);
			const spdxReport = (await spdx.json()) as {
				media_type: string;
				artifact: { digest: string };
				sbom: {
					spdxVersion: string;
					packages: {
						name: string;
						versionInfo: string;
						externalRefs?: { referenceLocator: string }[];
					}[];
				};
			};
			expect(spdxReport).toMatchObject({
				media_type: "application/spdx+json",
				artifact: { digest },
				sbom: { spdxVersion: "SPDX-2.3" },
			});
			expect(
				spdxReport.sbom.packages.map((p) => `${p.name} ${p.versionInfo}`),
			).toEqual([
				`apart/alpine ${digest}`,
				"alpine 3.17.2",
				"musl 1.2.3-r4",
				"libcrypto3 3.0.8-r0",
				"libssl3 3.0.8-r0",
			]);
			expect(
				spdxReport.sbom.packages[2].externalRefs?.[0].referenceLocator,
			).toBe("pkg:apk/alpine/musl@1.2.3-r4?arch=x86_64&distro=alpine-3.17.2");
			const cdx = (await (
				await sbom("application/vnd.cyclonedx+json")
			).json()) as {
				sbom: {
					specVersion: string;
					components: { name: string; purl?: string }[];
				};
			};
			expect(cdx.sbom.specVersion).toBe("1.5");
			expect(cdx.sbom.components.map((c) => c.purl ?? c.name)).toEqual([
				"alpine",
				"pkg:apk/alpine/musl@1.2.3-r4?arch=x86_64&distro=alpine-3.17.2",
				"pkg:apk/alpine/libcrypto3@3.0.8-r0?arch=x86_64&distro=alpine-3.17.2",
				"pkg:apk/alpine/libssl3@3.0.8-r0?arch=x86_64&distro=alpine-3.17.2",
			]);
			const noType = await fetch(`${url}/api/v1/scan/${id}/report`, {
				headers: {
					...headers,
					Accept: "application/vnd.security.sbom.report+json; version=1.0",
				},
			});
			expect(noType.status).toBe(400);
			expect((await fetch(`${url}/api/v1/metadata`)).status).toBe(401);
			// The API's refusals, each in its error shape.
			const post = (body: string) =>
				fetch(`${url}/api/v1/scan`, {
					method: "POST",
					headers: { ...headers, "Content-Type": "application/json" },
					body,
				});
			const refusal = async (r: Response) => ({
				status: r.status,
				type: r.headers.get("content-type"),
				body: (await r.json()) as unknown,
			});
			const errorType =
				"application/vnd.scanner.adapter.error+json; version=1.0";
			expect(await refusal(await post("{not json"))).toMatchObject({
				status: 400,
				type: errorType,
				body: { error: { message: expect.stringMatching(/not JSON/) } },
			});
			expect(
				await refusal(
					await post(
						JSON.stringify({
							registry: { url: s.url },
							artifact: { repository: "apart/alpine", digest: "latest" },
						}),
					),
				),
			).toMatchObject({
				status: 422,
				body: {
					error: { message: "artifact.digest: must be a sha256 digest" },
				},
			});
			expect(
				await refusal(
					await post(
						JSON.stringify({
							registry: { url: s.url },
							artifact: {
								repository: "apart/chart",
								digest,
								mime_type: "application/vnd.cncf.helm.config.v1+json",
							},
						}),
					),
				),
			).toMatchObject({ status: 501 });
			expect(
				(await fetch(`${url}/api/v1/scan/nope/report`, { headers })).status,
			).toBe(404);
		} finally {
			await stop(child);
		}
	});
	it("keeps one registration across restarts, moved to the new address, and leaves an admin's default the default", async () => {
		type Reg = { uuid: string; name: string; is_default: boolean; url: string };
		const before = (await (await call("/scanners")).json()) as Reg[];
		const other = before.find((r) => r.name === "Standalone")!;
		expect(
			(
				await call(`/scanners/${other.uuid}`, {
					method: "PATCH",
					json: { is_default: true },
				})
			).status,
		).toBe(200);
		const oldUrl = s.url;
		await stopTestServer(s, { keepData: true });
		s = await startTestServer(
			engine,
			{ WHARF_BUILTIN_SCANNER: "on" },
			{ dataDir: s.dataDir, schema: s.schema },
		);
		call = api(s);
		expect(s.url).not.toBe(oldUrl);
		const after = (await (await call("/scanners")).json()) as Reg[];
		const builtins = after.filter((r) => r.name === "Wharf built-in");
		expect(builtins).toHaveLength(1);
		expect(builtins[0]).toMatchObject({
			uuid: before.find((r) => r.name === "Wharf built-in")!.uuid,
			url: `${s.url}/scanner/builtin`,
			is_default: false,
		});
		expect(after.find((r) => r.is_default)?.name).toBe("Standalone");
		// Its key survived the restart: Wharf still reaches it.
		const meta = await call(`/scanners/${builtins[0].uuid}/metadata`);
		expect(meta.status).toBe(200);
		expect(
			((await meta.json()) as { properties: Record<string, string> })
				.properties["wharf.osv/advisories"],
		).toBe("6");
	});
});
