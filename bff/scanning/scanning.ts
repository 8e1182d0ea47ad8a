import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import type { SecretBox } from "../auth/secrets.ts";
import { type Db, now } from "../db/database.ts";
import type { ArtifactEvents } from "../events/artifact-events.ts";
import type { Jobs } from "../jobs/jobs.ts";
import { PermanentJobError } from "../jobs/queue.ts";
import {
	AdapterError,
	createAdapterClient,
	scannerMediaTypes,
} from "./adapter-client.ts";
import { createScannerStore } from "./registration-store.ts";
import type { ScanStatus } from "./tables.ts";

export const scanJobType = "IMAGE_SCAN";
/** The report type Wharf asks for and keeps: Harbor's vulnerability report. */
export const vulnerabilityMime = scannerMediaTypes.vulnerabilityReport;

const severities = ["Unknown", "Low", "Medium", "High", "Critical"] as const;
const report = z
	.object({
		vulnerabilities: z
			.array(
				z
					.object({
						id: z.string().optional(),
						severity: z.string().optional(),
						fix_version: z.string().nullish(),
					})
					.passthrough(),
			)
			.nullish(),
	})
	.passthrough();

/** How long a scan may take from request to report before it fails. */
const scanDeadlineMs = 30 * 60_000;
const payload = z.object({ reportId: z.number().int() });

