import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	adminAuth,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

// The console's files and deep links: a missing file answers 404 (not index.html, which the browser would refuse as
// a script with a MIME error after a redeploy); a deep link gets index.html.
describe("the SPA fallback", () => {
	let s: TestServer;
	let webRoot: string;
	beforeAll(async () => {
		webRoot = await mkdtemp(path.join(os.tmpdir(), "wharf-web-"));
		await mkdir(path.join(webRoot, "assets"));
		await writeFile(
			path.join(webRoot, "index.html"),
			'<!doctype html><div id="root"></div>',
		);
		await writeFile(path.join(webRoot, "assets", "app-1.js"), "console.log(1)");
		await writeFile(
			path.join(webRoot, "favicon.svg"),
			'<svg xmlns="http://www.w3.org/2000/svg"/>',
		);
		await writeFile(
			path.join(webRoot, "assets", "big-2.js"),
			`const rows = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ id: i, name: `row ${i}` })))};`,
		);
		s = await startTestServer("sqlite", { WHARF_WEB_ROOT: webRoot });
	});
	afterAll(async () => {
		await stopTestServer(s);
		await rm(webRoot, { recursive: true, force: true });
	});

	it("serves a file that exists; a hashed asset is kept a year unasked, index.html never", async () => {
		const r = await fetch(`${s.url}/assets/app-1.js`);
		expect(r.status).toBe(200);
		expect(r.headers.get("content-type")).toMatch(/javascript/);
		expect(r.headers.get("cache-control")).toBe(
			"public, max-age=31536000, immutable",
		);
		expect(
			(await fetch(`${s.url}/favicon.svg`)).headers.get("cache-control"),
		).toBe("public, max-age=3600");
		expect(
			(await fetch(`${s.url}/projects`)).headers.get("cache-control"),
		).toBe("no-cache");
	});

	it("compresses the console's assets and the API's JSON, brotli or gzip as asked, and nothing a client asks plain", async () => {
		for (const encoding of ["br", "gzip"]) {
			const asset = await fetch(`${s.url}/assets/big-2.js`, {
				headers: { "Accept-Encoding": encoding },
			});
			expect(asset.headers.get("content-encoding"), encoding).toBe(encoding);
			expect(await asset.text()).toContain("row 399");
			const json = await fetch(`${s.url}/api/v2.0/configurations`, {
				headers: { "Accept-Encoding": encoding, Authorization: adminAuth },
			});
			expect(json.status).toBe(200);
			expect(json.headers.get("content-encoding"), encoding).toBe(encoding);
		}
		expect(
			(
				await fetch(`${s.url}/assets/big-2.js`, {
					headers: { "Accept-Encoding": "identity" },
				})
			).headers.get("content-encoding"),
		).toBeNull();
	});

	it("keeps serving the console while a build rewrites it: the last index.html while it is gone, the new one once written", async () => {
		const index = path.join(webRoot, "index.html");
		const before = await (await fetch(`${s.url}/projects`)).text();
		await rm(index);
		const during = await fetch(`${s.url}/projects`);
		expect(during.status).toBe(200);
		expect(await during.text()).toBe(before);
		await writeFile(
			index,
			'<!doctype html><div id="root" data-build="2"></div>',
		);
		expect(await (await fetch(`${s.url}/projects/p/summary`)).text()).toContain(
			'data-build="2"',
		);
	});

	it("answers 404 for a missing chunk or top-level file, never index.html", async () => {
		for (const p of [
			"/assets/page-old.js",
			"/assets/style.css",
			"/assets/sub/x",
			"/robots.txt",
		]) {
			const r = await fetch(`${s.url}${p}`);
			expect(r.status, p).toBe(404);
			expect(r.headers.get("content-type"), p).not.toMatch(/html/);
		}
	});

	it("gives index.html to deep links, dots in names included, and to the API explorer at Harbor's /devcenter-api-2.0", async () => {
		for (const p of [
			"/projects",
			"/projects/my.app/summary",
			"/projects/my.app",
			"/projects/p/repositories/r/artifacts/v1.0",
			"/admin/users",
			"/devcenter-api-2.0",
		]) {
			const r = await fetch(`${s.url}${p}`);
			expect(r.status, p).toBe(200);
			expect(r.headers.get("content-type"), p).toMatch(/text\/html/);
		}
	});
});
