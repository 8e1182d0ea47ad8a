import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRefused } from "./api-assertions.ts";
import { addProject, addUser, api } from "./api-fixtures.ts";
import { client } from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { eventually } from "./replication-fixtures.ts";
import {
	type ScannerAdapter,
	type ScanRequestSeen,
	startScannerAdapter,
} from "./scanner-adapter.ts";

const mime = "application/vnd.security.vulnerability.report; version=1.1";
type Overview = {
	report_id: string;
	scan_status: string;
	severity: string;
	summary: { total: number; fixable: number; summary: Record<string, number> };
	scanner?: { name: string };
};
type Artifact = { digest: string; scan_overview?: Record<string, Overview> };

/**
 * What the adapter does with a request, as a real one would: it pulls the manifest from the registry it was given,
 * with the authorization it was given (and checks that this authorization opens nothing else), then reports.
 */
async function pullThenReport(
	req: ScanRequestSeen,
	seen: { pulled: number; otherRepository: number },
) {
	const { registry, artifact } = req.body;
	const headers = {
		Authorization: registry.authorization,
		Accept: "application/vnd.oci.image.manifest.v1+json",
	};
	const own = await fetch(
		`${registry.url}/v2/${artifact.repository}/manifests/${artifact.digest}`,
		{ headers },
	);
	seen.pulled = own.status;
	seen.otherRepository = (
		await fetch(`${registry.url}/v2/library/elsewhere/manifests/latest`, {
			headers,
		})
	).status;
	if (own.status !== 200) throw new Error(`cannot pull: ${own.status}`);
	return {
		generated_at: new Date().toISOString(),
		artifact,
		scanner: { name: "TestScanner", vendor: "Wharf tests", version: "1.2.3" },
		severity: "Critical",
		vulnerabilities: [
			{
				id: "CVE-2024-0001",
				package: "openssl",
				version: "3.0.1",
				fix_version: "3.0.2",
				severity: "Critical",
				description: "a",
				links: [],
			},
			{
				id: "CVE-2024-0002",
				package: "zlib",
				version: "1.2.11",
				fix_version: "",
				severity: "High",
				description: "b",
				links: [],
			},
			{
				id: "CVE-2024-0003",
				package: "bash",
				version: "5.1",
				severity: "Low",
				description: "c",
				links: [],
			},
		],
	};
}

