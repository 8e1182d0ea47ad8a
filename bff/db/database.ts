import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import {
	type DatabaseConnection,
	Kysely,
	type Migration,
	Migrator,
	PostgresAdapter,
	PostgresDialect,
	SqliteDialect,
	SqliteDriver,
	sql,
} from "kysely";
import { LRUCache } from "lru-cache";
import pg from "pg";
import * as registryCore from "./migrations/0001-registry-core.ts";
import * as robots from "./migrations/0002-robots.ts";
import * as labels from "./migrations/0003-labels.ts";
import * as quotas from "./migrations/0004-quotas.ts";
import * as settings from "./migrations/0005-settings.ts";
import * as artifactTopLevel from "./migrations/0006-artifact-top-level.ts";
import * as robotGrantsByProjectId from "./migrations/0007-robot-grants-by-project-id.ts";
import * as quotaReservations from "./migrations/0008-quota-reservations.ts";
import * as cveAllowlists from "./migrations/0010-cve-allowlists.ts";
import * as jobs from "./migrations/0011-jobs.ts";
import * as registries from "./migrations/0012-registries.ts";
import * as replication from "./migrations/0013-replication.ts";
import * as proxyCache from "./migrations/0014-proxy-cache.ts";
import * as gc from "./migrations/0015-gc.ts";
import * as jobPools from "./migrations/0016-job-pools.ts";
import * as webhooks from "./migrations/0017-webhooks.ts";
import * as immutableTagRules from "./migrations/0018-immutable-tag-rules.ts";
import * as retention from "./migrations/0019-retention.ts";
import * as auditPurge from "./migrations/0020-audit-purge.ts";
import * as userGroups from "./migrations/0022-user-groups.ts";
import * as scanners from "./migrations/0023-scanners.ts";
import * as scanReports from "./migrations/0024-scan-reports.ts";
import * as auditDescription from "./migrations/0025-audit-description.ts";
import * as oidcUsers from "./migrations/0026-oidc-users.ts";
import * as osv from "./migrations/0028-osv.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

const migrations: Record<string, Migration> = {
	"0001-registry-core": registryCore,
	"0002-robots": robots,
	"0003-labels": labels,
	"0004-quotas": quotas,
	"0005-settings": settings,
	"0006-artifact-top-level": artifactTopLevel,
	"0007-robot-grants-by-project-id": robotGrantsByProjectId,
	"0008-quota-reservations": quotaReservations,
	"0010-cve-allowlists": cveAllowlists,
	"0011-jobs": jobs,
	"0012-registries": registries,
	"0013-replication": replication,
	"0014-proxy-cache": proxyCache,
	"0015-gc": gc,
	"0016-job-pools": jobPools,
	"0017-webhooks": webhooks,
	"0018-immutable-tag-rules": immutableTagRules,
	"0020-audit-purge": auditPurge,
	"0019-retention": retention,
	"0022-user-groups": userGroups,
	"0023-scanners": scanners,
	"0024-scan-reports": scanReports,
	"0025-audit-description": auditDescription,
	"0028-osv": osv,
	"0026-oidc-users": oidcUsers,
};

export type DbOptions = {
	dataDir: string;
	databaseUrl?: string;
	schema?: string;
};

/** Opens the metadata database: Postgres when a URL is given, else SQLite in the data folder. */
export async function openDatabase(opts: DbOptions): Promise<Db> {
	if (opts.databaseUrl) {
		const int8 = 20;
		const pool = new pg.Pool({
			connectionString: opts.databaseUrl,
			max: 10,
			// int8 (sizes, offsets, COUNT) arrives as a string by default: numbers here stay below 2^53.
			types: {
				getTypeParser: ((oid: number, format?: "text" | "binary") =>
					oid === int8
						? Number
						: pg.types.getTypeParser(
								oid,
								format as "text",
							)) as typeof pg.types.getTypeParser,
			},
			...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
		});
		if (opts.schema) {
			const client = await pool.connect();
			try {
				await client.query(`create schema if not exists ${opts.schema}`);
			} catch (e) {
				// Two starting at once both find it missing; the one that loses the race finds it made (unique violation).
				if ((e as { code?: string }).code !== "23505") throw e;
			} finally {
				client.release();
			}
		}
		return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
	}
	mkdirSync(opts.dataDir, { recursive: true });
	const file = openWal(path.join(opts.dataDir, "wharf.db"));
	file.pragma("synchronous = NORMAL");
	file.pragma("foreign_keys = ON");
	file.pragma("busy_timeout = 5000");
	cachePreparedStatements(file);
	return new Kysely<Database>({ dialect: new SqliteDialectKeepingCause(file) });
}

