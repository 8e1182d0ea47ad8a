import { Agent, request } from "undici";
import { z } from "zod";

/** Harbor's pluggable scanner API v1.2 media types. */
export const scannerMediaTypes = {
	metadata: "application/vnd.scanner.adapter.metadata+json; version=1.1",
	scanRequest: "application/vnd.scanner.adapter.scan.request+json; version=1.1",
	vulnerabilityReport:
		"application/vnd.security.vulnerability.report; version=1.1",
	harborVulnerabilityReport:
		"application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0",
	sbomReport: "application/vnd.security.sbom.report+json; version=1.0",
} as const;

/** The registration's way in: Harbor's `auth` (Basic, Bearer or the API-key header) and its credential. */
export type AdapterEndpoint = {
	url: string;
	auth: string;
	accessCredential: string;
	skipCertVerify: boolean;
};

export const adapterMetadata = z.object({
	scanner: z.object({
		name: z.string(),
		vendor: z.string(),
		version: z.string(),
	}),
	capabilities: z
		.array(
			z.object({
				type: z.enum(["vulnerability", "sbom"]).optional(),
				consumes_mime_types: z.array(z.string()),
				produces_mime_types: z.array(z.string()),
				additional_attributes: z.record(z.string(), z.unknown()).optional(),
			}),
		)
		.min(1, "the scanner names no capability"),
	properties: z.record(z.string(), z.string()).optional(),
});
export type AdapterMetadata = z.infer<typeof adapterMetadata>;

/** Thrown when the adapter cannot be reached or answers what the API does not allow; the message says which. */
export class AdapterError extends Error {}

/** The Authorization (or API key) header a registration sends with each request to its adapter. */
function authHeaders(e: AdapterEndpoint): Record<string, string> {
	if (!e.auth || !e.accessCredential) return {};
	if (e.auth === "X-ScannerAdapter-API-Key")
		return { "X-ScannerAdapter-API-Key": e.accessCredential };
	// Harbor sends `Basic <credential>` / `Bearer <credential>`, the credential as the registration holds it.
	return { Authorization: `${e.auth} ${e.accessCredential}` };
}

/**
 * A client of one scanner adapter (Trivy's, Clair's, Wharf's own): its metadata, a scan request, and the report when
 * it is ready (a 302 with Refresh-After while it is not). Each call has a deadline; nothing here retries.
 */
export function createAdapterClient(
	e: AdapterEndpoint,
	opts: { timeoutMs?: number } = {},
) {
	const timeoutMs = opts.timeoutMs ?? 10_000;
	const dispatcher = new Agent({
		connect: { timeout: timeoutMs, rejectUnauthorized: !e.skipCertVerify },
		headersTimeout: timeoutMs,
		bodyTimeout: timeoutMs,
	});
	const base = e.url.replace(/\/+$/, "");

	async function call(
		method: "GET" | "POST",
		path: string,
		headers: Record<string, string>,
		body?: string,
	) {
		try {
			return await request(`${base}/api/v1${path}`, {
				method,
				headers: { ...authHeaders(e), ...headers },
				body,
				dispatcher,
				signal: AbortSignal.timeout(timeoutMs),
			});
		} catch (err) {
			throw new AdapterError(
				`the scanner at ${e.url} did not answer: ${(err as Error).message}`,
			);
		}
	}

	async function json(
		r: Awaited<ReturnType<typeof call>>,
		what: string,
	): Promise<unknown> {
		const text = await r.body.text();
		try {
			return JSON.parse(text);
		} catch {
			throw new AdapterError(
				`the scanner answered ${what} with ${r.statusCode} and a body that is not JSON: ${text.slice(0, 200)}`,
			);
		}
	}

	const refused = async (r: Awaited<ReturnType<typeof call>>, what: string) => {
		const text = (await r.body.text()).slice(0, 300);
		const message = (() => {
			try {
				return (JSON.parse(text) as { error?: { message?: string } }).error
					?.message;
			} catch {
				return undefined;
			}
		})();
		return new AdapterError(
			`the scanner refused ${what} with ${r.statusCode}${message || text ? `: ${message ?? text}` : ""}`,
		);
	};

	return {
		async metadata(): Promise<AdapterMetadata> {
			const r = await call("GET", "/metadata", {
				Accept: `${scannerMediaTypes.metadata}, application/vnd.scanner.adapter.metadata+json; version=1.0`,
			});
			if (r.statusCode !== 200) throw await refused(r, "the metadata request");
			const parsed = adapterMetadata.safeParse(
				await json(r, "the metadata request"),
			);
			if (!parsed.success)
				throw new AdapterError(
					`the scanner's metadata is not Harbor's: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`,
				);
			return parsed.data;
		},

		/** Asks for a scan; answers the adapter's request id. */
		async scan(req: {
			registry: { url: string; authorization: string };
			artifact: {
				repository: string;
				digest: string;
				tag?: string;
				mime_type: string;
			};
			enabled_capabilities?: unknown[];
		}): Promise<string> {
			const r = await call(
				"POST",
				"/scan",
				{
					"Content-Type": scannerMediaTypes.scanRequest,
					Accept:
						"application/vnd.scanner.adapter.scan.response+json; version=1.0",
				},
				JSON.stringify(req),
			);
			if (r.statusCode !== 202) throw await refused(r, "the scan request");
			const id = ((await json(r, "the scan request")) as { id?: unknown }).id;
			if (typeof id !== "string" || !id)
				throw new AdapterError("the scanner accepted the scan without an id");
			return id;
		},

		/** The report in `mimeType`, or how long to wait before asking again (Refresh-After, seconds). */
		async report(
			id: string,
			mimeType: string,
			query = "",
		): Promise<
			{ ready: true; report: unknown } | { ready: false; retryAfterS: number }
		> {
			const r = await call(
				"GET",
				`/scan/${encodeURIComponent(id)}/report${query}`,
				{ Accept: mimeType },
			);
			if (r.statusCode === 302) {
				await r.body.dump();
				const after = Number(r.headers["refresh-after"]);
				return {
					ready: false,
					retryAfterS:
						Number.isFinite(after) && after > 0 ? Math.min(after, 300) : 5,
				};
			}
			if (r.statusCode !== 200) throw await refused(r, "the report request");
			return { ready: true, report: await json(r, "the report request") };
		},

		close: () => dispatcher.close(),
	};
}

export type AdapterClient = ReturnType<typeof createAdapterClient>;
