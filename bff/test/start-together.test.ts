import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import {
	adminAuth,
	startTestServer,
	stopTestServer,
	type TestServer,
	uniqueSchema,
} from "./harness.ts";

/**
 * Replicas of a new install start at once on one fresh Postgres schema (a Deployment of three on an empty database):
 * the migrations run once, the first start's rows (admin, library, the signing key, the settings) are made once, and
 * every replica starts.
 */
describe("Wharfs starting together on one fresh Postgres schema", () => {
	it("all start, having run each migration once and made admin and library once", async () => {
		const schema = uniqueSchema();
		const masterKey = randomBytes(32).toString("base64");
		const dirs = await Promise.all(
			[0, 1, 2].map(() => mkdtemp(path.join(os.tmpdir(), "wharf-together-"))),
		);
		const started = await Promise.allSettled(
			dirs.map((dataDir) =>
				startTestServer(
					"postgres",
					{ WHARF_MASTER_KEY: masterKey },
					{ dataDir, schema },
				),
			),
		);
		const servers = started.flatMap((r) =>
			r.status === "fulfilled" ? [r.value] : [],
		);
		try {
			expect(
				started.map((r) =>
					r.status === "rejected" ? String(r.reason) : "started",
				),
			).toEqual(["started", "started", "started"]);
			const db = servers[0].db;
			const ran = await sql<{
				name: string;
				n: number;
			}>`select name, count(*)::int as n from ${sql.id(schema, "kysely_migration")} group by name`.execute(
				db,
			);
			expect(ran.rows.length).toBeGreaterThan(20);
			expect(ran.rows.every((r) => r.n === 1)).toBe(true);
			expect(
				(
					await db
						.selectFrom("users")
						.select("id")
						.where("username", "=", "admin")
						.execute()
				).length,
			).toBe(1);
			expect(
				(
					await db
						.selectFrom("projects")
						.select("id")
						.where("name", "=", "library")
						.execute()
				).length,
			).toBe(1);
			expect(
				(await db.selectFrom("signing_keys").select("kid").execute()).length,
			).toBe(1);
			// Every replica answers for the one admin, and takes a token another issued.
			for (const s of servers) {
				const r = await fetch(`${s.url}/api/v2.0/projects/library`, {
					headers: { Authorization: adminAuth },
				});
				expect(r.status).toBe(200);
			}
			const { token } = (await (
				await fetch(
					`${servers[0].url}/service/token?service=harbor-registry&scope=repository:library/x:pull`,
					{ headers: { Authorization: adminAuth } },
				)
			).json()) as { token: string };
			for (const s of servers)
				expect(
					(
						await fetch(`${s.url}/v2/`, {
							headers: { Authorization: `Bearer ${token}` },
						})
					).status,
				).toBe(200);
		} finally {
			for (const s of servers)
				await stopTestServer(s as TestServer, { keepData: true });
			// The schema goes once all have stopped.
			if (servers[0])
				await stopTestServer({
					...servers[0],
					close: async () => {},
				} as TestServer).catch(() => {});
			await Promise.all(
				dirs.map((d) => rm(d, { recursive: true, force: true })),
			);
		}
	});
});