const sleep = (ms: number, signal: AbortSignal) =>
	new Promise<void>((resolve, reject) => {
		if (signal.aborted) {
			reject(signal.reason);
			return;
		}
		const t = setTimeout(() => {
			signal.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(t);
			reject(signal.reason);
		};
		signal.addEventListener("abort", onAbort, { once: true });
	});

/** What an artifact's scan needs to know of it. */
export type ScanTarget = {
	id: number;
	digest: string;
	projectId: number;
	repository: string;
	mediaType: string;
	tag?: string;
};

/**
 * Vulnerability scanning through the project's scanner (its own, else the system default): a scan is an IMAGE_SCAN
 * job that asks the adapter to scan the artifact, giving it this registry's address and a short-lived pull token for
 * the one repository, then polls for the report as the adapter's Refresh-After says, and keeps it with its summary.
 * A scanner that fails, answers garbage or never finishes ends the scan in Error, saying why; pushes never wait for
 * scans. With `auto_scan` on, a project's pushes are scanned.
 */
export function createScanning(deps: {
	db: Db;
	jobs: Jobs;
	box: SecretBox;
	logger: Logger;
	artifactEvents: ArtifactEvents;
	/** A bearer token that may pull `repository` (and nothing else), for the scanner. */
	pullToken(repository: string): Promise<string>;
	/** This registry as users reach it, and as processes on this host do (a registration's use_internal_addr). */
	registryUrl(): string;
	internalUrl(): string;
}) {
	const { db } = deps;

	const registrations = createScannerStore(db);

	/** The project's scanner: its own choice, else the default; disabled ones scan nothing. */
	async function registrationFor(projectId: number) {
		const r =
			(await registrations.ofProject(projectId)) ??
			(await registrations.defaultOne());
		return r && !r.disabled ? r : undefined;
	}

	const finish = (
		id: number,
		status: ScanStatus,
		line: string,
		extra: Record<string, unknown> = {},
	) =>
		db
			.updateTable("scan_reports")
			.set({ status, end_time: now(), ...extra, log: line })
			.where("id", "=", id)
			.execute();

	deps.jobs.register(scanJobType, {
		concurrency: 2,
		payload,
		async handler(ctx) {
			const row = await db
				.selectFrom("scan_reports")
				.innerJoin("artifacts", "artifacts.id", "scan_reports.artifact_id")
				.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
				.select([
					"scan_reports.id",
					"scan_reports.registration_uuid",
					"scan_reports.status",
					"scan_reports.scan_request_id",
					"artifacts.digest",
					"artifacts.manifest_media_type",
					"repositories.name as repository",
				])
				.where("scan_reports.id", "=", ctx.payload.reportId)
				.executeTakeFirst();
			if (
				!row ||
				row.status === "Stopped" ||
				row.status === "Success" ||
				row.status === "Error"
			)
				return;
			const reg = await registrations.byUuid(row.registration_uuid);
			if (!reg) {
				await finish(
					row.id,
					"Error",
					"the scanner registration no longer exists",
				);
				return;
			}
			const client = createAdapterClient({
				url: reg.url,
				auth: reg.auth,
				accessCredential: reg.access_credential
					? deps.box.open(reg.access_credential)
					: "",
				skipCertVerify: !!reg.skip_cert_verify,
			});
			try {
				await db
					.updateTable("scan_reports")
					.set({ status: "Running" })
					.where("id", "=", row.id)
					.execute();
				// A scan resumed after a restart polls the request it already made.
				let requestId = row.scan_request_id;
				if (!requestId) {
					requestId = await client.scan({
						registry: {
							url: reg.use_internal_addr
								? deps.internalUrl()
								: deps.registryUrl(),
							authorization: `Bearer ${await deps.pullToken(row.repository)}`,
						},
						artifact: {
							repository: row.repository,
							digest: row.digest,
							mime_type: row.manifest_media_type,
						},
						enabled_capabilities: [
							{
								type: "vulnerability",
								produces_mime_types: [vulnerabilityMime],
							},
						],
					});
					await db
						.updateTable("scan_reports")
						.set({ scan_request_id: requestId })
						.where("id", "=", row.id)
						.execute();
					await ctx.log(`scan request ${requestId} accepted by ${reg.name}`);
				}
				const deadline = Date.now() + scanDeadlineMs;
				for (;;) {
					const r = await client.report(requestId, vulnerabilityMime);
					if (r.ready) {
						const parsed = report.safeParse(r.report);
						if (!parsed.success)
							throw new AdapterError(
								`the scanner's report is not Harbor's vulnerability report: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`,
							);
						const vulns = parsed.data.vulnerabilities ?? [];
						const counts: Record<string, number> = {};
						for (const v of vulns) {
							const s =
								severities.find(
									(x) => x.toLowerCase() === (v.severity ?? "").toLowerCase(),
								) ?? "Unknown";
							counts[s] = (counts[s] ?? 0) + 1;
						}
						const worst =
							[...severities].reverse().find((s) => counts[s]) ?? "None";
						const meta = await client.metadata().catch(() => null);
						await finish(
							row.id,
							"Success",
							`scanned by ${reg.name}: ${vulns.length} vulnerabilities`,
							{
								report: JSON.stringify(r.report),
								severity: worst,
								total: vulns.length,
								fixable: vulns.filter((v) => v.fix_version).length,
								counts: JSON.stringify(counts),
								scanner: meta ? JSON.stringify(meta.scanner) : null,
							},
						);
						return;
					}
					if (Date.now() + r.retryAfterS * 1000 > deadline)
						throw new AdapterError(
							`the scanner had no report after ${scanDeadlineMs / 60_000} minutes`,
						);
					await sleep(r.retryAfterS * 1000, ctx.signal);
				}
			} catch (e) {
				if (
					ctx.signal.aborted &&
					/shutting down/.test(
						String((ctx.signal.reason as Error | undefined)?.message),
					)
				) {
					await db
						.updateTable("scan_reports")
						.set({ status: "Pending" })
						.where("id", "=", row.id)
						.execute();
					throw e;
				}
				if (ctx.signal.aborted) {
					await finish(row.id, "Stopped", "stopped");
					return;
				}
				const message =
					e instanceof AdapterError
						? e.message
						: `scan failed: ${(e as Error).message}`;
				await finish(row.id, "Error", message);
				await ctx.log(message);
				throw new PermanentJobError(message);
			} finally {
				await client.close();
			}
		},
	});

	const scanning = {
		registrationFor,

		/**
		 * Starts a scan of the artifact (replacing its last report), for a "scan all" run when `executionId` names one;
		 * answers the report id, or undefined when its project has no scanner.
		 */
		async scan(
			a: ScanTarget,
			executionId: number | null = null,
		): Promise<string | undefined> {
			const reg = await registrationFor(a.projectId);
			if (!reg) return undefined;
			const uuid = randomUUID();
			const values = {
				uuid,
				registration_uuid: reg.uuid,
				status: "Pending" as const,
				job_id: null,
				scan_request_id: null,
				scanner: null,
				report: null,
				severity: "None",
				total: 0,
				fixable: 0,
				counts: "{}",
				log: "",
				start_time: now(),
				end_time: null,
				execution_id: executionId,
			};
			const { id } = await db
				.insertInto("scan_reports")
				.values({ artifact_id: a.id, mime_type: vulnerabilityMime, ...values })
				.onConflict((oc) =>
					oc.columns(["artifact_id", "mime_type"]).doUpdateSet(values),
				)
				.returning("id")
				.executeTakeFirstOrThrow();
			const jobId = await deps.jobs.enqueue(
				scanJobType,
				{ reportId: id },
				{ attempts: 3, backoffMs: 10_000 },
			);
			await db
				.updateTable("scan_reports")
				.set({ job_id: jobId })
				.where("id", "=", id)
				.execute();
			return uuid;
		},

		/** Stops the artifact's scan in progress; false when none is. */
		async stop(artifactId: number): Promise<boolean> {
			const r = await db
				.selectFrom("scan_reports")
				.select(["id", "job_id", "status"])
				.where("artifact_id", "=", artifactId)
				.where("status", "in", ["Pending", "Running"])
				.executeTakeFirst();
			if (!r) return false;
			if (r.job_id) await deps.jobs.stop(r.job_id);
			await db
				.updateTable("scan_reports")
				.set({ status: "Stopped", end_time: now(), log: "stopped" })
				.where("id", "=", r.id)
				.where("status", "in", ["Pending", "Running"])
				.execute();
			return true;
		},

		/** Harbor's scan_overview for each artifact that has a report, in one query. */
		async overviews(artifactIds: number[]) {
			const out = new Map<number, Record<string, unknown>>();
			if (artifactIds.length === 0) return out;
			const rows = await db
				.selectFrom("scan_reports")
				.selectAll()
				.where("artifact_id", "in", artifactIds)
				.execute();
			for (const r of rows) {
				const end = r.end_time ? Date.parse(r.end_time) : Date.now();
				out.set(r.artifact_id, {
					[r.mime_type]: {
						report_id: r.uuid,
						scan_status: r.status,
						severity: r.severity,
						duration: Math.round((end - Date.parse(r.start_time)) / 1000),
						summary: {
							total: r.total,
							fixable: r.fixable,
							summary: JSON.parse(r.counts) as Record<string, number>,
						},
						start_time: r.start_time,
						end_time: r.end_time ?? "",
						complete_percent: r.status === "Success" ? 100 : 0,
						...(r.scanner ? { scanner: JSON.parse(r.scanner) as unknown } : {}),
					},
				});
			}
			return out;
		},

		/** The artifact's reports by mime type (the vulnerabilities addition). */
		async reports(artifactId: number): Promise<Record<string, unknown>> {
			const rows = await db
				.selectFrom("scan_reports")
				.select(["mime_type", "report"])
				.where("artifact_id", "=", artifactId)
				.where("status", "=", "Success")
				.execute();
			return Object.fromEntries(
				rows.map((r) => [r.mime_type, JSON.parse(r.report!) as unknown]),
			);
		},

		/** A report's log (what happened to the scan), by its id, within the artifact. */
		log: (artifactId: number, uuid: string) =>
			db
				.selectFrom("scan_reports")
				.select("log")
				.where("artifact_id", "=", artifactId)
				.where("uuid", "=", uuid)
				.executeTakeFirst()
				.then((r) => r?.log),
	};

	// Scan on push: a project's `auto_scan` metadata.
	deps.artifactEvents.subscribe(async (ev) => {
		if (ev.type !== "push") return;
		const target = await db
			.selectFrom("artifacts")
			.innerJoin("repositories", "repositories.id", "artifacts.repository_id")
			.innerJoin("project_metadata", (j) =>
				j
					.onRef("project_metadata.project_id", "=", "artifacts.project_id")
					.on("project_metadata.name", "=", "auto_scan"),
			)
			.select([
				"artifacts.id",
				"artifacts.digest",
				"artifacts.project_id",
				"artifacts.manifest_media_type",
				"artifacts.top_level",
				"repositories.name as repository",
				"project_metadata.value",
			])
			.where("repositories.name", "=", ev.repository)
			.where("artifacts.digest", "=", ev.digest)
			.executeTakeFirst();
		if (target?.value !== "true" || !target.top_level) return;
		await scanning
			.scan({
				id: target.id,
				digest: target.digest,
				projectId: target.project_id,
				repository: target.repository,
				mediaType: target.manifest_media_type,
			})
			.catch((err: unknown) =>
				deps.logger.warn(
					{ err, repository: ev.repository },
					"scan on push not started",
				),
			);
	});

	return scanning;
}

export type Scanning = ReturnType<typeof createScanning>;
