import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser } from "./api-fixtures.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { client, sha256 } from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminAuth,
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { type S3Server, s3Credentials, startS3Server } from "./s3-server.ts";

/**
 * Blob GETs answered with a presigned URL of the object (WHARF_S3_REDIRECT=true): the client fetches the bytes from
 * the bucket, Wharf only authorizes. The metadata engine plays no part here: SQLite. s3rver checks every signature.
 */
describe("presigned redirects for blob GETs on S3", () => {
	let s3: S3Server;
	let s: TestServer;
	let c: ClientSandbox;
	const prefix = `redirect-${randomBytes(3).toString("hex")}`;
	const host = () => s.url.replace("http://", "");
	/** The bucket's key of a blob, as the S3 driver names it. */
	const keyOf = (digest: string) =>
		`/${s3.bucket}/${prefix}/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`;
	/** GETs of a key the bucket answered: signed in the query (a presigned URL) or not (Wharf's own client). */
	const getsOf = (digest: string, presigned: boolean) =>
		s3.requests.filter(
			(r) =>
				r.method === "GET" &&
				r.url.split("?")[0] === keyOf(digest) &&
				r.url.includes("X-Amz-Signature=") === presigned,
		);
	const getBlob = (
		repo: string,
		digest: string,
		headers: Record<string, string> = { Authorization: adminAuth },
	) =>
		fetch(`${s.url}/v2/${repo}/blobs/${digest}`, {
			headers,
			redirect: "manual",
		});

	beforeAll(async () => {
		[s3, c] = await Promise.all([startS3Server(), clientSandbox()]);
		s = await startTestServer("sqlite", {
			...s3.env(prefix),
			WHARF_S3_REDIRECT: "true",
		});
	}, 60_000);
	afterAll(async () => {
		await Promise.all([stopTestServer(s), c?.cleanup()]);
		await s3?.stop();
	});

	it("skopeo pulls every blob from the bucket by its presigned URL, and the image comes back whole", async () => {
		const layout = path.join(c.dir, "image");
		const { digest } = await makeOciLayout(layout, {
			layers: 2,
			layerBytes: 1 << 20,
		});
		const blobs = (await readdir(path.join(layout, "blobs", "sha256")))
			.map((hex) => `sha256:${hex}`)
			.filter((d) => d !== digest); // the config and the layers
		const push = await c.skopeo(
			"copy",
			`oci:${layout}`,
			`docker://${host()}/library/redirected:1`,
			"--dest-tls-verify=false",
			"--dest-creds",
			`admin:${adminPassword}`,
		);
		expect(push.ok, push.stderr).toBe(true);
		s3.requests.length = 0;
		const out = path.join(c.dir, "pulled");
		const pull = await c.skopeo(
			"copy",
			`docker://${host()}/library/redirected:1`,
			`oci:${out}`,
			"--src-tls-verify=false",
			"--src-creds",
			`admin:${adminPassword}`,
		);
		expect(pull.ok, pull.stderr).toBe(true); // skopeo checks each blob's digest as it reads it
		expect(await c.layoutDigest(out)).toBe(digest);
		expect(blobs).toHaveLength(3);
		for (const d of blobs) {
			expect(
				getsOf(d, true).filter((r) => r.status === 200),
				`presigned GET of ${d}`,
			).toHaveLength(1);
			expect(getsOf(d, false), `Wharf reading ${d} itself`).toEqual([]);
		}
	}, 120_000);

	it("answers a GET 307 to a URL that serves the exact bytes (and ranges of them); a HEAD is answered by Wharf", async () => {
		const data = randomBytes(300_000);
		const digest = await client(s).pushBlob("library/plain", data);
		s3.requests.length = 0;

		const head = await fetch(`${s.url}/v2/library/plain/blobs/${digest}`, {
			method: "HEAD",
			headers: { Authorization: adminAuth },
			redirect: "manual",
		});
		expect(head.status).toBe(200);
		expect(head.headers.get("content-length")).toBe(String(data.length));
		expect(head.headers.get("location")).toBeNull();
		expect(s3.requests.filter((r) => r.method === "GET")).toEqual([]);

		const r = await getBlob("library/plain", digest);
		expect(r.status).toBe(307);
		expect(r.headers.get("docker-content-digest")).toBe(digest);
		const location = r.headers.get("location")!;
		expect(location.startsWith(`${s3.url}/${s3.bucket}/`)).toBe(true);
		// Signed in the query (SigV4) with Wharf's key, good 20 minutes. (s3rver checks the key and the expiry of such a
		// URL, not its signature.)
		const signed = new URL(location).searchParams;
		expect(signed.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
		expect(signed.get("X-Amz-Credential")).toMatch(
			new RegExp(`^${s3Credentials.accessKeyId}/`),
		);
		expect(signed.get("X-Amz-Expires")).toBe("1200");

		const whole = await fetch(location);
		expect(whole.status).toBe(200);
		expect(whole.headers.get("content-type")).toBe("application/octet-stream");
		const bytes = Buffer.from(await whole.arrayBuffer());
		expect(sha256(bytes)).toBe(digest);
		expect(bytes.equals(data)).toBe(true);

		const part = await fetch(location, { headers: { Range: "bytes=10-19" } });
		expect(part.status).toBe(206);
		expect(
			Buffer.from(await part.arrayBuffer()).equals(data.subarray(10, 20)),
		).toBe(true);

		// A client that follows the redirect (fetch drops the credentials on the way to the other origin) gets the bytes.
		const followed = await fetch(`${s.url}/v2/library/plain/blobs/${digest}`, {
			headers: { Authorization: adminAuth, Range: "bytes=299990-" },
		});
		expect(followed.status).toBe(206);
		expect(
			Buffer.from(await followed.arrayBuffer()).equals(data.subarray(299_990)),
		).toBe(true);
	});

	it("gives no redirect to a caller who may not pull, nor for a blob the repository does not hold", async () => {
		const { auth: outsiderAuth } = await addUser(
			s,
			`outsider-${randomBytes(3).toString("hex")}`,
		);
		const { auth: guestAuth, id: guest } = await addUser(
			s,
			`guest-${randomBytes(3).toString("hex")}`,
		);
		const project = `vault-${randomBytes(3).toString("hex")}`;
		await addProject(s, project, { members: [[guest, 3]] });
		const data = randomBytes(1000);
		const digest = await client(s).pushBlob(`${project}/secret`, data);

		const anonymous = await getBlob(`${project}/secret`, digest, {});
		expect(anonymous.status).toBe(401);
		expect(anonymous.headers.get("location")).toBeNull();
		const stranger = await getBlob(`${project}/secret`, digest, {
			Authorization: outsiderAuth,
		});
		expect(stranger.status).toBe(403); // signed in, but no member of the private project
		expect(stranger.headers.get("location")).toBeNull();
		const wrongPassword = await getBlob(`${project}/secret`, digest, {
			Authorization: `Basic ${Buffer.from("admin:nope").toString("base64")}`,
		});
		expect(wrongPassword.status).toBe(401);
		expect(wrongPassword.headers.get("location")).toBeNull();
		// Linked in the vault only: asked for in the public library, it is unknown there.
		const elsewhere = await getBlob("library/plain", digest);
		expect(elsewhere.status).toBe(404);
		expect(elsewhere.headers.get("location")).toBeNull();

		// A guest may pull: the same GET is redirected, and the URL serves the bytes.
		const allowed = await getBlob(`${project}/secret`, digest, {
			Authorization: guestAuth,
		});
		expect(allowed.status).toBe(307);
		const got = await fetch(allowed.headers.get("location")!);
		expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
	});
});
