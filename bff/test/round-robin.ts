import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A round-robin proxy of the tests' own in front of replicas, as a load balancer (replicas.test.ts; the replicas bench
 * runs it in a process of its own, bff/bench/round-robin-main.ts): each request goes to the next
 * replica that takes the connection (a dead one is skipped; the request body waits until a replica has accepted it).
 */
export async function startRoundRobin(targets: () => string[]) {
	let next = 0;
	const server = http.createServer((req, res) => {
		req.pause();
		const tryFrom = (attempt: number) => {
			const list = targets();
			if (attempt >= list.length) {
				res.writeHead(502).end("no replica answered");
				return;
			}
			const target = new URL(list[next++ % list.length]);
			const up = http.request({
				host: target.hostname,
				port: target.port,
				method: req.method,
				path: req.url,
				headers: req.headers,
			});
			let connected = false;
			const go = () => {
				connected = true;
				req.pipe(up);
				req.resume();
			};
			// A kept-alive socket is connected already and never says so again.
			up.on("socket", (socket) =>
				socket.connecting ? socket.once("connect", go) : go(),
			);
			up.on("response", (r) => {
				res.writeHead(r.statusCode!, r.headers);
				r.pipe(res);
			});
			up.on("error", () => {
				if (!connected) tryFrom(attempt + 1);
				else res.destroy();
			});
		};
		tryFrom(0);
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}
