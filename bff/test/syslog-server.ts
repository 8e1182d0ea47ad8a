import type { AddressInfo } from "node:net";
import net from "node:net";

/** A TCP syslog server on 127.0.0.1 for tests: keeps every line-framed message it receives. */
export async function startSyslogServer(port = 0) {
	const lines: string[] = [];
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		let rest = "";
		socket.setEncoding("utf8");
		socket.on("data", (chunk: string) => {
			const parts = (rest + chunk).split("\n");
			rest = parts.pop()!;
			lines.push(...parts);
		});
		socket.on("close", () => sockets.delete(socket));
		socket.on("error", () => {});
	});
	await new Promise<void>((resolve) =>
		server.listen(port, "127.0.0.1", resolve),
	);
	return {
		port: (server.address() as AddressInfo).port,
		lines,
		async close() {
			for (const s of sockets) s.destroy();
			await new Promise((r) => server.close(r));
		},
	};
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function deadPort(): Promise<number> {
	const s = await startSyslogServer();
	await s.close();
	return s.port;
}

/** A server that accepts connections and never reads: its peer's writes fill the socket buffers and then wait. */
export async function startStuckServer() {
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.pause();
		socket.on("error", () => {});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return {
		port: (server.address() as AddressInfo).port,
		async close() {
			for (const s of sockets) s.destroy();
			await new Promise((r) => server.close(r));
		},
	};
}
