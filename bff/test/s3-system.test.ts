import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	adminAuth,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { type S3Server, startS3Server } from "./s3-server.ts";

/** System info, volumes and health of a Wharf whose blobs are in S3 (the metadata engine plays no part: SQLite). */
describe("system info with the blobs in S3", () => {
	let s3: S3Server;
	let s: TestServer;
	const get = async (p: string) =>
		(
			await fetch(`${s.url}/api/v2.0${p}`, {
				headers: { Authorization: adminAuth },
			})
		).json();

	beforeAll(async () => {
		s3 = await startS3Server();
		s = await startTestServer(
			"sqlite",
			s3.env(`system-${randomBytes(3).toString("hex")}`),
		);
	});
	afterAll(async () => {
		await stopTestServer(s);
		await s3?.stop().catch(() => {}); // the health test stopped it already
	});

	it("names the storage provider s3", async () => {
		expect((await get("/systeminfo")).registry_storage_provider_name).toBe(
			"s3",
		);
	});

	it("reports a capacity it cannot know as Harbor does: 0 total, 0 free, not the data folder's disk", async () => {
		expect(await get("/systeminfo/volumes")).toEqual({
			storage: [{ total: 0, free: 0 }],
		});
	});

	it("reports the storage healthy while the bucket answers, unhealthy once it does not", async () => {
		expect((await get("/health")).components).toContainEqual({
			name: "storage",
			status: "healthy",
		});
		await s3.stop();
		const health = await get("/health");
		expect(health.status).toBe("unhealthy");
		expect(health.components).toContainEqual({
			name: "storage",
			status: "unhealthy",
			error: expect.any(String),
		});
		expect(health.components).toContainEqual({
			name: "database",
			status: "healthy",
		});
	});
});
