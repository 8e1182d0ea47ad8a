import http from "node:http";
import type { AddressInfo } from "node:net";

export type Seen = { method: string; path: string; status: number };

/**
 * A plain HTTP proxy on 127.0.0.1 in front of a test's upstream registry: it records every request the proxy cache
 * makes (method, path, answer), how many were in flight at most, and can answer every /v2 request 429 to stand in for
 * a rate-limited Docker Hub, or drop every connection as an upstream that is down. `close` stops it; connections then fail as with an upstream that is down.
 */
export async function startCountingProxy(target: string) {
	const seen: Seen[] = [];
	let inFlight = 0;
	let maxInFlight = 0;
	let tooMany = false;
	let down = false;
	const to = new URL(target);
	const server = http.createServer((req, res) => {
		if (down) {
			req.socket.destroy();
			return;
		}
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		let done = false;
		const end = (status: number) => {
			if (done) return;
			done = true;
			inFlight--;
			seen.push({ method: req.method ?? "", path: req.url ?? "", status });
		};
		res.on("close", () => end(res.statusCode));
		if (tooMany && req.url?.startsWith("/v2/") && req.url !== "/v2/") {
			res.writeHead(429, {
				"Content-Type": "application/json",
				"Retry-After": "60",
			});
			res.end(
				JSON.stringify({
					errors: [
						{ code: "TOOMANYREQUESTS", message: "rate limited by the test" },
					],
				}),
			);
			return;
		}
		const upstream = http.request(
			{
				host: to.hostname,
				port: to.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: to.host },
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on("error", () => res.destroy());
		res.on("close", () => upstream.destroy());
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		seen,
		/** Requests for manifests (`HEAD` or `GET`) or blobs since the last reset. */
		count(method: string, kind: "manifests" | "blobs") {
			return seen.filter(
				(s) =>
					s.method === method &&
					new RegExp(`/${kind}/[^/]+$`).test(s.path.split("?")[0]),
			).length;
		},
		get maxInFlight() {
			return maxInFlight;
		},
		reset() {
			seen.length = 0;
			maxInFlight = 0;
		},
		rateLimit(on: boolean) {
			tooMany = on;
		},
		/** Drops every connection at once, as an upstream that is down (`false`: back up). */
		setDown(on: boolean) {
			down = on;
		},
		async close() {
			server.closeAllConnections();
			await new Promise((r) => server.close(r));
		},
	};
}

export type CountingProxy = Awaited<ReturnType<typeof startCountingProxy>>;