describe.each(engines)(
	"vulnerability scanning through a pluggable scanner on %s",
	(engine) => {
		let s: TestServer;
		let call: ReturnType<typeof api>;
		let good: ScannerAdapter;
		let garbage: ScannerAdapter;
		let slow: ScannerAdapter;
		const seen = { pulled: 0, otherRepository: 0 };
		let developer: string;

		const register = async (name: string, url: string) => {
			const r = await call("/scanners", {
				method: "POST",
				json: { name, url },
			});
			expect(r.status, await r.clone().text()).toBe(201);
			return r.headers.get("location")!.split("/").pop()!;
		};
		const artifactOf = async (project: string, repo: string, tag: string) =>
			(await (
				await call(
					`/projects/${project}/repositories/${repo}/artifacts/${tag}?with_scan_overview=true`,
				)
			).json()) as Artifact;
		const overviewOf = async (project: string, repo: string, tag: string) =>
			(await artifactOf(project, repo, tag)).scan_overview?.[mime];
		const finished = (project: string, repo: string, tag: string) =>
			eventually(
				async () => {
					const o = await overviewOf(project, repo, tag);
					return o && !["Pending", "Running"].includes(o.scan_status)
						? o
						: undefined;
				},
				30_000,
				`the scan of ${project}/${repo}:${tag}`,
			);

		beforeAll(async () => {
			[s, good, garbage, slow] = await Promise.all([
				startTestServer(engine),
				startScannerAdapter({
					name: "TestScanner",
					report: (req) => pullThenReport(req, seen),
				}),
				startScannerAdapter({
					name: "Garbage",
					pendingPolls: 0,
					report: () => ({ vulnerabilities: "none at all" }),
				}),
				startScannerAdapter({ name: "Slow", pendingPolls: 1_000_000 }),
			]);
			call = api(s);
			const dev = await addUser(s, "dev");
			developer = dev.auth;
			await addProject(s, "scanme", { members: [[dev.id, 2]] });
			await addProject(s, "garbage");
			await addProject(s, "slow");
			await register("TestScanner", good.url);
			await call("/projects/garbage/scanner", {
				method: "PUT",
				json: { uuid: await register("Garbage", garbage.url) },
			});
			await call("/projects/slow/scanner", {
				method: "PUT",
				json: { uuid: await register("Slow", slow.url) },
			});
		});
		afterAll(async () => {
			await stopTestServer(s);
			await Promise.all([good.close(), garbage.close(), slow.close()]);
		});

		it("scans an artifact on request: the scanner pulls it with a token for that repository only, and the overview and report follow", async () => {
			const { digest } = await client(s).pushImage("scanme/app", "v1");
			expect(
				(await artifactOf("scanme", "app", "v1")).scan_overview,
			).toBeUndefined();
			await expectRefused(
				await call("/projects/scanme/repositories/app/artifacts/v1/scan", {
					method: "POST",
					auth: developer,
				}),
				403,
				/not allowed/,
			);
			expect(
				(
					await call("/projects/scanme/repositories/app/artifacts/v1/scan", {
						method: "POST",
					})
				).status,
			).toBe(202);
			const o = await finished("scanme", "app", "v1");
			expect(o).toMatchObject({
				scan_status: "Success",
				severity: "Critical",
				summary: {
					total: 3,
					fixable: 1,
					summary: { Critical: 1, High: 1, Low: 1 },
				},
				scanner: { name: "TestScanner" },
			});
			expect(seen).toEqual({ pulled: 200, otherRepository: 401 });
			expect(good.requests.at(-1)!.body.artifact).toMatchObject({
				repository: "scanme/app",
				digest,
				mime_type: "application/vnd.oci.image.manifest.v1+json",
			});

			const reports = (await (
				await call(
					"/projects/scanme/repositories/app/artifacts/v1/additions/vulnerabilities",
				)
			).json()) as Record<string, { vulnerabilities: { id: string }[] }>;
			expect(reports[mime].vulnerabilities.map((v) => v.id)).toEqual([
				"CVE-2024-0001",
				"CVE-2024-0002",
				"CVE-2024-0003",
			]);
			const list = (await (
				await call(
					"/projects/scanme/repositories/app/artifacts?with_scan_overview=true",
				)
			).json()) as Artifact[];
			expect(list[0].scan_overview?.[mime].scan_status).toBe("Success");
			const log = await call(
				`/projects/scanme/repositories/app/artifacts/v1/scan/${o.report_id}/log`,
			);
			expect(await log.text()).toMatch(
				/scanned by TestScanner: 3 vulnerabilities/,
			);
		});

		it("scans on push when the project has auto_scan on", async () => {
			expect(
				(
					await call("/projects/scanme", {
						method: "PUT",
						json: { metadata: { auto_scan: "true" } },
					})
				).status,
			).toBe(200);
			await client(s).pushImage("scanme/app", "v2");
			expect(await finished("scanme", "app", "v2")).toMatchObject({
				scan_status: "Success",
				summary: { total: 3 },
			});
		});

		it("fails the scan, never the push, when the scanner answers garbage, and says why", async () => {
			const pushed = await client(s).pushImage("garbage/app", "v1");
			expect(pushed.response.status).toBe(201);
			expect(
				(
					await call("/projects/garbage/repositories/app/artifacts/v1/scan", {
						method: "POST",
					})
				).status,
			).toBe(202);
			const o = await finished("garbage", "app", "v1");
			expect(o.scan_status).toBe("Error");
			const log = await (
				await call(
					`/projects/garbage/repositories/app/artifacts/v1/scan/${o.report_id}/log`,
				)
			).text();
			expect(log).toMatch(/not Harbor's vulnerability report: vulnerabilities/);
			expect(
				await (
					await call(
						"/projects/garbage/repositories/app/artifacts/v1/additions/vulnerabilities",
					)
				).json(),
			).toEqual({});
		});

		it("prevents pulls of unscanned and vulnerable images (prevent_vul, severity), minus the CVE allowlist; the scanner still pulls", async () => {
			await addProject(s, "guarded");
			expect(
				(
					await call("/projects/guarded", {
						method: "PUT",
						json: { metadata: { prevent_vul: "true", severity: "high" } },
					})
				).status,
			).toBe(200);
			await client(s).pushImage("guarded/app", "v1");
			const pull = (method = "GET") =>
				client(s).call("/v2/guarded/app/manifests/v1", {
					method,
					headers: { Accept: "application/vnd.oci.image.manifest.v1+json" },
				});
			const refusal = async () => {
				const r = await pull();
				return r.status === 412
					? (
							(await r.json()) as {
								errors: { code: string; message: string }[];
							}
						).errors[0]
					: undefined;
			};
			expect(await eventually(refusal, 10_000, "the policy in force")).toEqual({
				code: "PROJECTPOLICYVIOLATION",
				message:
					"current image without vulnerability scanning cannot be pulled due to configured policy in 'Prevent images with vulnerability severity of \"High\" or higher from running.' To continue with pull, please contact your project administrator for help.",
			});
			expect((await pull("HEAD")).status).toBe(200); // a HEAD only looks
			seen.pulled = 0;
			expect(
				(
					await call("/projects/guarded/repositories/app/artifacts/v1/scan", {
						method: "POST",
					})
				).status,
			).toBe(202);
			expect((await finished("guarded", "app", "v1")).scan_status).toBe(
				"Success",
			);
			expect(seen.pulled).toBe(200); // the scanner is exempt
			// Critical and High count, Low does not.
			expect((await refusal())?.message).toMatch(
				/^current image with "2 vulnerabilities" cannot be pulled .* through configuring the CVE allowlist\.$/,
			);
			expect(
				(
					await call("/projects/guarded", {
						method: "PUT",
						json: { cve_allowlist: { items: [{ cve_id: "CVE-2024-0001" }] } },
					})
				).status,
			).toBe(200);
			await eventually(
				async () => (await refusal())?.message.includes('"1 vulnerabilities"'),
				10_000,
				"one CVE allowed",
			);
			expect(
				(
					await call("/projects/guarded", {
						method: "PUT",
						json: {
							cve_allowlist: {
								items: [
									{ cve_id: "CVE-2024-0001" },
									{ cve_id: "CVE-2024-0002" },
								],
							},
						},
					})
				).status,
			).toBe(200);
			await eventually(
				async () => (await pull()).status === 200,
				10_000,
				"the pull allowed",
			);
			// An expired allowlist exempts nothing.
			expect(
				(
					await call("/projects/guarded", {
						method: "PUT",
						json: {
							cve_allowlist: {
								items: [
									{ cve_id: "CVE-2024-0001" },
									{ cve_id: "CVE-2024-0002" },
								],
								expires_at: 1_000_000_000,
							},
						},
					})
				).status,
			).toBe(200);
			await eventually(
				async () => (await refusal())?.message.includes('"2 vulnerabilities"'),
				10_000,
				"the expired list ignored",
			);
		});

		it("stops a scan whose report never comes", async () => {
			await client(s).pushImage("slow/app", "v1");
			expect(
				(
					await call("/projects/slow/repositories/app/artifacts/v1/scan", {
						method: "POST",
					})
				).status,
			).toBe(202);
			await eventually(
				async () => slow.requests.length > 0,
				30_000,
				"the scan request",
			);
			expect(
				(
					await call("/projects/slow/repositories/app/artifacts/v1/scan/stop", {
						method: "POST",
					})
				).status,
			).toBe(202);
			expect((await finished("slow", "app", "v1")).scan_status).toBe("Stopped");
			await expectRefused(
				await call("/projects/slow/repositories/app/artifacts/v1/scan/stop", {
					method: "POST",
				}),
				400,
				/no scan of this artifact is pending or running/,
			);
		});
	},
);