/**
 * SQLite rolls a transaction back by itself after some errors (SQLITE_FULL among them); Kysely's rollback then fails
 * with "no transaction is active" and hides the cause (a full disk answered 500). Only what is still open is rolled back.
 */
class SqliteDialectKeepingCause extends SqliteDialect {
	readonly #file: SQLite.Database;
	constructor(file: SQLite.Database) {
		super({ database: file });
		this.#file = file;
	}
	override createDriver() {
		const file = this.#file;
		return new (class extends SqliteDriver {
			override async rollbackTransaction(connection: DatabaseConnection) {
				if (file.inTransaction) await super.rollbackTransaction(connection);
			}
		})({ database: file });
	}
}

/**
 * Opens SQLite in WAL mode. WAL readers share an index in `wharf.db-shm`, which a volume without one free byte cannot
 * hold (SQLITE_IOERR_SHMSIZE): then this process keeps the index in its own memory (exclusive locking, so no other
 * process may open the file until a restart), and Wharf starts and serves pulls on a full disk.
 */
function openWal(filename: string): SQLite.Database {
	const file = new SQLite(filename);
	try {
		file.pragma("journal_mode = WAL");
		return file;
	} catch (e) {
		if ((e as { code?: string }).code !== "SQLITE_IOERR_SHMSIZE") throw e;
		file.close();
	}
	const exclusive = new SQLite(filename);
	exclusive.pragma("locking_mode = EXCLUSIVE");
	exclusive.pragma("journal_mode = WAL");
	return exclusive;
}

/**
 * Kysely prepares every query anew; on the pull path that was up to a fifth of the CPU (bff/bench). Statements are
 * reused by SQL text; SQLite re-prepares one itself if the schema changes under it.
 */
function cachePreparedStatements(file: SQLite.Database) {
	const prepare = file.prepare.bind(file);
	const statements = new LRUCache<string, SQLite.Statement>({ max: 1000 });
	file.prepare = ((source: string) => {
		let statement = statements.get(source);
		if (!statement) {
			statement = prepare(source);
			statements.set(source, statement);
		}
		return statement;
	}) as typeof file.prepare;
}

/** Brings the schema up to date; on Postgres the bookkeeping tables live in the same schema as the data. */
export async function migrate(db: Db, schema?: string): Promise<void> {
	// Slices number their migrations as they start and land in another order (0022 after 0023): a database that has
	// the later ones takes an earlier one that arrives after them.
	const migrator = new Migrator({
		db,
		provider: { getMigrations: async () => migrations },
		allowUnorderedMigrations: true,
		...(schema ? { migrationTableSchema: schema } : {}),
	});
	const { error, results } = await underSchemaLock(db, () =>
		migrator.migrateToLatest(),
	);
	const failed = results?.find((r) => r.status === "Error");
	if (error || failed)
		throw new Error(
			`database migration failed${failed ? ` at ${failed.migrationName}` : ""}: ${String(error)}`,
		);
}

/**
 * Replicas of a new install starting at once on one Postgres: one at a time runs the migrations and makes the first
 * start's rows (admin, library, the token signing key), so none fails on another's admin or signs with a key the
 * others do not know. A session lock on a connection of its own, keyed by the schema; released by `release()`, or by
 * Postgres when a process that failed to start exits. SQLite: one process owns the file; nothing to hold.
 */
export async function holdStartLock(
	databaseUrl: string | undefined,
	schema?: string,
): Promise<{ release(): Promise<void> }> {
	if (!databaseUrl) return { release: async () => {} };
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	const key = [schemaLockKey, schema ?? "public"];
	await client.query("select pg_advisory_lock($1, hashtext($2))", key);
	return {
		async release() {
			await client
				.query("select pg_advisory_unlock($1, hashtext($2))", key)
				.catch(() => {});
			await client.end();
		},
	};
}

/** Drops a test schema (Postgres only). */
export async function dropSchema(db: Db, schema: string): Promise<void> {
	await underSchemaLock(db, () =>
		sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db),
	);
}

/** Any fixed key: every Wharf on this Postgres agrees on it. */
const schemaLockKey = 0x5768_6172;

/**
 * Kysely's migrator reads the whole catalog (every schema's tables and their sequences), which fails with
 * "schema … does not exist" if another schema is dropped meanwhile; so migrating and dropping take turns.
 */
async function underSchemaLock<T>(db: Db, work: () => Promise<T>): Promise<T> {
	if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return work();
	return db.connection().execute(async (held) => {
		await sql`select pg_advisory_lock(${schemaLockKey})`.execute(held);
		try {
			return await work();
		} finally {
			await sql`select pg_advisory_unlock(${schemaLockKey})`.execute(held);
		}
	});
}

export const now = () => new Date().toISOString();
