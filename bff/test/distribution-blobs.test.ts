import { randomBytes, randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	client,
	expectError,
	sha256,
	sha512,
	sleep,
	uniqueRepo,
} from "./distribution-helpers.ts";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

describe.each(engines)("blob uploads and pulls on %s", (engine) => {
	let s: TestServer;
	let c: ReturnType<typeof client>;
	beforeAll(async () => {
		s = await startTestServer(engine);
		c = client(s);
	});
	afterAll(() => stopTestServer(s));

	it("takes a monolithic POST ?digest= with 201, Location and Docker-Content-Digest", async () => {
		const repo = uniqueRepo("mono");
		const data = randomBytes(2048);
		const digest = sha256(data);
		const r = await c.call(`/v2/${repo}/blobs/uploads/?digest=${digest}`, {
			method: "POST",
			body: data,
			headers: { "Content-Type": "application/octet-stream" },
		});
		expect(r.status).toBe(201);
		expect(r.headers.get("location")).toBe(`/v2/${repo}/blobs/${digest}`);
		expect(r.headers.get("docker-content-digest")).toBe(digest);
		expect(r.headers.get("docker-distribution-api-version")).toBe(
			"registry/2.0",
		);
		const back = await c.call(`/v2/${repo}/blobs/${digest}`);
		expect(Buffer.from(await back.arrayBuffer()).equals(data)).toBe(true);
	});

	it("takes streamed PATCHes without Content-Range, appending each at the current offset", async () => {
		const repo = uniqueRepo("stream");
		const data = randomBytes(6000);
		const location = await c.startUpload(repo);
		const a = await c.call(location, {
			method: "PATCH",
			body: data.subarray(0, 2500),
		});
		expect([a.status, a.headers.get("range")]).toEqual([202, "0-2499"]);
		const b = await c.call(location, {
			method: "PATCH",
			body: data.subarray(2500),
		});
		expect([b.status, b.headers.get("range")]).toEqual([202, "0-5999"]);
		expect(
			(await c.call(`${location}?digest=${sha256(data)}`, { method: "PUT" }))
				.status,
		).toBe(201);
		expect(
			(
				await c.call(`/v2/${repo}/blobs/${sha256(data)}`, { method: "HEAD" })
			).headers.get("content-length"),
		).toBe("6000");
	});

	it("takes POST then a PUT carrying the whole body", async () => {
		const repo = uniqueRepo("putonly");
		const data = randomBytes(3000);
		const location = await c.startUpload(repo);
		expect(location).toMatch(
			new RegExp(`^/v2/${repo}/blobs/uploads/[0-9a-f-]{36}$`),
		);
		const r = await c.call(`${location}?digest=${sha256(data)}`, {
			method: "PUT",
			body: data,
			headers: { "Content-Type": "application/octet-stream" },
		});
		expect(r.status).toBe(201);
		expect(r.headers.get("location")).toBe(`/v2/${repo}/blobs/${sha256(data)}`);
		expect(r.headers.get("docker-content-digest")).toBe(sha256(data));
		const back = await c.call(`/v2/${repo}/blobs/${sha256(data)}`);
		expect(Buffer.from(await back.arrayBuffer()).equals(data)).toBe(true);
	});

	it("takes chunked PATCHes with Content-Range, answering 202 with Range and the upload UUID, then a closing PUT", async () => {
		const repo = uniqueRepo("chunked");
		const data = randomBytes(10_000);
		const location = await c.startUpload(repo);
		const id = location.split("/").pop()!;
		const cuts = [0, 4000, 7000, data.length];
		for (let i = 0; i < cuts.length - 1; i++) {
			const chunk = data.subarray(cuts[i], cuts[i + 1]);
			const r = await c.call(location, {
				method: "PATCH",
				body: chunk,
				headers: {
					"Content-Type": "application/octet-stream",
					"Content-Range": `${cuts[i]}-${cuts[i + 1] - 1}`,
				},
			});
			expect(r.status).toBe(202);
			expect(r.headers.get("range")).toBe(`0-${cuts[i + 1] - 1}`);
			expect(r.headers.get("location")).toBe(location);
			expect(r.headers.get("docker-upload-uuid")).toBe(id);
		}
		const put = await c.call(`${location}?digest=${sha256(data)}`, {
			method: "PUT",
		});
		expect(put.status).toBe(201);
		expect(put.headers.get("docker-content-digest")).toBe(sha256(data));
		const back = await c.call(`/v2/${repo}/blobs/${sha256(data)}`);
		expect(Buffer.from(await back.arrayBuffer()).equals(data)).toBe(true);
	});

	it("answers an out-of-order chunk with 416 RANGE_INVALID and keeps the offset", async () => {
		const repo = uniqueRepo("order");
		const data = randomBytes(2000);
		const location = await c.startUpload(repo);
		const first = await c.call(location, {
			method: "PATCH",
			body: data.subarray(0, 1000),
			headers: { "Content-Range": "0-999" },
		});
		expect(first.status).toBe(202);
		const skip = await c.call(location, {
			method: "PATCH",
			body: data.subarray(1500),
			headers: { "Content-Range": "1500-1999" },
		});
		await expectError(skip, 416, "RANGE_INVALID");
		const again = await c.call(location, {
			method: "PATCH",
			body: data.subarray(0, 1000),
			headers: { "Content-Range": "0-999" },
		});
		await expectError(again, 416, "RANGE_INVALID");
		const status = await c.call(location);
		expect(status.headers.get("range")).toBe("0-999");
	});

	it("reports upload status with 204, Range 0-N, Location and Docker-Upload-UUID", async () => {
		const repo = uniqueRepo("status");
		const location = await c.startUpload(repo);
		const id = location.split("/").pop()!;
		await c.call(location, {
			method: "PATCH",
			body: randomBytes(1234),
			headers: { "Content-Range": "0-1233" },
		});
		const r = await c.call(location);
		expect(r.status).toBe(204);
		expect(r.headers.get("range")).toBe("0-1233");
		expect(r.headers.get("docker-upload-uuid")).toBe(id);
		expect(r.headers.get("location")).toBe(location);
	});

	it("cancels an upload with DELETE (204); its status is then BLOB_UPLOAD_UNKNOWN 404", async () => {
		const repo = uniqueRepo("cancel");
		const location = await c.startUpload(repo);
		await c.call(location, { method: "PATCH", body: randomBytes(100) });
		const del = await c.call(location, { method: "DELETE" });
		expect(del.status).toBe(204);
		await expectError(await c.call(location), 404, "BLOB_UPLOAD_UNKNOWN");
		await expectError(
			await c.call(location, { method: "PATCH", body: randomBytes(10) }),
			404,
			"BLOB_UPLOAD_UNKNOWN",
		);
		await expectError(
			await c.call(location, { method: "DELETE" }),
			404,
			"BLOB_UPLOAD_UNKNOWN",
		);
		await expectError(
			await c.call(`/v2/${repo}/blobs/uploads/not-an-upload`),
			404,
			"BLOB_UPLOAD_UNKNOWN",
		);
		await expectError(
			await c.call(`/v2/${repo}/blobs/uploads/${randomUUID()}`),
			404,
			"BLOB_UPLOAD_UNKNOWN",
		);
	});

	it("does not let one repository continue or read the status of another repository's upload", async () => {
		const repo = uniqueRepo("owner");
		const other = uniqueRepo("thief");
		await c.pushBlob(other, randomBytes(10)); // so `other` exists
		const location = await c.startUpload(repo);
		const foreign = location.replace(repo, other);
		await expectError(await c.call(foreign), 404, "BLOB_UPLOAD_UNKNOWN");
		await expectError(
			await c.call(foreign, { method: "PATCH", body: randomBytes(10) }),
			404,
			"BLOB_UPLOAD_UNKNOWN",
		);
	});

	it("serves HEAD and GET of a blob with Content-Length and Docker-Content-Digest", async () => {
		const repo = uniqueRepo("pull");
		const data = randomBytes(4321);
		const digest = await c.pushBlob(repo, data);
		const head = await c.call(`/v2/${repo}/blobs/${digest}`, {
			method: "HEAD",
		});
		expect(head.status).toBe(200);
		expect(head.headers.get("content-length")).toBe("4321");
		expect(head.headers.get("docker-content-digest")).toBe(digest);
		expect(await head.text()).toBe("");
		const get = await c.call(`/v2/${repo}/blobs/${digest}`);
		expect(get.status).toBe(200);
		expect(get.headers.get("content-length")).toBe("4321");
		expect(get.headers.get("docker-content-digest")).toBe(digest);
		expect(Buffer.from(await get.arrayBuffer()).equals(data)).toBe(true);
	});

	it("serves a blob of several send buffers byte for byte, also right after a client left in the middle of it", async () => {
		const repo = uniqueRepo("big");
		const data = randomBytes(3 * 1024 * 1024 + 17);
		const digest = await c.pushBlob(repo, data);
		await new Promise<void>((resolve, reject) => {
			const req = http.get(
				`${s.url}/v2/${repo}/blobs/${digest}`,
				{ headers: { Authorization: adminAuth } },
				(res) => {
					res.once("data", () => {
						req.destroy();
						resolve();
					});
				},
			);
			req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
		});
		for (let i = 0; i < 2; i++) {
			const get = await c.call(`/v2/${repo}/blobs/${digest}`);
			expect(get.status).toBe(200);
			expect(Buffer.from(await get.arrayBuffer()).equals(data)).toBe(true);
		}
	});

	it("answers a Range request with 206 and Content-Range, and an unsatisfiable range with 416", async () => {
		const repo = uniqueRepo("range");
		const data = randomBytes(1000);
		const digest = await c.pushBlob(repo, data);
		const part = await c.call(`/v2/${repo}/blobs/${digest}`, {
			headers: { Range: "bytes=100-199" },
		});
		expect(part.status).toBe(206);
		expect(part.headers.get("content-range")).toBe("bytes 100-199/1000");
		expect(part.headers.get("content-length")).toBe("100");
		expect(
			Buffer.from(await part.arrayBuffer()).equals(data.subarray(100, 200)),
		).toBe(true);
		const tail = await c.call(`/v2/${repo}/blobs/${digest}`, {
			headers: { Range: "bytes=-10" },
		});
		expect(tail.status).toBe(206);
		expect(tail.headers.get("content-range")).toBe("bytes 990-999/1000");
		expect(
			Buffer.from(await tail.arrayBuffer()).equals(data.subarray(990)),
		).toBe(true);
		const open = await c.call(`/v2/${repo}/blobs/${digest}`, {
			headers: { Range: "bytes=900-" },
		});
		expect(open.status).toBe(206);
		expect(open.headers.get("content-range")).toBe("bytes 900-999/1000");
		const beyond = await c.call(`/v2/${repo}/blobs/${digest}`, {
			headers: { Range: "bytes=1000-1100" },
		});
		expect(beyond.headers.get("content-range")).toBe("bytes */1000");
		await expectError(beyond, 416, "RANGE_INVALID");
	});

	it("ignores a Range it does not serve (another unit, several ranges) and sends the whole blob with 200", async () => {
		const repo = uniqueRepo("range2");
		const data = randomBytes(100);
		const digest = await c.pushBlob(repo, data);
		for (const range of ["items=0-5", "bytes=0-1,4-5", "bytes=-"]) {
			const r = await c.call(`/v2/${repo}/blobs/${digest}`, {
				headers: { Range: range },
			});
			expect({ range, status: r.status }).toEqual({ range, status: 200 });
			expect(r.headers.get("content-range")).toBeNull();
			expect(Buffer.from(await r.arrayBuffer()).equals(data)).toBe(true);
		}
		const zero = await c.call(`/v2/${repo}/blobs/${digest}`, {
			headers: { Range: "bytes=-0" },
		});
		await expectError(zero, 416, "RANGE_INVALID");
	});

	it("answers BLOB_UNKNOWN 404 for a blob that only another repository holds", async () => {
		const owner = uniqueRepo("holder");
		const here = uniqueRepo("here");
		const digest = await c.pushBlob(owner, randomBytes(64));
		await c.pushBlob(here, randomBytes(64));
		await expectError(
			await c.call(`/v2/${here}/blobs/${digest}`),
			404,
			"BLOB_UNKNOWN",
		);
		const head = await c.call(`/v2/${here}/blobs/${digest}`, {
			method: "HEAD",
		});
		expect(head.status).toBe(404);
		await expectError(
			await c.call(`/v2/${uniqueRepo("never")}/blobs/${digest}`),
			404,
			"BLOB_UNKNOWN",
		);
	});

	it("mounts a blob from another repository with mount=&from= (201, Location, digest)", async () => {
		const from = uniqueRepo("src");
		const to = uniqueRepo("dst");
		const data = randomBytes(300);
		const digest = await c.pushBlob(from, data);
		const r = await c.call(
			`/v2/${to}/blobs/uploads/?mount=${digest}&from=${from}`,
			{ method: "POST" },
		);
		expect(r.status).toBe(201);
		expect(r.headers.get("location")).toBe(`/v2/${to}/blobs/${digest}`);
		expect(r.headers.get("docker-content-digest")).toBe(digest);
		const back = await c.call(`/v2/${to}/blobs/${digest}`);
		expect(Buffer.from(await back.arrayBuffer()).equals(data)).toBe(true);
	});

	it("mounts automatically when `from` is left out and some readable repository holds the blob", async () => {
		const from = uniqueRepo("autosrc");
		const to = uniqueRepo("autodst");
		const data = randomBytes(300);
		const digest = await c.pushBlob(from, data);
		const r = await c.call(`/v2/${to}/blobs/uploads/?mount=${digest}`, {
			method: "POST",
		});
		expect(r.status).toBe(201);
		expect(r.headers.get("location")).toBe(`/v2/${to}/blobs/${digest}`);
		expect(
			(await c.call(`/v2/${to}/blobs/${digest}`, { method: "HEAD" })).status,
		).toBe(200);
	});

	it("falls back to a 202 upload session when the blob to mount is unknown", async () => {
		const to = uniqueRepo("nomount");
		const data = randomBytes(50);
		const r = await c.call(
			`/v2/${to}/blobs/uploads/?mount=${sha256(data)}&from=${uniqueRepo("ghost")}`,
			{ method: "POST" },
		);
		expect(r.status).toBe(202);
		const location = r.headers.get("location")!;
		expect(location).toMatch(
			new RegExp(`^/v2/${to}/blobs/uploads/[0-9a-f-]{36}$`),
		);
		expect(r.headers.get("docker-upload-uuid")).toBe(location.split("/").pop());
		const put = await c.call(`${location}?digest=${sha256(data)}`, {
			method: "PUT",
			body: data,
		});
		expect(put.status).toBe(201);
	});

	it("deletes a blob from a repository with 202; it is then BLOB_UNKNOWN 404", async () => {
		const repo = uniqueRepo("delblob");
		const digest = await c.pushBlob(repo, randomBytes(99));
		const del = await c.call(`/v2/${repo}/blobs/${digest}`, {
			method: "DELETE",
		});
		expect(del.status).toBe(202);
		expect(del.headers.get("docker-content-digest")).toBe(digest);
		await expectError(
			await c.call(`/v2/${repo}/blobs/${digest}`),
			404,
			"BLOB_UNKNOWN",
		);
		await expectError(
			await c.call(`/v2/${repo}/blobs/${digest}`, { method: "DELETE" }),
			404,
			"BLOB_UNKNOWN",
		);
	});

	it("refuses a closing PUT whose digest does not match with DIGEST_INVALID, and the blob is not readable", async () => {
		const repo = uniqueRepo("mismatch");
		const data = randomBytes(500);
		const claimed = sha256(randomBytes(500));
		const location = await c.startUpload(repo);
		await expectError(
			await c.call(`${location}?digest=${claimed}`, {
				method: "PUT",
				body: data,
			}),
			400,
			"DIGEST_INVALID",
		);
		await expectError(
			await c.call(`/v2/${repo}/blobs/${claimed}`),
			404,
			"BLOB_UNKNOWN",
		);
		await expectError(
			await c.call(`/v2/${repo}/blobs/${sha256(data)}`),
			404,
			"BLOB_UNKNOWN",
		);
		await expectError(await c.call(location), 404, "BLOB_UPLOAD_UNKNOWN");
		// The monolithic form fails the same way.
		const mono = await c.call(`/v2/${repo}/blobs/uploads/?digest=${claimed}`, {
			method: "POST",
			body: data,
		});
		await expectError(mono, 400, "DIGEST_INVALID");
		await expectError(
			await c.call(`/v2/${repo}/blobs/${claimed}`),
			404,
			"BLOB_UNKNOWN",
		);
	});

	it("refuses an invalid digest string with DIGEST_INVALID", async () => {
		const repo = uniqueRepo("baddigest");
		const data = randomBytes(10);
		for (const bad of [
			"sha256:xyz",
			`sha256:${"A".repeat(64)}`,
			`md5:${"a".repeat(32)}`,
			"nodigest",
		]) {
			await expectError(
				await c.call(`/v2/${repo}/blobs/uploads/?digest=${bad}`, {
					method: "POST",
					body: data,
				}),
				400,
				"DIGEST_INVALID",
			);
		}
		const location = await c.startUpload(repo);
		await expectError(
			await c.call(`${location}?digest=sha256:1234`, {
				method: "PUT",
				body: data,
			}),
			400,
			"DIGEST_INVALID",
		);
		await expectError(
			await c.call(`${location}`, { method: "PUT", body: data }),
			400,
			"DIGEST_INVALID",
		);
		await expectError(
			await c.call(`/v2/${repo}/blobs/sha256:nothex`),
			400,
			"DIGEST_INVALID",
		);
	});

	it("accepts sha512 digests, monolithic and chunked, and serves the blob under them", async () => {
		const repo = uniqueRepo("sha512");
		const data = randomBytes(3000);
		const digest = sha512(data);
		const mono = await c.call(`/v2/${repo}/blobs/uploads/?digest=${digest}`, {
			method: "POST",
			body: data,
		});
		expect(mono.status).toBe(201);
		expect(mono.headers.get("docker-content-digest")).toBe(digest);
		const get = await c.call(`/v2/${repo}/blobs/${digest}`);
		expect(get.headers.get("docker-content-digest")).toBe(digest);
		expect(Buffer.from(await get.arrayBuffer()).equals(data)).toBe(true);

		const other = randomBytes(5000);
		const location = await c.startUpload(repo, "?digest-algorithm=sha512");
		await c.call(location, {
			method: "PATCH",
			body: other.subarray(0, 2500),
			headers: { "Content-Range": "0-2499" },
		});
		await c.call(location, {
			method: "PATCH",
			body: other.subarray(2500),
			headers: { "Content-Range": "2500-4999" },
		});
		const put = await c.call(`${location}?digest=${sha512(other)}`, {
			method: "PUT",
		});
		expect(put.status).toBe(201);
		const head = await c.call(`/v2/${repo}/blobs/${sha512(other)}`, {
			method: "HEAD",
		});
		expect(head.headers.get("content-length")).toBe("5000");
	});

	it("keeps one good copy when the same blob is uploaded twice at once", async () => {
		const repo = uniqueRepo("twice");
		const data = randomBytes(256 * 1024);
		const digest = sha256(data);
		const [a, b] = await Promise.all(
			[0, 1].map(() =>
				c.call(`/v2/${repo}/blobs/uploads/?digest=${digest}`, {
					method: "POST",
					body: data,
				}),
			),
		);
		expect([a.status, b.status]).toEqual([201, 201]);
		const back = await c.call(`/v2/${repo}/blobs/${digest}`);
		expect(Buffer.from(await back.arrayBuffer()).equals(data)).toBe(true);
		// And into two repositories at once, chunked.
		const other = uniqueRepo("twice");
		const locations = await Promise.all(
			[repo, other].map((r) => c.startUpload(r)),
		);
		const puts = await Promise.all(
			locations.map((l) =>
				c.call(`${l}?digest=${digest}`, { method: "PUT", body: data }),
			),
		);
		expect(puts.map((p) => p.status)).toEqual([201, 201]);
		for (const r of [repo, other]) {
			const got = await c.call(`/v2/${r}/blobs/${digest}`);
			expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(digest);
		}
	});

	it("leaves the offset unchanged and nothing visible when a client disconnects mid-PATCH", async () => {
		const repo = uniqueRepo("cut");
		const data = randomBytes(2 * 1024 * 1024);
		const head = 1000;
		const location = await c.startUpload(repo);
		const id = location.split("/").pop()!;
		expect(
			(
				await c.call(location, {
					method: "PATCH",
					body: data.subarray(0, head),
					headers: { "Content-Range": `0-${head - 1}` },
				})
			).status,
		).toBe(202);

		// Declare the rest, send half of it, wait until the server has started writing it, then drop the connection.
		const rest = data.subarray(head);
		const req = http.request(`${s.url}${location}`, {
			method: "PATCH",
			headers: {
				Authorization: adminAuth,
				"Content-Type": "application/octet-stream",
				"Content-Length": String(rest.length),
				"Content-Range": `${head}-${data.length - 1}`,
			},
		});
		req.on("error", () => {});
		req.write(rest.subarray(0, rest.length / 2));
		const file = path.join(s.dataDir, "storage", "uploads", id);
		const received = async () =>
			(await stat(file).catch(() => null))?.size ?? 0;
		for (
			const until = Date.now() + 5000;
			(await received()) <= head && Date.now() < until;
		)
			await sleep(10);
		expect(await received()).toBeGreaterThan(head); // the cut lands mid-write, not before it
		req.destroy();

		// Once the server has noticed, the offset is where it was, and nothing of the cut request can be pulled.
		let resumed: Response | undefined;
		for (const until = Date.now() + 10_000; Date.now() < until; ) {
			const status = await c.call(location);
			expect(status.status).toBe(204);
			expect(status.headers.get("range")).toBe(`0-${head - 1}`);
			resumed = await c.call(location, {
				method: "PATCH",
				body: rest,
				headers: { "Content-Range": `${head}-${data.length - 1}` },
			});
			if (resumed.status !== 416) break; // 416 while the cut request still holds the upload
			await sleep(50);
		}
		expect(resumed!.status).toBe(202);
		expect(resumed!.headers.get("range")).toBe(`0-${data.length - 1}`);
		const put = await c.call(`${location}?digest=${sha256(data)}`, {
			method: "PUT",
		});
		expect(put.status).toBe(201);
		const back = await c.call(`/v2/${repo}/blobs/${sha256(data)}`);
		expect(sha256(Buffer.from(await back.arrayBuffer()))).toBe(sha256(data));
	});

	it("refuses a second PATCH with 416 while another request is writing the same upload", async () => {
		const repo = uniqueRepo("twowriters");
		const data = randomBytes(1024 * 1024);
		const location = await c.startUpload(repo);
		const id = location.split("/").pop()!;
		const slow = http.request(`${s.url}${location}`, {
			method: "PATCH",
			headers: {
				Authorization: adminAuth,
				"Content-Length": String(data.length),
				"Content-Range": `0-${data.length - 1}`,
			},
		});
		const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
			slow.on("response", resolve);
			slow.on("error", reject);
		});
		slow.write(data.subarray(0, data.length / 2));
		const file = path.join(s.dataDir, "storage", "uploads", id);
		for (
			const until = Date.now() + 5000;
			((await stat(file).catch(() => null))?.size ?? 0) === 0 &&
			Date.now() < until;
		)
			await sleep(10);

		const second = await c.call(location, {
			method: "PATCH",
			body: randomBytes(100),
			headers: { "Content-Range": "0-99" },
		});
		await expectError(second, 416, "RANGE_INVALID");
		const streamed = await c.call(location, {
			method: "PATCH",
			body: randomBytes(100),
		});
		await expectError(streamed, 416, "RANGE_INVALID");

		slow.end(data.subarray(data.length / 2));
		const res = await answered;
		res.resume();
		expect(res.statusCode).toBe(202);
		expect(res.headers.range).toBe(`0-${data.length - 1}`);
		const put = await c.call(`${location}?digest=${sha256(data)}`, {
			method: "PUT",
		});
		expect(put.status).toBe(201);
	});

	it("shows nothing of an upload cut before its closing PUT", async () => {
		const repo = uniqueRepo("cutmono");
		const data = randomBytes(1024 * 1024);
		const digest = sha256(data);
		const req = http.request(
			`${s.url}/v2/${repo}/blobs/uploads/?digest=${digest}`,
			{
				method: "POST",
				headers: {
					Authorization: adminAuth,
					"Content-Length": String(data.length),
				},
			},
		);
		req.on("error", () => {});
		req.write(data.subarray(0, data.length / 2));
		await sleep(200);
		req.destroy();
		await sleep(200);
		await expectError(
			await c.call(`/v2/${repo}/blobs/${digest}`),
			404,
			"BLOB_UNKNOWN",
		);
	});
});

