import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type ScanRequestSeen = {
	id: string;
	body: {
		registry: { url: string; authorization: string };
		artifact: {
			repository: string;
			digest: string;
			tag?: string;
			mime_type: string;
		};
	};
	auth?: string;
};

/**
 * A scanner adapter of the test's own speaking Harbor's pluggable scanner API v1.2 on 127.0.0.1, as Trivy's adapter
 * would: it checks its API key (when given one), takes scan requests, and answers each report after `pendingPolls`
 * polls with 302 Refresh-After, reporting whatever `report` makes of the request.
 */
export async function startScannerAdapter(
	opts: {
		apiKey?: string;
		name?: string;
		pendingPolls?: number;
		report?: (req: ScanRequestSeen) => Promise<unknown> | unknown;
	} = {},
) {
	const requests: ScanRequestSeen[] = [];
	const polls = new Map<string, number>();
	const sockets = new Set<Socket>();
	const metadata = {
		scanner: {
			name: opts.name ?? "TestScanner",
			vendor: "Wharf tests",
			version: "1.2.3",
		},
		capabilities: [
			{
				type: "vulnerability",
				consumes_mime_types: [
					"application/vnd.oci.image.manifest.v1+json",
					"application/vnd.docker.distribution.manifest.v2+json",
				],
				produces_mime_types: [
					"application/vnd.security.vulnerability.report; version=1.1",
				],
			},
		],
		properties: {
			"harbor.scanner-adapter/vulnerability-database-updated-at":
				"2026-12-01T00:00:00Z",
		},
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", async () => {
			const send = (
				status: number,
				body?: unknown,
				headers: Record<string, string> = {},
			) => {
				res.writeHead(status, {
					"Content-Type": "application/json",
					...headers,
				});
				res.end(body === undefined ? undefined : JSON.stringify(body));
			};
			if (
				opts.apiKey &&
				req.headers["x-scanneradapter-api-key"] !== opts.apiKey
			) {
				send(401, { error: { message: "wrong API key" } });
				return;
			}
			const url = req.url ?? "";
			if (req.method === "GET" && url === "/api/v1/metadata") {
				send(200, metadata);
				return;
			}
			if (req.method === "POST" && url === "/api/v1/scan") {
				const id = randomUUID();
				requests.push({
					id,
					body: JSON.parse(Buffer.concat(chunks).toString()),
					auth: req.headers.authorization,
				});
				send(202, { id });
				return;
			}
			const m = /^\/api\/v1\/scan\/([^/]+)\/report/.exec(url);
			if (req.method === "GET" && m) {
				const seen = requests.find((r) => r.id === m[1]);
				if (!seen) {
					send(404, { error: { message: "no such scan" } });
					return;
				}
				const n = (polls.get(seen.id) ?? 0) + 1;
				polls.set(seen.id, n);
				if (n <= (opts.pendingPolls ?? 1)) {
					send(302, undefined, { "Refresh-After": "1" });
					return;
				}
				try {
					send(
						200,
						await (opts.report ?? (() => ({ vulnerabilities: [] })))(seen),
					);
				} catch (e) {
					send(500, { error: { message: (e as Error).message } });
				}
				return;
			}
			send(404, { error: { message: `no route ${req.method} ${url}` } });
		});
	});
	server.on("connection", (s) => {
		sockets.add(s);
		s.on("close", () => sockets.delete(s));
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		metadata,
		async close() {
			for (const s of sockets) s.destroy();
			await new Promise((r) => server.close(r));
		},
	};
}

export type ScannerAdapter = Awaited<ReturnType<typeof startScannerAdapter>>;
