import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { createV2Client } from "../replication/v2-client.ts";
import { selfSignedCertificate } from "./certificates.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminAuth,
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { pushImage } from "./oci-fixtures.ts";
import { startScannerAdapter } from "./scanner-adapter.ts";

const exec = promisify(execFile);

/** GET over HTTPS trusting only `ca`; the answer and the certificate the server showed. */
function get(url: string, ca: Buffer, headers: Record<string, string> = {}) {
	return new Promise<{
		status: number;
		body: string;
		headers: http.IncomingHttpHeaders;
		fingerprint: string;
	}>((resolve, reject) => {
		const req = https.get(url, { ca, headers, agent: false }, (res) => {
			const socket = res.socket as tls.TLSSocket;
			const fingerprint = socket.getPeerCertificate().fingerprint256;
			let body = "";
			res.on("data", (c) => {
				body += c;
			});
			res.on("end", () =>
				resolve({
					status: res.statusCode!,
					body,
					headers: res.headers,
					fingerprint,
				}),
			);
		});
		req.on("error", reject);
	});
}

/**
 * HTTPS with the user's certificate and key: a self-signed certificate for 127.0.0.1 made here with openssl. The
 * metadata engine plays no part (SQLite).
 */
describe("TLS on the main port", () => {
	let dir: string;
	let cert: Buffer;
	let s: TestServer;
	let c: ClientSandbox;
	let base: string;

	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), "wharf-tls-"));
		await selfSignedCertificate(dir, { localhost: true });
		cert = await readFile(path.join(dir, "cert.pem"));
		[s, c] = await Promise.all([
			startTestServer("sqlite", {
				WHARF_TLS_CERT: path.join(dir, "cert.pem"),
				WHARF_TLS_KEY: path.join(dir, "key.pem"),
			}),
			clientSandbox(),
		]);
		base = `https://127.0.0.1:${s.port}`;
	}, 60_000);
	afterAll(async () => {
		await Promise.all([stopTestServer(s), c?.cleanup()]);
		await rm(dir, { recursive: true, force: true });
	});

	it("serves HTTPS with the given certificate", async () => {
		const r = await get(`${base}/api/v2.0/ping`, cert);
		expect(r.status).toBe(200);
		expect(r.body).toBe("Pong");
		expect(r.fingerprint).toBe(new X509Certificate(cert).fingerprint256);
	});

	it("speaks HTTP/1.1 even to a client that offers HTTP/2 (ALPN)", async () => {
		const alpn = await new Promise<string | false | null>((resolve, reject) => {
			const socket = tls.connect(
				{
					host: "127.0.0.1",
					port: s.port,
					ca: cert,
					ALPNProtocols: ["h2", "http/1.1"],
				},
				() => {
					resolve(socket.alpnProtocol);
					socket.destroy();
				},
			);
			socket.on("error", reject);
		});
		expect(alpn).toBe("http/1.1");
	});

	it("does not answer plain HTTP on the TLS port", async () => {
		const r = await fetch(`http://127.0.0.1:${s.port}/api/v2.0/ping`).then(
			(x) => x.status,
			() => "refused",
		);
		expect(r).not.toBe(200);
	});

	it("marks the console session cookie Secure", async () => {
		const r = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
			const req = https.request(
				`${base}/c/login`,
				{
					method: "POST",
					ca: cert,
					agent: false,
					headers: { "Content-Type": "application/x-www-form-urlencoded" },
				},
				(res) => {
					res.resume();
					resolve(res.headers);
				},
			);
			req.on("error", reject);
			req.end(
				new URLSearchParams({
					principal: "admin",
					password: adminPassword,
				}).toString(),
			);
		});
		const cookies = r["set-cookie"] ?? [];
		expect(cookies.length).toBeGreaterThan(0);
		for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
	});

	it("takes a skopeo push and serves it back over TLS, verifying the certificate", async () => {
		const certs = path.join(c.dir, "certs");
		await exec("mkdir", ["-p", certs]);
		await writeFile(path.join(certs, "ca.crt"), cert);
		const layout = path.join(c.dir, "image");
		const { digest } = await makeOciLayout(layout, {
			layers: 2,
			layerBytes: 1 << 20,
		});
		const host = `127.0.0.1:${s.port}`;
		const push = await c.skopeo(
			"copy",
			`oci:${layout}`,
			`docker://${host}/library/over-tls:1.0`,
			"--dest-cert-dir",
			certs,
			"--dest-creds",
			`admin:${adminPassword}`,
		);
		expect(push.ok, push.stderr).toBe(true);
		const out = path.join(c.dir, "pulled");
		const pull = await c.skopeo(
			"copy",
			`docker://${host}/library/over-tls:1.0`,
			`oci:${out}`,
			"--src-cert-dir",
			certs,
			"--src-creds",
			`admin:${adminPassword}`,
		);
		expect(pull.ok, pull.stderr).toBe(true);
		expect(await c.layoutDigest(out)).toBe(digest);
		// The token realm the challenge names is this HTTPS origin.
		const challenge = (await get(`${base}/v2/`, cert)).headers[
			"www-authenticate"
		];
		expect(challenge).toContain(
			`realm="https://127.0.0.1:${s.port}/service/token"`,
		);
	});

	it("gives a scanner that uses the internal address this HTTPS origin", async () => {
		const adapter = await startScannerAdapter({ name: "Internal" });
		const dispatcher = new Agent({ connect: { ca: cert } });
		const call = (p: string, method: string, json?: unknown) =>
			undiciFetch(`${base}/api/v2.0${p}`, {
				method,
				dispatcher,
				body: json === undefined ? undefined : JSON.stringify(json),
				headers: {
					Authorization: adminAuth,
					...(json === undefined ? {} : { "Content-Type": "application/json" }),
				},
			});
		try {
			const v2 = createV2Client({
				url: base,
				credential: { username: "admin", password: adminPassword },
				caCertificate: cert.toString(),
			});
			await pushImage(v2, "library/scan-me", "v1");
			const r = await call("/scanners", "POST", {
				name: "Internal",
				url: adapter.url,
				use_internal_addr: true,
			});
			expect(r.status, await r.text()).toBe(201);
			expect(
				(
					await call(
						"/projects/library/repositories/scan-me/artifacts/v1/scan",
						"POST",
					)
				).status,
			).toBe(202);
			for (let i = 0; i < 200 && adapter.requests.length === 0; i++)
				await new Promise((w) => setTimeout(w, 50));
			expect(adapter.requests[0]?.body.registry.url).toBe(
				`https://127.0.0.1:${s.port}`,
			);
		} finally {
			await adapter.close();
			await dispatcher.close();
		}
	});

	it("takes a renewed certificate without a restart (SIGHUP), and keeps the old one when the new pair is bad", async () => {
		const next = path.join(dir, "next");
		await exec("mkdir", ["-p", next]);
		await selfSignedCertificate(next, { days: 2 });
		const renewed = await readFile(path.join(next, "cert.pem"));
		const oldKey = await readFile(path.join(dir, "key.pem"));
		await writeFile(path.join(dir, "cert.pem"), renewed);
		await writeFile(
			path.join(dir, "key.pem"),
			await readFile(path.join(next, "key.pem")),
		);
		expect((await get(`${base}/api/v2.0/ping`, cert)).fingerprint).toBe(
			new X509Certificate(cert).fingerprint256,
		); // not yet
		expect(s.reloadTls()).toBe(true);
		expect((await get(`${base}/api/v2.0/ping`, renewed)).fingerprint).toBe(
			new X509Certificate(renewed).fingerprint256,
		);
		// A key that is not the certificate's: refused, and the renewed pair stays.
		await writeFile(path.join(dir, "key.pem"), oldKey);
		expect(() => s.reloadTls()).toThrow();
		const r = await get(`${base}/api/v2.0/ping`, renewed);
		expect(r.status).toBe(200);
		expect(r.fingerprint).toBe(new X509Certificate(renewed).fingerprint256);
	});

	it("refuses a certificate without its key, at start", () => {
		expect(() =>
			loadConfig({ WHARF_TLS_CERT: path.join(dir, "cert.pem") }),
		).toThrow(/WHARF_TLS_CERT and WHARF_TLS_KEY go together/);
	});
});
