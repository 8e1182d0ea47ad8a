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
	it("redirects blob GETs to presigned S3 URLs only when told, and only with true or false", () => {
		const s3 = { WHARF_STORAGE: "s3://bucket/prefix" };
		expect(loadConfig(s3).s3?.redirect).toBe(false);
		expect(loadConfig({ ...s3, WHARF_S3_REDIRECT: "true" }).s3?.redirect).toBe(
			true,
		);
		expect(() => loadConfig({ ...s3, WHARF_S3_REDIRECT: "yes" })).toThrow(
			/WHARF_S3_REDIRECT/,
		);
		expect(() => loadConfig({ WHARF_S3_REDIRECT: "true" })).toThrow(
			/WHARF_S3_REDIRECT needs blobs in S3/,
		);
		expect(loadConfig({ WHARF_S3_REDIRECT: "false" }).s3).toBeUndefined();
	});
	it("lists every setting in the help", () => {
		for (const name of Object.keys(settings))
			expect(helpText()).toContain(name);
	});
});
