import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { loadConfig } from "../config.ts";
import { type Db, dropSchema, migrate, openDatabase } from "../db/database.ts";
import { startWharf, type Wharf } from "../wharf.ts";

export const postgresUrl =
	process.env.WHARF_TEST_DATABASE_URL ??
	"postgres://postgres@127.0.0.1:5432/test";
export const engines = ["sqlite", "postgres"] as const;
export type Engine = (typeof engines)[number];

export const adminPassword = "Harbor12345";

/** A schema name no other test file uses, so test files never collide on Postgres. */
export const uniqueSchema = () =>
	`t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;

export type TestServer = Wharf & {
	dataDir: string;
	engine: Engine;
	schema?: string;
	env: Record<string, string>;
};

/** Starts a real Wharf on a free 127.0.0.1 port with a fresh data folder (and a fresh Postgres schema). */
export async function startTestServer(
	engine: Engine = "sqlite",
	extraEnv: Record<string, string> = {},
	keep?: { dataDir: string; schema?: string },
	logger?: import("pino").Logger,
): Promise<TestServer> {
	const dataDir =
		keep?.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "wharf-test-")));
	const schema =
		engine === "postgres" ? (keep?.schema ?? uniqueSchema()) : undefined;
	const env: Record<string, string> = {
		PORT: "0",
		WHARF_HOST: "127.0.0.1",
		WHARF_DATA_DIR: dataDir,
		WHARF_ADMIN_PASSWORD: adminPassword,
		WHARF_LOG_LEVEL: "silent",
		// A request a test leaves hanging holds a stop this long at most (a shutdown lets requests in flight finish).
		WHARF_SHUTDOWN_SECONDS: "3",
		// Tests written before the built-in scanner expect no registration but their own; its tests switch it on.
		WHARF_BUILTIN_SCANNER: "off",
		...(engine === "postgres"
			? { DATABASE_URL: postgresUrl, WHARF_DB_SCHEMA: schema! }
			: {}),
		...extraEnv,
	};
	const wharf = await startWharf(loadConfig(env), {
		logger: logger ?? pino({ level: env.WHARF_LOG_LEVEL as "silent" }),
	});
	const url = `http://127.0.0.1:${wharf.port}`;
	return { ...wharf, url, dataDir, engine, schema, env };
}

/** Stops the server and removes everything it made (data folder, Postgres schema). */
export async function stopTestServer(
	s: TestServer | undefined,
	opts: { keepData?: boolean } = {},
) {
	if (!s) return;
	await s.close();
	if (opts.keepData) return;
	if (s.schema) await dropPostgresSchema(s.schema);
	await rm(s.dataDir, { recursive: true, force: true });
}

async function dropPostgresSchema(schema: string) {
	const db = await openDatabase({
		dataDir: os.tmpdir(),
		databaseUrl: postgresUrl,
	});
	try {
		await dropSchema(db, schema);
	} finally {
		await db.destroy();
	}
}

/** Runs `work` on a migrated metadata database in a fresh schema (Postgres) or folder (SQLite), then removes it. */
export async function withDatabase<T>(
	engine: Engine,
	work: (db: Db) => Promise<T>,
): Promise<T> {
	const dataDir = await mkdtemp(path.join(os.tmpdir(), "wharf-db-"));
	const schema = engine === "postgres" ? uniqueSchema() : undefined;
	const db = await openDatabase(
		schema ? { dataDir, databaseUrl: postgresUrl, schema } : { dataDir },
	);
	try {
		await migrate(db, schema);
		return await work(db);
	} finally {
		await db.destroy();
		if (schema) await dropPostgresSchema(schema);
		await rm(dataDir, { recursive: true, force: true });
	}
}

export const basic = (user: string, password: string) =>
	`Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
export const adminAuth = basic("admin", adminPassword);
