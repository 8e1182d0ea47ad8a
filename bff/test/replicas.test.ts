import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema, openDatabase } from "../db/database.ts";
import { dropRedisPrefixes, testRedisUrl } from "../jobs/job-test-fixtures.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { client } from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminAuth,
	adminPassword,
	postgresUrl,
	type TestServer,
	uniqueSchema,
} from "./harness.ts";
import { startRoundRobin } from "./round-robin.ts";
import { type S3Server, startS3Server } from "./s3-server.ts";
import { startWharfChild, type WharfChild } from "./wharf-process.ts";

/** Three Wharf processes on one Postgres schema, one S3 bucket prefix and one Redis prefix, behind one address. */
describe("three replicas on Postgres, S3 and Redis behind one address", () => {
	let s3: S3Server;
	let c: ClientSandbox;
	let lb: Awaited<ReturnType<typeof startRoundRobin>>;
	const replicas: (WharfChild & { dataDir: string; alive: boolean })[] = [];
	const schema = uniqueSchema();
	const redisPrefix = `wharf-test-replicas-${randomBytes(4).toString("hex")}`;
	const asServer = (r: WharfChild) => ({ url: r.url }) as TestServer;

	beforeAll(async () => {
		[s3, c] = await Promise.all([startS3Server(), clientSandbox()]);
		lb = await startRoundRobin(() =>
			replicas.filter((r) => r.alive).map((r) => r.url),
		);
		const env = {
			...s3.env(`replicas-${randomBytes(3).toString("hex")}`),
			DATABASE_URL: postgresUrl,
			WHARF_DB_SCHEMA: schema,
			REDIS_URL: testRedisUrl,
			WHARF_REDIS_PREFIX: redisPrefix,
			// Every replica seals secrets with the same key and names the same address in its token realm.
			WHARF_MASTER_KEY: randomBytes(32).toString("base64"),
			WHARF_EXTERNAL_URL: lb.url,
		};
		// The first replica migrates the new schema; the others start on it.
		for (let i = 0; i < 3; i++) {
			const dataDir = await mkdtemp(
				path.join(os.tmpdir(), `wharf-replica-${i}-`),
			);
			replicas.push({
				...(await startWharfChild(dataDir, env)),
				dataDir,
				alive: true,
			});
		}
	}, 180_000);
	afterAll(async () => {
		for (const r of replicas) r.child.kill("SIGKILL");
		await lb?.close();
		await Promise.all([
			s3?.stop(),
			c?.cleanup(),
			...replicas.map((r) => rm(r.dataDir, { recursive: true, force: true })),
		]);
		const db = await openDatabase({
			dataDir: os.tmpdir(),
			databaseUrl: postgresUrl,
		});
		try {
			await dropSchema(db, schema);
		} finally {
			await db.destroy();
		}
		await dropRedisPrefixes([redisPrefix]);
	}, 60_000);

	it("answers a pull and a listing on another replica right after a push's 201, every time", async () => {
		const [a, b, cc] = replicas.map((r) => client(asServer(r)));
		for (let i = 0; i < 50; i++) {
			const { digest } = await a.pushImage("library/fresh", `t${i}`);
			const pulled = await b.call(`/v2/library/fresh/manifests/t${i}`, {
				headers: { Accept: "application/vnd.oci.image.manifest.v1+json" },
			});
			expect(pulled.status, `pull ${i} on another replica`).toBe(200);
			expect(pulled.headers.get("docker-content-digest")).toBe(digest);
			const listed = await cc.call(
				`/api/v2.0/projects/library/repositories/fresh/artifacts/t${i}`,
			);
			expect(listed.status, `listing ${i} on a third replica`).toBe(200);
		}
	}, 120_000);

	it("shares console sessions: signed in on one replica, the session works on the others", async () => {
		const login = await fetch(`${replicas[0].url}/c/login`, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({
				principal: "admin",
				password: adminPassword,
			}),
		});
		expect(login.status).toBeLessThan(400);
		const cookie = login.headers
			.getSetCookie()
			.map((x) => x.split(";")[0])
			.join("; ");
		for (const r of replicas.slice(1)) {
			const me = await fetch(`${r.url}/api/v2.0/users/current`, {
				headers: { Cookie: cookie },
			});
			expect(me.status).toBe(200);
			expect(((await me.json()) as { username: string }).username).toBe(
				"admin",
			);
		}
	});

	it("pushes and pulls across them in parallel; one killed mid-push loses nothing: every push, retried, pulls back whole", async () => {
		const images = await Promise.all(
			[0, 1, 2].map(async (i) => {
				const layout = path.join(c.dir, `image-${i}`);
				const { digest } = await makeOciLayout(layout, {
					layers: 3,
					layerBytes: 6 * (1 << 20),
				});
				return {
					layout,
					digest,
					ref: `${lb.url.replace("http://", "")}/library/spread-${i}:1`,
				};
			}),
		);
		const push = (img: (typeof images)[number]) =>
			c.skopeo(
				"copy",
				`oci:${img.layout}`,
				`docker://${img.ref}`,
				"--dest-tls-verify=false",
				"--dest-creds",
				`admin:${adminPassword}`,
			);
		const first = Promise.all(images.map(push));
		// Kill a replica once blobs are in flight (upload sessions open).
		const db = await openDatabase({
			dataDir: os.tmpdir(),
			databaseUrl: postgresUrl,
			schema,
		});
		try {
			for (const until = Date.now() + 60_000; Date.now() < until; ) {
				const { n } = await db
					.selectFrom("uploads")
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow();
				if (Number(n) > 0) break;
				await new Promise((r) => setTimeout(r, 20));
			}
		} finally {
			await db.destroy();
		}
		replicas[1].child.kill("SIGKILL");
		replicas[1].alive = false;
		await first;
		// A client whose push broke pushes again, as a user would; the survivors take it.
		for (const img of images) {
			let ok = false;
			for (let attempt = 0; attempt < 3 && !ok; attempt++)
				ok = (await push(img)).ok;
			expect(ok, `push of ${img.ref}`).toBe(true);
		}
		await Promise.all(
			images.map(async (img, i) => {
				const out = path.join(c.dir, `pulled-${i}`);
				const pull = await c.skopeo(
					"copy",
					`docker://${img.ref}`,
					`oci:${out}`,
					"--src-tls-verify=false",
					"--src-creds",
					`admin:${adminPassword}`,
				);
				expect(pull.ok, pull.stderr).toBe(true); // skopeo verifies every blob's digest as it pulls
				expect(await c.layoutDigest(out)).toBe(img.digest);
			}),
		);
		const listed = await fetch(
			`${lb.url}/api/v2.0/projects/library/repositories?q=name%3D~spread`,
			{ headers: { Authorization: adminAuth } },
		);
		expect(
			((await listed.json()) as { name: string }[]).map((r) => r.name).sort(),
		).toEqual(["library/spread-0", "library/spread-1", "library/spread-2"]);
	}, 240_000);
});