describe.each(engines)(
	"requests refused before their body is read on %s",
	(engine) => {
		let s: TestServer;
		beforeAll(async () => {
			s = await startTestServer(engine);
		});
		afterAll(() => stopTestServer(s));

		/** Sends half the body, pauses (time for an early answer), sends the rest, and reads the answer. */
		function send(
			agent: http.Agent,
			method: string,
			path: string,
			body: Buffer,
			headers: Record<string, string>,
		) {
			return new Promise<{ status: number; body: string; reused: boolean }>(
				(resolve, reject) => {
					const req = http.request(
						`${s.url}${path}`,
						{
							agent,
							method,
							headers: { ...headers, "Content-Length": String(body.length) },
						},
						(res) => {
							const chunks: Buffer[] = [];
							res.on("data", (c: Buffer) => chunks.push(c));
							res.on("end", () =>
								resolve({
									status: res.statusCode!,
									body: Buffer.concat(chunks).toString(),
									reused: req.reusedSocket,
								}),
							);
						},
					);
					req.on("error", reject);
					req.setTimeout(5000, () =>
						req.destroy(new Error(`no answer to ${method} ${path}`)),
					);
					req.write(body.subarray(0, body.length / 2));
					setTimeout(() => req.end(body.subarray(body.length / 2)), 150);
				},
			);
		}

		it("keeps the keep-alive connection usable after refusing a request before reading its body (413, 404, 401)", async () => {
			const repo = uniqueRepo("refused");
			const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
			try {
				const cases = [
					{
						method: "PUT",
						path: `/v2/${repo}/manifests/big`,
						body: Buffer.alloc(4 * 1024 * 1024 + 2, " "),
						auth: true,
						status: 413,
						code: "SIZE_INVALID",
					},
					{
						method: "PATCH",
						path: `/v2/${repo}/blobs/uploads/${randomUUID()}`,
						body: randomBytes(2 * 1024 * 1024),
						auth: true,
						status: 404,
						code: "BLOB_UPLOAD_UNKNOWN",
					},
					{
						method: "POST",
						path: `/v2/${repo}/blobs/uploads/?digest=${sha256(randomBytes(8))}`,
						body: randomBytes(2 * 1024 * 1024),
						auth: false,
						status: 401,
						code: "UNAUTHORIZED",
					},
				];
				for (const k of cases) {
					const refused = await send(
						agent,
						k.method,
						k.path,
						k.body,
						k.auth ? { Authorization: adminAuth } : {},
					);
					expect({
						status: refused.status,
						code: (JSON.parse(refused.body) as { errors: { code: string }[] })
							.errors[0].code,
					}).toEqual({ status: k.status, code: k.code });
					const next = await send(
						agent,
						"GET",
						`/v2/${repo}/tags/list`,
						Buffer.alloc(0),
						{ Authorization: adminAuth },
					);
					expect(next.reused).toBe(true);
					expect(next.status).toBe(404); // NAME_UNKNOWN: nothing was pushed
				}
			} finally {
				agent.destroy();
			}
		});
	},
);

