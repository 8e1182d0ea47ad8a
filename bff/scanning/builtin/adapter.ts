import { randomUUID, timingSafeEqual } from "node:crypto";
import express from "express";
import pLimit from "p-limit";
import type { Logger } from "pino";
import { z } from "zod";
import { scannerMediaTypes } from "../adapter-client.ts";
import {
	inventory,
	type OsInfo,
	type Package,
	wantedPath,
} from "./inventory.ts";
import {
	findVulnerabilities,
	type VulnerabilityItem,
	worstOf,
} from "./match.ts";
import type { OsvStore } from "./osv-store.ts";
import { readImage, scannableTypes } from "./pull.ts";
import { cycloneDxDocument, sbomMediaTypes, spdxDocument } from "./sbom.ts";

/** The scanner's own version: it changes when what it finds for the same image and database changes. */
export const builtinScannerVersion = "1.0.0";
export const builtinScanner = {
	name: "Wharf built-in",
	vendor: "Wharf",
	version: builtinScannerVersion,
};
const tool = { name: "wharf-builtin-scanner", version: builtinScannerVersion };
const errorType = "application/vnd.scanner.adapter.error+json; version=1.0";
const harborVulnerability = scannerMediaTypes.harborVulnerabilityReport;
/** How long a finished scan's results are kept for the polls that fetch them. */
const keepMs = 60 * 60_000;

