import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testRedisUrl } from "../jobs/job-test-fixtures.ts";
import { client, sha256, sleep } from "./distribution-helpers.ts";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { startS3Server } from "./s3-server.ts";
import { startWharfChild } from "./wharf-process.ts";

/** A request whose body the test sends in two parts: the first now, the rest when told. */
function heldRequest(
	s: { port: number },
	method: string,
	path: string,
	first: Buffer,
	rest: Buffer,
) {
	const req = http.request({
		host: "127.0.0.1",
		port: s.port,
		method,
		path,
		headers: {
			Authorization: adminAuth,
			"Content-Type": "application/octet-stream",
			"Content-Length": String(first.length + rest.length),
		},
	});
	const answer = new Promise<{
		status: number;
		headers: http.IncomingHttpHeaders;
		body: string;
	}>((resolve, reject) => {
		req.on("response", (res) => {
			let body = "";
			res.on("data", (c) => {
				body += c;
			});
			res.on("end", () =>
				resolve({ status: res.statusCode!, headers: res.headers, body }),
			);
			res.on("error", reject);
		});
		req.on("error", reject);
	});
	req.write(first);
	return { answer, finish: () => req.end(rest) };
}

/** Whether the port still takes connections. */
const accepts = (port: number) =>
	new Promise<boolean>((resolve) => {
		const socket = net.connect(port, "127.0.0.1");
		socket.once("connect", () => {
			socket.destroy();
			resolve(true);
		});
		socket.once("error", () => resolve(false));
	});

/** Polls until `condition` holds (machines are loaded: no fixed wait decides anything). */
async function until(
	condition: () => Promise<boolean> | boolean,
	what: string,
) {
	for (let i = 0; i < 400; i++) {
		if (await condition()) return;
		await sleep(25);
	}
	throw new Error(`never: ${what}`);
}

describe.each(engines)("graceful shutdown on %s", (engine) => {
	it("stops taking connections, lets the uploads in flight finish, and keeps what they wrote", async () => {
		const s = await startTestServer(engine, { WHARF_SHUTDOWN_SECONDS: "60" });
		let again: TestServer | undefined;
		try {
			const c = client(s);
			const repo = "library/shutdown";
			// A chunk (PATCH) of one upload and the closing PUT of another, each half sent when the shutdown begins.
			const chunk = randomBytes(256 * 1024);
			const patchAt = await c.startUpload(repo);
			const patch = heldRequest(
				s,
				"PATCH",
				patchAt,
				chunk.subarray(0, 1000),
				chunk.subarray(1000),
			);
			const blob = randomBytes(128 * 1024);
			const putAt = await c.startUpload(repo);
			const put = heldRequest(
				s,
				"PUT",
				`${putAt}${putAt.includes("?") ? "&" : "?"}digest=${sha256(blob)}`,
				blob.subarray(0, 1000),
				blob.subarray(1000),
			);
			await sleep(200); // both requests' heads have reached the server (their bodies wait on the test)

			const closing = s.close();
			await until(
				async () => !(await accepts(s.port)),
				"the port refuses new connections",
			);
			let closed = false;
			void closing.then(() => {
				closed = true;
			});
			await sleep(200);
			expect(closed).toBe(false); // still waiting for the two requests

			patch.finish();
			put.finish();
			const [patched, putted] = await Promise.all([patch.answer, put.answer]);
			expect(patched.status, patched.body).toBe(202);
			expect(patched.headers.range).toBe(`0-${chunk.length - 1}`);
			expect(putted.status, putted.body).toBe(201);
			expect(putted.headers["docker-content-digest"]).toBe(sha256(blob));
			await closing;

			// What they wrote is there after a restart: the chunk's upload goes on, the blob is whole.
			again = await startTestServer(
				engine,
				{},
				{ dataDir: s.dataDir, schema: s.schema },
			);
			const c2 = client(again);
			const head = await c2.call(`/v2/${repo}/blobs/${sha256(blob)}`, {
				method: "HEAD",
			});
			expect(head.status).toBe(200);
			expect(head.headers.get("content-length")).toBe(String(blob.length));
			const status = await c2.call(patchAt);
			expect(status.status).toBe(204);
			expect(status.headers.get("range")).toBe(`0-${chunk.length - 1}`);
		} finally {
			await stopTestServer(again);
			if (!again) await stopTestServer(s).catch(() => {});
		}
	});

	it("cuts a request still running at the deadline, and closes", async () => {
		const s = await startTestServer(engine, { WHARF_SHUTDOWN_SECONDS: "0.5" });
		try {
			const c = client(s);
			const at = await c.startUpload("library/stuck");
			const stuck = heldRequest(
				s,
				"PATCH",
				at,
				randomBytes(1000),
				randomBytes(1000),
			);
			const failed = stuck.answer.then(
				() => "answered",
				() => "cut",
			);
			await sleep(200);
			await s.close(); // resolves although the PATCH never finishes
			expect(await failed).toBe("cut");
		} finally {
			await stopTestServer({ ...s, close: async () => {} });
		}
	});
});

