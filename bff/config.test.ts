import { describe, expect, it } from "vitest";
import { helpText, loadConfig, settings } from "./config.ts";

describe("configuration", () => {
	it("defaults to port 8080, ./data and SQLite", () => {
		const c = loadConfig({});
		expect(c.port).toBe(8080);
		expect(c.dataDir).toMatch(/\/data$/);
		expect(c.databaseUrl).toBeUndefined();
		expect(c.tokenExpirySeconds).toBe(1800);
	});
	it("says which setting is wrong", () => {
		expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
		expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(
			/DATABASE_URL must be a postgres/,
		);
	});
	it("lists every setting in the help", () => {
		for (const name of Object.keys(settings))
			expect(helpText()).toContain(name);
	});
});
