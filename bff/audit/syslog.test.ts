import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { deadPort, startSyslogServer } from "../test/syslog-server.ts";
import {
	createSyslogForwarder,
	formatSyslog,
	parseEndpoint,
} from "./syslog.ts";

const quiet = pino({ level: "silent" });
const event = (i: number) => ({
	operator: "admin",
	resource: `library/app:${i}`,
	resourceType: "artifact",
	operation: "pull",
	time: "2026-12-07T10:00:00.000Z",
});

describe("syslog forwarding", () => {
	const cleanup: (() => Promise<unknown>)[] = [];
	afterEach(async () => {
		for (const c of cleanup.splice(0)) await c();
	});

	it("formats an event as an RFC 5424 message, one line, with Harbor's text", () => {
		const line = formatSyslog(
			{ ...event(1), resource: 'a\nb "c"' },
			"reg host",
		);
		expect(line).toMatch(
			/^<14>1 2026-12-07T10:00:00\.000Z reghost audit \d+ pull_artifact - \[operator="admin" resourceType="artifact" time="2026-12-07T10:00:00\.000Z"\]: action:pull, resource:a b "c", operation_description:pull artifact a b "c"\n$/,
		);
		expect(line.slice(0, -1)).not.toContain("\n");
	});

	it("reads host:port endpoints and refuses others", () => {
		expect(parseEndpoint("syslog.example.com:514")).toEqual({
			host: "syslog.example.com",
			port: 514,
		});
		expect(parseEndpoint("[::1]:6514")).toEqual({ host: "::1", port: 6514 });
		for (const bad of [
			"syslog.example.com",
			"tcp://x:514",
			"x:0",
			"x:70000",
			"a b:514",
			"",
		])
			expect(parseEndpoint(bad), bad).toBeUndefined();
	});

	it("keeps at most maxQueue messages while the endpoint is dead, and sends the newest once it answers", async () => {
		const port = await deadPort();
		const f = createSyslogForwarder({
			logger: quiet,
			maxQueue: 10,
			minRetryMs: 20,
			maxRetryMs: 50,
		});
		cleanup.push(() => f.close(10));
		f.send(
			`127.0.0.1:${port}`,
			Array.from({ length: 25 }, (_, i) => event(i)),
		);
		expect(f.stats()).toMatchObject({
			queued: 10,
			dropped: 15,
			connected: false,
		});
		const server = await startSyslogServer(port);
		cleanup.push(() => server.close());
		await expect.poll(() => server.lines.length, { timeout: 10_000 }).toBe(10);
		expect(
			server.lines.map((l) => /resource:library\/app:(\d+)/.exec(l)![1]),
		).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 15)));
		expect(f.stats()).toMatchObject({ queued: 0, connected: true });
	});

	it("moves to a new endpoint when the setting changes", async () => {
		const a = await startSyslogServer();
		const b = await startSyslogServer();
		cleanup.push(
			() => a.close(),
			() => b.close(),
		);
		const f = createSyslogForwarder({ logger: quiet });
		cleanup.push(() => f.close(10));
		f.send(`127.0.0.1:${a.port}`, [event(1)]);
		await expect.poll(() => a.lines.length).toBe(1);
		f.send(`127.0.0.1:${b.port}`, [event(2)]);
		await expect.poll(() => b.lines.length).toBe(1);
		expect(b.lines[0]).toContain("resource:library/app:2");
		expect(a.lines).toHaveLength(1);
	});
});
