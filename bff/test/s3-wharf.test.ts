import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { client, sha256 } from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminPassword,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { type S3Server, startS3Server } from "./s3-server.ts";

/**
 * A proxy in front of the S3 server that answers every `every`-th request 503 SlowDown (after reading its body), as
 * S3 does when throttling; the rest pass through.
 */
async function startThrottlingProxy(target: string, every: number) {
	let n = 0;
	let throttled = 0;
	const server = http.createServer((req, res) => {
		if (++n % every === 0) {
			throttled++;
			req.resume();
			req.on("end", () => {
				res.writeHead(503, { "Content-Type": "application/xml" });
				res.end(
					'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
				);
			});
			return;
		}
		const up = http.request(
			new URL(req.url!, target),
			{ method: req.method, headers: req.headers },
			(r) => {
				res.writeHead(r.statusCode!, r.headers);
				r.pipe(res);
			},
		);
		up.on("error", () => res.destroy());
		req.pipe(up);
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		throttled: () => throttled,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

describe.each(engines)(
	"Wharf with its blobs in S3, metadata on %s",
	(engine) => {
		let s3: S3Server;
		let proxy: Awaited<ReturnType<typeof startThrottlingProxy>>;
		let s: TestServer;
		let c: ClientSandbox;
		const prefix = `wharf-${engine}-${randomBytes(3).toString("hex")}`;
		const host = () => s.url.replace("http://", "");
		const keys = async (under: string) => {
			const out: string[] = [];
			let token: string | undefined;
			do {
				const page = await s3.client().send(
					new ListObjectsV2Command({
						Bucket: s3.bucket,
						Prefix: `${prefix}/${under}`,
						ContinuationToken: token,
					}),
				);
				out.push(...(page.Contents ?? []).map((o) => o.Key!));
				token = page.IsTruncated ? page.NextContinuationToken : undefined;
			} while (token);
			return out;
		};

		beforeAll(async () => {
			s3 = await startS3Server();
			// Every 7th request to S3 is throttled: pushes and pulls must ride it out.
			proxy = await startThrottlingProxy(s3.url, 7);
			[s, c] = await Promise.all([
				startTestServer(engine, s3.env(prefix, proxy.url)),
				clientSandbox(),
			]);
		}, 60_000);
		afterAll(async () => {
			await Promise.all([stopTestServer(s), c?.cleanup()]);
			await proxy?.close();
			await s3?.stop();
		});

		it("takes a skopeo push and serves it back byte for byte, every blob an object in the bucket, while S3 throttles", async () => {
			const layout = path.join(c.dir, "image");
			const { digest } = await makeOciLayout(layout, {
				layers: 3,
				layerBytes: 3 * (1 << 20),
			});
			const push = await c.skopeo(
				"copy",
				`oci:${layout}`,
				`docker://${host()}/library/on-s3:1.0`,
				"--dest-tls-verify=false",
				"--dest-creds",
				`admin:${adminPassword}`,
			);
			expect(push.ok, push.stderr).toBe(true);
			const out = path.join(c.dir, "pulled");
			const pull = await c.skopeo(
				"copy",
				`docker://${host()}/library/on-s3:1.0`,
				`oci:${out}`,
				"--src-tls-verify=false",
				"--src-creds",
				`admin:${adminPassword}`,
			);
			expect(pull.ok, pull.stderr).toBe(true);
			expect(await c.layoutDigest(out)).toBe(digest);
			// Config, three layers and the manifest, each under its digest; no upload left behind.
			expect((await keys("blobs/sha256/")).length).toBe(5);
			expect(await keys("uploads/")).toEqual([]);
			expect(proxy.throttled()).toBeGreaterThan(0);
		});

		it("joins a chunked upload whose chunks are each their own object, then forgets them", async () => {
			const v2 = client(s);
			const data = randomBytes(2 * (1 << 20) + 99);
			const location = await v2.startUpload("library/chunked");
			let at = 0;
			let next = location;
			for (const size of [1 << 20, 1 << 20, 99]) {
				const r = await v2.call(next, {
					method: "PATCH",
					body: data.subarray(at, at + size),
					headers: {
						"Content-Type": "application/octet-stream",
						"Content-Range": `${at}-${at + size - 1}`,
					},
				});
				expect(r.status, await r.clone().text()).toBe(202);
				at += size;
				next = r.headers.get("location")!;
			}
			expect((await keys("uploads/")).length).toBe(3);
			const done = await v2.call(
				`${next}${next.includes("?") ? "&" : "?"}digest=${sha256(data)}`,
				{ method: "PUT" },
			);
			expect(done.status, await done.clone().text()).toBe(201);
			expect(await keys("uploads/")).toEqual([]);
			const got = await v2.call(`/v2/library/chunked/blobs/${sha256(data)}`);
			expect(got.status).toBe(200);
			expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
			const range = await v2.call(`/v2/library/chunked/blobs/${sha256(data)}`, {
				headers: { Range: "bytes=10-19" },
			});
			expect(range.status).toBe(206);
			expect(
				Buffer.from(await range.arrayBuffer()).equals(data.subarray(10, 20)),
			).toBe(true);
		});
	},
);