describe.each(engines)("an upload resumed after a restart on %s", (engine) => {
	let s: TestServer | undefined;
	let kept: { dataDir: string; schema?: string } | undefined;
	// If the restart itself failed, the kept data folder and schema are still removed.
	afterAll(() =>
		stopTestServer(
			s ?? (kept && ({ ...kept, close: async () => {} } as TestServer)),
		),
	);

	it("keeps the offset across a restart, takes the rest, and stores the exact bytes", async () => {
		s = await startTestServer(engine);
		const repo = uniqueRepo("resume");
		const data = randomBytes(300_000);
		const half = 150_000;
		const location = await client(s).startUpload(repo);
		const first = await client(s).call(location, {
			method: "PATCH",
			body: data.subarray(0, half),
			headers: { "Content-Range": `0-${half - 1}` },
		});
		expect(first.status).toBe(202);

		await stopTestServer(s, { keepData: true });
		kept = { dataDir: s.dataDir, schema: s.schema };
		s = undefined;
		s = await startTestServer(engine, {}, kept);
		const c = client(s);

		const status = await c.call(location);
		expect(status.status).toBe(204);
		expect(status.headers.get("range")).toBe(`0-${half - 1}`);
		const rest = await c.call(location, {
			method: "PATCH",
			body: data.subarray(half),
			headers: { "Content-Range": `${half}-${data.length - 1}` },
		});
		expect(rest.status).toBe(202);
		expect(rest.headers.get("range")).toBe(`0-${data.length - 1}`);
		const put = await c.call(`${location}?digest=${sha256(data)}`, {
			method: "PUT",
		});
		expect(put.status).toBe(201);
		const back = await c.call(`/v2/${repo}/blobs/${sha256(data)}`);
		expect(Buffer.from(await back.arrayBuffer()).equals(data)).toBe(true);
	});
});
