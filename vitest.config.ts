import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["bff/**/*.test.ts", "web/src/**/*.test.{ts,tsx}"],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		pool: "forks",
		maxWorkers: 2,
	},
});
