import net from "node:net";
import os from "node:os";
import type { Logger } from "pino";

/** An audit event as it is forwarded. */
export type ForwardedEvent = {
	operator: string;
	resource: string;
	resourceType: string;
	operation: string;
	time: string;
};

/** host:port (a name, an IPv4 address or a bracketed IPv6 one), as Harbor's `audit_log_forward_endpoint`. */
export const endpointPattern =
	/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([1-9][0-9]{0,4})$/;

export function parseEndpoint(
	endpoint: string,
): { host: string; port: number } | undefined {
	const m = endpointPattern.exec(endpoint.trim());
	if (!m || Number(m[2]) > 65_535) return undefined;
	return { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

// RFC 5424 header fields are printable US-ASCII without spaces, each with a maximum length.
const headerField = (s: string, max: number) =>
	s.replace(/[^\x21-\x7e]/g, "").slice(0, max) || "-";
const quoted = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;

/**
 * One audit event as an RFC 5424 message, framed for TCP by a line feed (RFC 6587's non-transparent framing, as
 * Harbor's writer does): facility user, severity info (Harbor's LOG_INFO|LOG_USER), APP-NAME `audit` (Harbor's tag),
 * MSGID the event type, and Harbor's text — `action:…, resource:…` after the operator, time and resource type.
 */
export function formatSyslog(
	e: ForwardedEvent,
	hostname = os.hostname(),
): string {
	const pri = 1 * 8 + 6;
	const msg = `[operator=${quoted(e.operator)} resourceType=${quoted(e.resourceType)} time=${quoted(e.time)}]: action:${e.operation}, resource:${e.resource}, operation_description:${e.operation.replace(/_/g, " ")} ${e.resourceType} ${e.resource}`;
	return `<${pri}>1 ${e.time} ${headerField(hostname, 255)} audit ${process.pid} ${headerField(`${e.operation}_${e.resourceType}`, 32)} - ${msg.replace(/[\r\n]+/g, " ")}\n`;
}

export type SyslogForwarder = ReturnType<typeof createSyslogForwarder>;

/**
 * Forwards audit events to a TCP syslog endpoint without ever making a caller wait: `send` only queues. One connection
 * is kept to the current endpoint; a dead or slow one is retried with a growing wait (up to `maxRetryMs`), while at
 * most `maxQueue` messages wait (the oldest are dropped and counted) and at most `maxBuffered` bytes sit in the
 * socket's buffer. Changing the endpoint moves the queue to the new one.
 */
export function createSyslogForwarder(opts: {
	logger: Logger;
	maxQueue?: number;
	maxBuffered?: number;
	connectTimeoutMs?: number;
	minRetryMs?: number;
	maxRetryMs?: number;
	hostname?: string;
}) {
	const maxQueue = opts.maxQueue ?? 10_000;
	const maxBuffered = opts.maxBuffered ?? 1 << 20;
	const minRetryMs = opts.minRetryMs ?? 500;
	const maxRetryMs = opts.maxRetryMs ?? 30_000;
	const hostname = opts.hostname ?? os.hostname();
	let endpoint = "";
	let socket: net.Socket | undefined;
	let connected = false;
	let retryMs = minRetryMs;
	let retryTimer: NodeJS.Timeout | undefined;
	let queue: string[] = [];
	let dropped = 0;
	let warned = false;
	let closed = false;

	const drop = () => {
		if (!socket) return;
		socket.removeAllListeners();
		socket.on("error", () => {});
		socket.destroy();
		socket = undefined;
		connected = false;
	};

	function connect() {
		if (closed || socket || retryTimer || !endpoint) return;
		const target = parseEndpoint(endpoint);
		if (!target) return;
		const s = net.connect({ host: target.host, port: target.port });
		socket = s;
		s.setNoDelay(true);
		s.setTimeout(opts.connectTimeoutMs ?? 5_000, () =>
			s.destroy(new Error("connection timed out")),
		);
		s.on("connect", () => {
			s.setTimeout(0);
			connected = true;
			retryMs = minRetryMs;
			if (warned)
				opts.logger.info({ endpoint }, "audit log forwarding reconnected");
			warned = false;
			pump();
		});
		s.on("data", () => {}); // a syslog server says nothing; whatever it says is read and dropped
		s.on("drain", () => pump());
		s.on("error", (err) => {
			if (!warned)
				opts.logger.warn(
					{ err, endpoint },
					"audit log forwarding: the syslog endpoint cannot be reached; retrying",
				);
			warned = true;
		});
		s.on("close", () => {
			if (socket !== s) return;
			socket = undefined;
			connected = false;
			if (closed) return;
			retryTimer = setTimeout(() => {
				retryTimer = undefined;
				if (queue.length) connect();
			}, retryMs);
			retryTimer.unref();
			retryMs = Math.min(maxRetryMs, retryMs * 2);
		});
	}

	function pump() {
		if (!connected || !socket) {
			connect();
			return;
		}
		while (queue.length && socket.writableLength < maxBuffered)
			socket.write(queue.shift()!);
	}

	return {
		/** Queues the events for `to` (host:port); never waits and never throws. */
		send(to: string, events: ForwardedEvent[]) {
			if (closed || !parseEndpoint(to)) return;
			if (to !== endpoint) {
				drop();
				clearTimeout(retryTimer);
				retryTimer = undefined;
				retryMs = minRetryMs;
				endpoint = to;
			}
			for (const e of events) queue.push(formatSyslog(e, hostname));
			if (queue.length > maxQueue) {
				const over = queue.length - maxQueue;
				queue = queue.slice(over);
				if (
					dropped === 0 ||
					Math.floor((dropped + over) / 1000) > Math.floor(dropped / 1000)
				) {
					opts.logger.warn(
						{ endpoint, dropped: dropped + over },
						"audit log forwarding: the queue is full, oldest messages dropped",
					);
				}
				dropped += over;
			}
			pump();
		},
		/** What waits, and what was dropped so far. */
		stats: () => ({ queued: queue.length, dropped, connected }),
		/** Writes what is buffered if the endpoint is there (waiting at most `ms`), then closes. */
		async close(ms = 1_000) {
			if (connected && socket && queue.length) pump();
			const s = socket;
			if (s && connected)
				await new Promise<void>((resolve) => {
					const t = setTimeout(resolve, ms);
					t.unref();
					s.end(() => {
						clearTimeout(t);
						resolve();
					});
				});
			closed = true;
			clearTimeout(retryTimer);
			drop();
		},
	};
}
