import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A webhook receiver of the test's own on 127.0.0.1: records every request and answers by path. `/fail…` answers
 * 503, `/reject…` 400, `/hang…` never answers (until close), anything else 200.
 */
export type Received = {
	path: string;
	headers: http.IncomingHttpHeaders;
	body: string;
	at: number;
};

export async function startReceiver() {
	const received: Received[] = [];
	const sockets = new Set<Socket>();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const path = req.url ?? "/";
			received.push({
				path,
				headers: req.headers,
				body: Buffer.concat(chunks).toString("utf8"),
				at: Date.now(),
			});
			if (path.startsWith("/hang")) return;
			res.statusCode = path.startsWith("/fail")
				? 503
				: path.startsWith("/reject")
					? 400
					: 200;
			res.end("ok");
		});
	});
	server.on("connection", (s) => {
		sockets.add(s);
		s.on("close", () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		received,
		/** Requests to paths starting with `prefix`. */
		to: (prefix: string) => received.filter((r) => r.path.startsWith(prefix)),
		async close() {
			for (const s of sockets) s.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
