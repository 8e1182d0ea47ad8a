import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "./api-fixtures.ts";
import {
	type DistributionServer,
	startDistributionServer,
} from "./distribution-server.ts";
import { startTestServer, stopTestServer, type TestServer } from "./harness.ts";

const openssl = (dir: string, ...args: string[]) =>
	promisify(execFile)("openssl", args, { cwd: dir });

/** A CA of its own and a certificate it signed for 127.0.0.1 (made with openssl in a temporary folder). */
async function makeCertificates(dir: string) {
	await openssl(
		dir,
		"req",
		"-x509",
		"-newkey",
		"rsa:2048",
		"-nodes",
		"-keyout",
		"ca.key",
		"-out",
		"ca.pem",
		"-days",
		"2",
		"-subj",
		"/CN=Wharf test CA",
	);
	await openssl(
		dir,
		"req",
		"-newkey",
		"rsa:2048",
		"-nodes",
		"-keyout",
		"server.key",
		"-out",
		"server.csr",
		"-subj",
		"/CN=127.0.0.1",
	);
	await writeFile(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
	await openssl(
		dir,
		"x509",
		"-req",
		"-in",
		"server.csr",
		"-CA",
		"ca.pem",
		"-CAkey",
		"ca.key",
		"-CAcreateserial",
		"-out",
		"server.pem",
		"-days",
		"2",
		"-extfile",
		"san.ext",
	);
	const read = (f: string) => readFile(path.join(dir, f), "utf8");
	return {
		ca: await read("ca.pem"),
		cert: await read("server.pem"),
		key: await read("server.key"),
	};
}

/** TLS in front of a plain-http registry: each connection is decrypted and piped to `target`'s port. */
async function tlsFront(target: string, cert: string, key: string) {
	const port = Number(new URL(target).port);
	const server = tls.createServer({ cert, key }, (socket) => {
		const upstream = net.connect(port, "127.0.0.1");
		socket.pipe(upstream).pipe(socket);
		const close = () => {
			socket.destroy();
			upstream.destroy();
		};
		socket.on("error", close);
		upstream.on("error", close);
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
	return {
		url,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

describe("an endpoint behind TLS signed by its own CA", () => {
	let s: TestServer;
	let distribution: DistributionServer;
	let front: Awaited<ReturnType<typeof tlsFront>>;
	let dir: string;
	let ca: string;

	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), "wharf-tls-"));
		const certs = await makeCertificates(dir);
		ca = certs.ca;
		[s, distribution] = await Promise.all([
			startTestServer("sqlite"),
			startDistributionServer(),
		]);
		front = await tlsFront(distribution.url, certs.cert, certs.key);
	}, 60_000);
	afterAll(async () => {
		await front?.close();
		await Promise.all([stopTestServer(s), distribution?.stop()]);
		await rm(dir, { recursive: true, force: true });
	});

	it("is refused with the certificate named as the reason, and nothing is created", async () => {
		const r = await api(s)("/registries", {
			method: "POST",
			json: { name: "tls", type: "docker-registry", url: front.url },
		});
		expect(r.status).toBe(400);
		expect(
			((await r.json()) as { errors: { message: string }[] }).errors[0].message,
		).toMatch(/TLS certificate of .* was not accepted/);
		expect((await api(s)("/registries")).headers.get("x-total-count")).toBe(
			"0",
		);
	});

	it("answers once its CA certificate is given, or once it is marked insecure", async () => {
		expect(
			(
				await api(s)("/registries/ping", {
					method: "POST",
					json: { type: "docker-registry", url: front.url, ca_certificate: ca },
				})
			).status,
		).toBe(200);
		expect(
			(
				await api(s)("/registries/ping", {
					method: "POST",
					json: { type: "docker-registry", url: front.url, insecure: true },
				})
			).status,
		).toBe(200);
		const r = await api(s)("/registries", {
			method: "POST",
			json: {
				name: "tls",
				type: "docker-registry",
				url: front.url,
				ca_certificate: ca,
			},
		});
		expect(r.status).toBe(201);
		const got = (await (
			await api(s)(r.headers.get("location")!.replace("/api/v2.0", ""))
		).json()) as { ca_certificate: string; insecure: boolean; status: string };
		expect(got).toMatchObject({
			ca_certificate: ca,
			insecure: false,
			status: "healthy",
		});
	});
});