describe.each(["filesystem", "s3"] as const)(
	"SIGTERM, blobs on %s",
	(storage) => {
		it("finishes an upload in flight, then the process exits 0; the next start completes the upload from what it wrote", async () => {
			const dataDir = await mkdtemp(path.join(os.tmpdir(), "wharf-sigterm-"));
			const s3 = storage === "s3" ? await startS3Server() : undefined;
			const env = {
				WHARF_SHUTDOWN_SECONDS: "60",
				...s3?.env(`sigterm-${randomBytes(3).toString("hex")}`),
			};
			let w = await startWharfChild(dataDir, env);
			try {
				const start = await fetch(`${w.url}/v2/library/term/blobs/uploads/`, {
					method: "POST",
					headers: { Authorization: adminAuth },
				});
				expect(start.status).toBe(202);
				const chunk = randomBytes(64 * 1024);
				const location = start.headers.get("location")!;
				const patch = heldRequest(
					w,
					"PATCH",
					location,
					chunk.subarray(0, 1000),
					chunk.subarray(1000),
				);
				await sleep(200);
				const exited = new Promise<number | null>((resolve) =>
					w.child.once("exit", (code) => resolve(code)),
				);
				w.child.kill("SIGTERM");
				await until(
					async () => !(await accepts(w.port)),
					"the port refuses new connections",
				);
				expect(w.child.exitCode).toBe(null); // waiting for the PATCH
				patch.finish();
				const answer = await patch.answer;
				expect(answer.status, answer.body).toBe(202);
				expect(answer.headers.range).toBe(`0-${chunk.length - 1}`);
				expect(await exited, w.stderr()).toBe(0);

				// What the PATCH wrote is durable: started again, Wharf closes the upload with it.
				w = await startWharfChild(dataDir, env);
				const done = await fetch(
					`${w.url}${location}${location.includes("?") ? "&" : "?"}digest=${sha256(chunk)}`,
					{ method: "PUT", headers: { Authorization: adminAuth } },
				);
				expect(done.status, await done.clone().text()).toBe(201);
				const got = await fetch(
					`${w.url}/v2/library/term/blobs/${sha256(chunk)}`,
					{ headers: { Authorization: adminAuth } },
				);
				expect(Buffer.from(await got.arrayBuffer()).equals(chunk)).toBe(true);
			} finally {
				if (w.child.exitCode === null) w.child.kill("SIGKILL");
				await s3?.stop();
				await rm(dataDir, { recursive: true, force: true });
			}
		}, 120_000);
	},
);

describe("SIGTERM with Redis gone", () => {
	it("still ends the process: what cannot close in time is left", async () => {
		// Redis behind a relay the test cuts once Wharf has started on it.
		const sockets: net.Socket[] = [];
		const target = new URL(testRedisUrl);
		const relay = net.createServer((inbound) => {
			const outbound = net.connect(
				Number(target.port || 6379),
				target.hostname,
			);
			sockets.push(inbound, outbound);
			inbound.pipe(outbound).pipe(inbound);
			inbound.on("error", () => outbound.destroy());
			outbound.on("error", () => inbound.destroy());
		});
		await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
		const dataDir = await mkdtemp(
			path.join(os.tmpdir(), "wharf-sigterm-redis-"),
		);
		const w = await startWharfChild(dataDir, {
			WHARF_SHUTDOWN_SECONDS: "1",
			REDIS_URL: `redis://127.0.0.1:${(relay.address() as net.AddressInfo).port}`,
			WHARF_REDIS_PREFIX: `term-${Date.now()}`,
		});
		try {
			relay.close();
			for (const c of sockets) c.destroy();
			const exited = new Promise<string>((resolve) =>
				w.child.once("exit", (code, signal) => resolve(`${code} ${signal}`)),
			);
			w.child.kill("SIGTERM");
			expect(await exited, w.stderr()).toMatch(/^[01] null$/);
		} finally {
			if (w.child.exitCode === null) w.child.kill("SIGKILL");
			relay.close();
			await rm(dataDir, { recursive: true, force: true });
		}
	}, 90_000);
});
