import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 18431);
export const baseURL = `http://127.0.0.1:${port}`;
export const adminPassword = "Harbor12345";
const dataDir =
	process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), "wharf-e2e-"));
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
	testDir: ".",
	outputDir: "../test-results/e2e",
	timeout: 60_000,
	workers: 1,
	reporter: [["list"], ["json", { outputFile: "../test-results/e2e.json" }]],
	globalTeardown: "./global-teardown.ts",
	use: {
		baseURL,
		screenshot: "only-on-failure",
		launchOptions: {
			executablePath: "/usr/bin/chromium",
			// As root Chromium starts only without the sandbox; the rest keeps it off a network it cannot reach.
			args: [
				"--no-sandbox",
				"--disable-gpu",
				"--disable-quic",
				"--no-first-run",
				"--disable-background-networking",
				"--disable-component-update",
				"--disable-sync",
			],
		},
	},
	webServer: {
		// The server as `npm start` runs it: the bundle `npm run build` makes. GC's time window is 0 so gc.spec.ts
		// sees a deleted image's blobs collected at once (no other spec runs GC).
		// E2E_SERVER: another bundle of the server (one built apart while others rebuild dist/ in the same checkout).
		command: `node --enable-source-maps ${process.env.E2E_SERVER ?? "dist/server/main.mjs"}`,
		cwd: "..",
		url: `${baseURL}/v2/`,
		reuseExistingServer: false,
		timeout: 60_000,
		env: {
			PORT: String(port),
			WHARF_HOST: "127.0.0.1",
			WHARF_DATA_DIR: dataDir,
			WHARF_ADMIN_PASSWORD: adminPassword,
			WHARF_LOG_LEVEL: "warn",
			GC_TIME_WINDOW_HOURS: "0",
			// The specs register scanners of their own and expect the first to be the default.
			WHARF_BUILTIN_SCANNER: "off",
			...(process.env.E2E_WEB_ROOT
				? { WHARF_WEB_ROOT: process.env.E2E_WEB_ROOT }
				: {}),
		},
	},
});