const scanRequest = z.object({
	registry: z.object({
		url: z.string().regex(/^https?:\/\//, "must be an http(s) URL"),
		authorization: z.string().optional(),
	}),
	artifact: z.object({
		repository: z.string().min(1),
		digest: z
			.string()
			.regex(/^sha256:[0-9a-f]{64}$/, "must be a sha256 digest"),
		tag: z.string().optional(),
		mime_type: z.string().optional(),
	}),
	enabled_capabilities: z.array(z.unknown()).optional(),
});
type ScanRequest = z.infer<typeof scanRequest>;

type Scan = {
	request: ScanRequest;
	created: number;
	finished?: number;
	error?: string;
	result?: {
		os?: OsInfo;
		packages: Package[];
		vulnerabilities: VulnerabilityItem[];
		generatedAt: string;
	};
};

/**
 * Wharf's own scanner, speaking Harbor's pluggable scanner API v1.2 (`/api/v1/metadata`, `/api/v1/scan`,
 * `/api/v1/scan/{id}/report`) as an Express router: mounted in the Wharf process, or served by a process of its own
 * (main.ts). A scan pulls the image through /v2 with the request's credential, inventories its packages from the
 * layer streams, and matches them against the OSV database; the vulnerability report and SBOMs (SPDX 2.3, CycloneDX
 * 1.5) come from that one pass. Scans in progress live in this process (a scan asked of a replica is polled there;
 * one lost to a restart answers 404, which fails the scan with that reason).
 */
export function createBuiltinScanner(deps: {
	osv: OsvStore;
	/** The key callers must send (X-ScannerAdapter-API-Key, or Bearer); none: anyone may call. */
	apiKey: () => string | undefined;
	logger: Logger;
	concurrency?: number;
}) {
	const scans = new Map<string, Scan>();
	const limit = pLimit(deps.concurrency ?? 2);
	const abort = new AbortController();

	/** JSON under the API's media type exactly as named (Express would add a charset to it). */
	const send = (
		res: express.Response,
		status: number,
		type: string,
		body: unknown,
	) => {
		res.statusCode = status;
		res.setHeader("Content-Type", type);
		res.end(JSON.stringify(body));
	};
	const fail = (res: express.Response, status: number, message: string) =>
		send(res, status, errorType, { error: { message } });

	async function metadata() {
		const db = await deps.osv.status();
		return {
			scanner: builtinScanner,
			capabilities: [
				{
					type: "vulnerability",
					consumes_mime_types: scannableTypes,
					produces_mime_types: [
						scannerMediaTypes.vulnerabilityReport,
						harborVulnerability,
					],
				},
				{
					type: "sbom",
					consumes_mime_types: scannableTypes,
					produces_mime_types: [scannerMediaTypes.sbomReport],
					additional_attributes: {
						sbom_media_types: [sbomMediaTypes.spdx, sbomMediaTypes.cyclonedx],
					},
				},
			],
			properties: {
				"harbor.scanner-adapter/scanner-type": "os-package-vulnerability",
				"harbor.scanner-adapter/vulnerability-database-updated-at":
					db.updatedAt ?? "",
				"wharf.osv/advisories": String(db.advisories),
				"wharf.osv/newest-modified": db.newestModified ?? "",
				"env.SCANNER_OSV_SOURCE": (await deps.osv.settings()).sourceUrl,
			},
		};
	}

	async function run(id: string, scan: Scan) {
		try {
			const { files } = await readImage(scan.request, wantedPath, abort.signal);
			const { os, packages } = inventory(files);
			const vulnerabilities = await findVulnerabilities(deps.osv, packages);
			scan.result = {
				...(os ? { os } : {}),
				packages,
				vulnerabilities,
				generatedAt: new Date().toISOString(),
			};
		} catch (e) {
			scan.error = `the scan of ${scan.request.artifact.repository}@${scan.request.artifact.digest} failed: ${(e as Error).message}`;
			deps.logger.warn({ err: e, scan: id }, "built-in scan failed");
		} finally {
			scan.finished = Date.now();
		}
	}

	const router = express.Router();
	router.use((req, res, next) => {
		const key = deps.apiKey();
		if (!key) return next();
		const given =
			req.get("X-ScannerAdapter-API-Key") ??
			/^Bearer (.+)$/.exec(req.get("Authorization") ?? "")?.[1] ??
			"";
		const a = Buffer.from(given);
		const b = Buffer.from(key);
		if (a.length === b.length && timingSafeEqual(a, b)) return next();
		fail(res, 401, "a valid scanner API key is required");
	});

	router.get("/api/v1/metadata", async (_req, res, next) => {
		try {
			send(res, 200, scannerMediaTypes.metadata, await metadata());
		} catch (e) {
			next(e);
		}
	});

	router.post(
		"/api/v1/scan",
		express.json({ type: () => true, limit: "256kb" }),
		(req, res) => {
			const parsed = scanRequest.safeParse(req.body);
			if (!parsed.success) {
				const issue = parsed.error.issues[0];
				return fail(res, 422, `${issue.path.join(".")}: ${issue.message}`);
			}
			const mime = parsed.data.artifact.mime_type;
			if (mime && !scannableTypes.includes(mime))
				return fail(res, 501, `the built-in scanner reads images, not ${mime}`);
			const now = Date.now();
			for (const [id, s] of scans)
				if (s.finished && now - s.finished > keepMs) scans.delete(id);
			const id = randomUUID();
			const scan: Scan = { request: parsed.data, created: now };
			scans.set(id, scan);
			void limit(() => run(id, scan));
			send(
				res,
				202,
				"application/vnd.scanner.adapter.scan.response+json; version=1.0",
				{ id },
			);
		},
	);

	router.get("/api/v1/scan/:id/report", (req, res) => {
		const scan = scans.get(req.params.id);
		if (!scan) return fail(res, 404, `no scan request ${req.params.id}`);
		const accept = req.get("Accept") ?? scannerMediaTypes.vulnerabilityReport;
		const wantsSbom = accept.includes("sbom.report");
		const sbomType =
			typeof req.query.sbom_media_type === "string"
				? req.query.sbom_media_type
				: undefined;
		if (
			!wantsSbom &&
			!accept.includes("vulnerability.report") &&
			!accept.includes("vuln.report.harbor")
		)
			return fail(res, 501, `the built-in scanner produces no ${accept}`);
		if (
			wantsSbom &&
			sbomType !== sbomMediaTypes.spdx &&
			sbomType !== sbomMediaTypes.cyclonedx
		)
			return fail(
				res,
				400,
				`sbom_media_type must be ${sbomMediaTypes.spdx} or ${sbomMediaTypes.cyclonedx}`,
			);
		if (!scan.finished) return res.status(302).set("Refresh-After", "1").end();
		if (scan.error || !scan.result)
			return fail(res, 500, scan.error ?? "the scan failed");
		const { artifact } = scan.request;
		const common = {
			generated_at: scan.result.generatedAt,
			artifact: {
				repository: artifact.repository,
				digest: artifact.digest,
				...(artifact.tag ? { tag: artifact.tag } : {}),
				mime_type: artifact.mime_type ?? "",
			},
			scanner: builtinScanner,
		};
		if (wantsSbom) {
			const subject = {
				repository: artifact.repository,
				digest: artifact.digest,
			};
			const make =
				sbomType === sbomMediaTypes.spdx ? spdxDocument : cycloneDxDocument;
			return send(res, 200, scannerMediaTypes.sbomReport, {
				...common,
				vendor_attributes: { packages: scan.result.packages.length },
				media_type: sbomType,
				sbom: make(subject, scan.result.packages, tool, scan.result.os),
			});
		}
		send(
			res,
			200,
			accept.includes("vuln.report.harbor")
				? harborVulnerability
				: scannerMediaTypes.vulnerabilityReport,
			{
				...common,
				severity: worstOf(scan.result.vulnerabilities),
				vulnerabilities: scan.result.vulnerabilities,
			},
		);
	});

	// A body that is not JSON, and anything else that goes wrong, in the API's error shape.
	router.use(
		(
			err: Error & { status?: number; type?: string },
			_req: express.Request,
			res: express.Response,
			_next: express.NextFunction,
		) => {
			if (err.type === "entity.parse.failed")
				return fail(res, 400, `the body is not JSON: ${err.message}`);
			deps.logger.error({ err }, "built-in scanner error");
			fail(res, err.status && err.status < 500 ? err.status : 500, err.message);
		},
	);
	router.use((req, res) =>
		fail(res, 404, `no route ${req.method} ${req.path}`),
	);

	return {
		router,
		metadata,
		close() {
			abort.abort(new Error("the scanner is shutting down"));
			limit.clearQueue();
		},
	};
}

export type BuiltinScanner = ReturnType<typeof createBuiltinScanner>;
