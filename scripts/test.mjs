// `npm test`: checks the machine, lints (Biome: lint rules and the format), type-checks, builds what `npm start` runs (the SPA and the bundled server), runs every
// test (the browser specs against that build), and closes with one line "N passed, N failed".
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const run = (cmd, args, opts = {}) =>
	spawnSync(cmd, args, { stdio: "inherit", ...opts }).status ?? 1;
const step = (name, cmd, args) => {
	console.log(`\n== ${name}`);
	const status = run(cmd, args);
	if (status !== 0) {
		console.log(`\n${name} failed`);
		console.log("0 passed, 1 failed");
		process.exit(status);
	}
};

step("prerequisites", "bash", ["scripts/ensure-prereqs.sh"]);
step("lint and format (Biome)", "npx", ["biome", "check", "."]);
step("type check", "npx", ["tsc", "--noEmit"]);
step("build the console", "npx", ["vite", "build", "--logLevel", "warn"]);
step("bundle the server", "npm", ["run", "build:server", "--silent"]);

console.log("\n== unit and server tests (vitest)");
mkdirSync("test-results", { recursive: true });
const vitestReport = path.join("test-results", "vitest.json");
const e2eReport = path.join("test-results", "e2e.json");
rmSync(vitestReport, { force: true });
rmSync(e2eReport, { force: true });
const vitestStatus = run("npx", [
	"vitest",
	"run",
	"--reporter=default",
	"--reporter=json",
	`--outputFile.json=${vitestReport}`,
]);

console.log("\n== console specs (Playwright in Chromium)");
const e2eStatus = run("npx", [
	"playwright",
	"test",
	"-c",
	"e2e/playwright.config.ts",
]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(vitestReport)) {
	const r = JSON.parse(readFileSync(vitestReport, "utf8"));
	passed += r.numPassedTests;
	failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
	skipped += r.numPendingTests + r.numTodoTests;
} else failed += 1;
if (existsSync(e2eReport)) {
	const r = JSON.parse(readFileSync(e2eReport, "utf8"));
	passed += r.stats.expected + (r.stats.flaky ?? 0);
	failed += r.stats.unexpected;
	skipped += r.stats.skipped;
} else failed += 1;
const ok = vitestStatus === 0 && e2eStatus === 0 && failed === 0;
if (!ok && failed === 0) failed = 1;
console.log(
	`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
process.exit(ok ? 0 : 1);
