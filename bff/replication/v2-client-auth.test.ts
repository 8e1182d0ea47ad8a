import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createV2Client } from "./v2-client.ts";

/**
 * A scripted registry on 127.0.0.1 for what a real one cannot be made to do on cue: count token requests, fail
 * twice then answer, hold requests open to count connections, redirect blobs to another origin.
 */
async function scriptedServer(
	handle: (
		req: http.IncomingMessage,
		res: http.ServerResponse,
		url: string,
	) => void,
) {
	const server = http.createServer((req, res) =>
		handle(
			req,
			res,
			`http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		),
	);
	const sockets = new Set<import("node:net").Socket>();
	let open = 0;
	let maxOpen = 0;
	server.on("connection", (s) => {
		sockets.add(s);
		open++;
		maxOpen = Math.max(maxOpen, open);
		s.on("close", () => {
			sockets.delete(s);
			open--;
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		maxOpen: () => maxOpen,
		close: () =>
			new Promise<void>((r) => {
				for (const s of sockets) s.destroy();
				server.close(() => r());
			}),
	};
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0)) await c();
});

describe("the v2 client against a scripted registry", () => {
	it("asks the token realm once per scope and reuses the token", async () => {
		const tokenScopes: string[] = [];
		const s = await scriptedServer((req, res, url) => {
			const u = new URL(req.url!, url);
			if (u.pathname === "/token") {
				expect(req.headers.authorization).toBe(
					`Basic ${Buffer.from("org:tok").toString("base64")}`,
				);
				tokenScopes.push(u.searchParams.getAll("scope").join(" "));
				res.setHeader("content-type", "application/json");
				res.end(
					JSON.stringify({ token: `t-${tokenScopes.length}`, expires_in: 300 }),
				);
				return;
			}
			if (!req.headers.authorization?.startsWith("Bearer ")) {
				res
					.writeHead(401, {
						"www-authenticate": `Bearer realm="${url}/token",service="scripted"`,
					})
					.end();
				return;
			}
			res.setHeader("content-type", "application/json");
			res.end(JSON.stringify({ name: "x", tags: ["a"] }));
		});
		cleanups.push(s.close);
		const c = createV2Client({
			url: s.url,
			credential: { username: "org", password: "tok" },
		});
		cleanups.push(() => c.close());
		for (let i = 0; i < 3; i++) expect(await c.tags("team/app")).toEqual(["a"]);
		await c.tags("team/other");
		expect(tokenScopes).toEqual([
			"repository:team/app:pull",
			"repository:team/other:pull",
		]);
	});

	it("retries a call that failed with 503 and 429 until it answers", async () => {
		let calls = 0;
		const s = await scriptedServer((req, res) => {
			if (req.url === "/v2/") {
				res.end("{}");
				return;
			}
			calls++;
			if (calls === 1) {
				res.writeHead(503).end();
				return;
			}
			if (calls === 2) {
				res.writeHead(429, { "retry-after": "0" }).end();
				return;
			}
			res.setHeader("content-type", "application/json");
			res.end(JSON.stringify({ tags: ["ok"] }));
		});
		cleanups.push(s.close);
		const c = createV2Client({ url: s.url, backoffMs: 1 });
		cleanups.push(() => c.close());
		expect(await c.tags("app")).toEqual(["ok"]);
		expect(calls).toBe(3);
	});

	it("gives up after its retries with the last answer", async () => {
		const s = await scriptedServer((req, res) => {
			if (req.url === "/v2/") {
				res.end("{}");
				return;
			}
			res.writeHead(502).end("bad gateway");
		});
		cleanups.push(s.close);
		const c = createV2Client({ url: s.url, retries: 2, backoffMs: 1 });
		cleanups.push(() => c.close());
		await expect(c.tags("app")).rejects.toThrow(/502/);
	});

	it("keeps to its connection limit per endpoint", async () => {
		const held: http.ServerResponse[] = [];
		let waiting = 0;
		const s = await scriptedServer((req, res) => {
			if (req.url === "/v2/") {
				res.end("{}");
				return;
			}
			waiting++;
			held.push(res);
		});
		cleanups.push(s.close);
		const c = createV2Client({ url: s.url, maxConnections: 2 });
		cleanups.push(() => c.close());
		const calls = Array.from({ length: 6 }, () =>
			c.headBlob("app", "sha256:00"),
		);
		// Answer what is held, one at a time, until all six have been served.
		const deadline = Date.now() + 10_000;
		let answered = 0;
		while (answered < 6 && Date.now() < deadline) {
			const res = held.shift();
			if (!res) {
				await new Promise((r) => setTimeout(r, 5));
				continue;
			}
			res.writeHead(404).end();
			answered++;
		}
		expect(await Promise.all(calls)).toEqual(Array(6).fill(null));
		expect(waiting).toBe(6);
		expect(s.maxOpen()).toBeLessThanOrEqual(2);
	});

	it("follows a blob redirect to another origin without sending its credentials there", async () => {
		let seenAuth: string | undefined = "unset";
		const bytes = Buffer.from("blob bytes");
		const store = await scriptedServer((req, res) => {
			seenAuth = req.headers.authorization;
			res.writeHead(200, { "content-length": String(bytes.length) }).end(bytes);
		});
		cleanups.push(store.close);
		const registry = await scriptedServer((req, res) => {
			if (
				req.headers.authorization !==
				`Basic ${Buffer.from("u:p").toString("base64")}`
			) {
				res.writeHead(401, { "www-authenticate": 'Basic realm="r"' }).end();
				return;
			}
			if (req.url === "/v2/") {
				res.end("{}");
				return;
			}
			res.writeHead(307, { location: `${store.url}/bucket/blob?sig=1` }).end();
		});
		cleanups.push(registry.close);
		const c = createV2Client({
			url: registry.url,
			credential: { username: "u", password: "p" },
		});
		cleanups.push(() => c.close());
		const { stream, size } = await c.getBlob("app", "sha256:00");
		const chunks: Buffer[] = [];
		for await (const chunk of stream) chunks.push(chunk as Buffer);
		expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
		expect(size).toBe(bytes.length);
		expect(seenAuth).toBeUndefined();
	});
});
