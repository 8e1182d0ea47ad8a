import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * The main port: HTTP, or HTTPS with the user's certificate and key (WHARF_TLS_CERT, WHARF_TLS_KEY), HTTP/1.1 either
 * way. HTTP/2 is not offered: Express swaps a request's prototype for its own (an http.IncomingMessage), which
 * breaks node:http2's compatibility request (its body stream fails at the first read), so an h2 client would get
 * nothing; ALPN therefore offers only http/1.1, which every registry client speaks.
 *
 * `drain` stops taking connections and lets the requests in flight (a PATCH or PUT of an upload) finish until the
 * deadline, then cuts what is left.
 */
export function createMainServer(
	handler: Handler,
	opts: { tls?: { certFile: string; keyFile: string } } = {},
) {
	const options = { keepAliveTimeout: 65_000, requestTimeout: 0 };
	const server: http.Server = opts.tls
		? https.createServer(
				{
					...options,
					cert: readFileSync(opts.tls.certFile),
					key: readFileSync(opts.tls.keyFile),
					ALPNProtocols: ["http/1.1"],
				},
				handler,
			)
		: http.createServer(options, handler);
	const inFlight = new Set<http.ServerResponse>();
	let draining = false;
	server.on(
		"request",
		(_req: http.IncomingMessage, res: http.ServerResponse) => {
			inFlight.add(res);
			res.once("close", () => inFlight.delete(res));
			// A keep-alive connection's next request, once draining, is answered and the connection then closed.
			if (draining && !res.headersSent) res.setHeader("Connection", "close");
		},
	);

	return {
		server,
		scheme: opts.tls ? "https" : "http",
		/**
		 * Reads the certificate and key again (a renewed certificate) for the connections made from now on; throws, and
		 * keeps serving the old pair, when the new one cannot be read or the key does not match.
		 */
		reloadTls() {
			if (!opts.tls) return false;
			const pair = {
				cert: readFileSync(opts.tls.certFile),
				key: readFileSync(opts.tls.keyFile),
			};
			// Throws on a key that is not the certificate's, before anything changes.
			(server as https.Server).setSecureContext(pair);
			return true;
		},
		listen(port: number, host: string): Promise<number> {
			return new Promise((resolve, reject) => {
				server.once("error", reject);
				server.listen(port, host, () =>
					resolve((server.address() as AddressInfo).port),
				);
			});
		},
		/** Requests being answered now. */
		inFlight: () => inFlight.size,
		/** Stops listening, waits for the requests in flight up to `deadlineMs`, then closes every connection. */
		async drain(deadlineMs: number): Promise<{ cut: number }> {
			draining = true;
			const closed = new Promise<void>((resolve) =>
				server.close(() => resolve()),
			);
			server.closeIdleConnections();
			for (const res of inFlight)
				if (!res.headersSent) res.setHeader("Connection", "close");
			const deadline = Date.now() + deadlineMs;
			while (inFlight.size > 0 && Date.now() < deadline) {
				await new Promise((r) =>
					setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))),
				);
				server.closeIdleConnections();
			}
			const cut = inFlight.size;
			server.closeAllConnections();
			await closed;
			return { cut };
		},
	};
}
