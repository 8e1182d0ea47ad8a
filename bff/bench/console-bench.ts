/**
 * Console benchmark (`npm run bench:console`): seeds 10,000 projects and a repository of 10,000 artifacts, serves the
 * built console (`npm run build` first; BENCH_WEB_ROOT serves another build), signs in with Debian's Chromium and
 * measures cold loads: each sample opens a new browser context (an empty HTTP cache, the session's cookie only) and
 * loads a page's URL, timing from the start of navigation (performance's time origin) until the first rows are in the
 * document — the projects list, a repository's artifacts, and the project summary with its charts drawn. Prints the
 * median and worst of BENCH_CONSOLE_SAMPLES (15) per page and engine, and the JS and CSS each page loaded on the way
 * (bytes over the wire, and as files). BENCH_WEB_ROOT=a,b compares builds: a server for each, their samples taken in
 * turn, so a shared machine's changing load falls on both alike. A script, not a test: it asserts nothing.
 */

import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright";
import {
	adminPassword,
	type Engine,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../test/harness.ts";
import { seedBench } from "./seed.ts";

const samples = Number(process.env.BENCH_CONSOLE_SAMPLES ?? 15);
const engines = (process.env.BENCH_CONSOLE_ENGINES ?? "sqlite,postgres").split(
	",",
) as Engine[];
const webRoots = (process.env.BENCH_WEB_ROOT ?? "dist/web")
	.split(",")
	.map((r) => path.resolve(r));
for (const root of webRoots)
	if (!existsSync(path.join(root, "index.html")))
		throw new Error(`build the console first (npm run build): ${root}`);

/** The pages measured: where, what "first rows" means there, and the target. */
const pages = [
	{
		name: "projects list (10,000 projects)",
		url: "/projects",
		ready: "[data-testid=project-row]",
		target: 400,
	},
	{
		name: "repository (10,000 artifacts)",
		url: "/projects/bench/repositories/big",
		ready: "[data-testid=artifact-row]",
		target: 400,
	},
	{
		name: "project summary with charts",
		url: "/projects/bench/summary",
		// The counts, and the activity chart drawn (its picture, not the skeleton).
		ready: "[data-testid=summary-repo-count], [data-testid=activity-chart] svg",
		all: true,
		target: 600,
	},
] as const;

type Sample = { ms: number; wire: number; files: number };
type Session = Awaited<
	ReturnType<import("playwright").BrowserContext["storageState"]>
>;

/**
 * One cold load: a new context (no cache) with the session's cookies, the time at which every selector of `ready`
 * first matched (seen by a MutationObserver from the document's start, not by polling), and the JS/CSS it had loaded.
 */
async function coldLoad(
	browser: Browser,
	storageState: Awaited<
		ReturnType<import("playwright").BrowserContext["storageState"]>
	>,
	url: string,
	ready: string,
	all: boolean,
): Promise<Sample> {
	const context = await browser.newContext({ storageState });
	try {
		// A string, not a function: tsx would wrap the function's inner functions in a helper the page does not have.
		const selectors = all ? ready.split(",").map((x) => x.trim()) : [ready];
		await context.addInitScript(`{
			const selectors = ${JSON.stringify(selectors)};
			const observer = new MutationObserver(() => {
				if (window.__ready === undefined && selectors.every((s) => document.querySelector(s))) {
					window.__ready = performance.now();
					observer.disconnect();
				}
			});
			observer.observe(document, { childList: true, subtree: true });
		}`);
		const page = await context.newPage();
		await page.goto(url, { waitUntil: "commit" });
		await page.waitForFunction(
			() => (window as unknown as { __ready?: number }).__ready !== undefined,
			undefined,
			{ timeout: 30_000 },
		);
		return await page.evaluate(() => {
			const at = (window as unknown as { __ready: number }).__ready;
			const assets = (
				performance.getEntriesByType("resource") as PerformanceResourceTiming[]
			).filter((r) => /\.(js|css)(\?|$)/.test(r.name) && r.startTime <= at);
			return {
				ms: at,
				wire: assets.reduce((n, r) => n + r.transferSize, 0),
				files: assets.reduce((n, r) => n + r.decodedBodySize, 0),
			};
		});
	} finally {
		await context.close();
	}
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2
		? s[(s.length - 1) / 2]
		: (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (n: number) => `${(n / 1024).toFixed(0).padStart(4)} KB`;

const browser = await chromium.launch({
	executablePath: "/usr/bin/chromium",
	args: ["--no-sandbox", "--disable-gpu"],
});
const rows: string[] = [];
const loads: string[] = [];
try {
	for (const engine of engines) {
		const builds: { name: string; s: TestServer; session: Session }[] = [];
		try {
			for (const root of webRoots) {
				const s = await startTestServer(engine, { WHARF_WEB_ROOT: root });
				// Listed at once, so it is stopped whatever happens next; signed in below.
				const build = {
					name: path.basename(root),
					s,
					session: { cookies: [], origins: [] } as Session,
				};
				builds.push(build);
				await seedBench(s.db, engine, {
					artifacts: 10_000,
					projects: 10_000,
					auditRows: 1_000,
				});
				const signIn = await browser.newContext();
				const page = await signIn.newPage();
				await page.goto(`${s.url}/sign-in`);
				await page.getByLabel("Username").fill("admin");
				await page.getByLabel("Password").fill(adminPassword);
				await page.getByRole("button", { name: "Sign in" }).click();
				await page.locator("[data-testid=current-user]").waitFor();
				build.session = await signIn.storageState();
				await signIn.close();
			}

			const runs = builds.map(() => pages.map(() => [] as Sample[]));
			// The first round warms the server (its caches, the database's pages, the JIT), not the browser's cache.
			for (let i = 0; i < samples + 1; i++) {
				for (const [k, p] of pages.entries())
					for (const [b, { s, session }] of builds.entries()) {
						const r = await coldLoad(
							browser,
							session,
							`${s.url}${p.url}`,
							p.ready,
							"all" in p,
						);
						if (i > 0) runs[b][k].push(r);
					}
				loads.push(os.loadavg()[0].toFixed(2));
			}
			for (const [k, p] of pages.entries())
				for (const [b, { name }] of builds.entries()) {
					const ms = runs[b][k].map((r) => r.ms);
					const last = runs[b][k][runs[b][k].length - 1];
					const label = builds.length > 1 ? `${engine} ${name}` : engine;
					rows.push(
						`| ${label.padEnd(8)} | ${p.name.padEnd(32)} | ${median(ms).toFixed(0).padStart(6)} | ${Math.max(
							...ms,
						)
							.toFixed(0)
							.padStart(
								5,
							)} | ${String(p.target).padStart(6)} | ${kb(last.wire)} | ${kb(last.files)} |`,
					);
				}
		} finally {
			for (const { s } of builds) await stopTestServer(s);
		}
	}
} finally {
	await browser.close();
}
console.log(
	`\nConsole: cold load (new browser context, empty cache) to first rows, ${samples} samples per page after one warm-up round; ${os.cpus().length} cores, load average (1 min) during the runs ${Math.min(...loads.map(Number))}–${Math.max(...loads.map(Number))}\n`,
);
console.log(
	"| engine   | page                             | median |  worst | target | JS+CSS wire | JS+CSS files |",
);
console.log(
	"|----------|----------------------------------|-------:|------:|-------:|--------:|--------:|",
);
console.log(rows.join("\n"));
