/**
 * Console benchmark (`npm run bench:console`): seeds 10,000 projects and a repository of 10,000 artifacts, serves the
 * built console (`npm run build` first), signs in with Debian's Chromium and measures, with the Performance API, how
 * long after navigation the first page of each list is on screen — a full load of the page's URL, and an in-app
 * navigation (a click on the nav link). Prints medians and worst of BENCH_CONSOLE_SAMPLES (5) per engine.
 * A script, not a test: it asserts nothing.
 */

import { existsSync } from "node:fs";
import path from "node:path";
import { chromium, type Page } from "playwright";
import {
	adminPassword,
	type Engine,
	startTestServer,
	stopTestServer,
} from "../test/harness.ts";
import { seedBench } from "./seed.ts";

const samples = Number(process.env.BENCH_CONSOLE_SAMPLES ?? 5);
const engines = (process.env.BENCH_CONSOLE_ENGINES ?? "sqlite,postgres").split(
	",",
) as Engine[];
const webRoot = path.resolve("dist/web");
if (!existsSync(path.join(webRoot, "index.html")))
	throw new Error("build the console first: npm run build");

/** Milliseconds from the start of navigation (performance's time origin) until `selector` is visible. */
async function fullLoad(
	page: Page,
	url: string,
	selector: string,
): Promise<number> {
	await page.goto(url, { waitUntil: "commit" });
	await page.locator(selector).first().waitFor();
	return page.evaluate(() => performance.now());
}

/** Milliseconds from a click on a link inside the console until `selector` is visible (no page load). */
async function inApp(
	page: Page,
	from: string,
	link: string,
	selector: string,
): Promise<number> {
	await page.goto(from);
	await page.locator("[data-testid=current-user]").waitFor();
	await page.evaluate(() => performance.mark("click"));
	await page.locator(link).first().click();
	await page.locator(selector).first().waitFor();
	return page.evaluate(
		() =>
			performance.now() - performance.getEntriesByName("click")[0].startTime,
	);
}

const stats = (ms: number[]) => {
	const s = [...ms].sort((a, b) => a - b);
	return `median ${s[Math.floor(s.length / 2)].toFixed(0).padStart(5)} ms  worst ${s[s.length - 1].toFixed(0).padStart(5)} ms`;
};

const browser = await chromium.launch({
	executablePath: "/usr/bin/chromium",
	args: ["--no-sandbox", "--disable-gpu"],
});
const lines: string[] = [];
try {
	for (const engine of engines) {
		const s = await startTestServer(engine, { WHARF_WEB_ROOT: webRoot });
		try {
			await seedBench(s.db, engine, {
				artifacts: 10_000,
				projects: 10_000,
				auditRows: 1_000,
			});
			const page = await browser.newPage();
			await page.goto(`${s.url}/sign-in`);
			await page.getByLabel("Username").fill("admin");
			await page.getByLabel("Password").fill(adminPassword);
			await page.getByRole("button", { name: "Sign in" }).click();
			await page.locator("[data-testid=current-user]").waitFor();
			const runs = {
				projects: [] as number[],
				repository: [] as number[],
				projectsInApp: [] as number[],
				repositoryInApp: [] as number[],
			};
			for (let i = 0; i < samples + 1; i++) {
				const p = await fullLoad(
					page,
					`${s.url}/projects`,
					"[data-testid=project-row]",
				);
				const r = await fullLoad(
					page,
					`${s.url}/projects/bench/repositories/big`,
					"[data-testid=artifact-row]",
				);
				const pa = await inApp(
					page,
					`${s.url}/projects/bench/repositories/big`,
					'header a[href="/projects"]',
					"[data-testid=project-row]",
				);
				const ra = await inApp(
					page,
					`${s.url}/projects/bench/repositories`,
					'a[href="/projects/bench/repositories/big"]',
					"[data-testid=artifact-row]",
				);
				if (i === 0) continue; // the first round fills the browser's and the server's caches
				runs.projects.push(p);
				runs.repository.push(r);
				runs.projectsInApp.push(pa);
				runs.repositoryInApp.push(ra);
			}
			await page.close();
			lines.push(
				`${engine.padEnd(9)} project list, 10,000 projects, full load        ${stats(runs.projects)}   target < 1000 ms`,
				`${engine.padEnd(9)} project list, in-app navigation                 ${stats(runs.projectsInApp)}   target < 1000 ms`,
				`${engine.padEnd(9)} repository, 10,000 artifacts, full load         ${stats(runs.repository)}   target < 1000 ms`,
				`${engine.padEnd(9)} repository, in-app navigation                   ${stats(runs.repositoryInApp)}   target < 1000 ms`,
			);
		} finally {
			await stopTestServer(s);
		}
	}
} finally {
	await browser.close();
}
console.log(
	`\nConsole: first page of rows on screen after navigation, ${samples} samples (after one warm-up round)\n`,
);
console.log(lines.join("\n"));
