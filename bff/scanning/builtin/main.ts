import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { pino } from "pino";
import { loadConfig } from "../../config.ts";
import { migrate, openDatabase } from "../../db/database.ts";
import { createBuiltinScanner } from "./adapter.ts";
import { createOsvStore } from "./osv-store.ts";

/**
 * The built-in scanner as a process of its own (`npm run scanner`), so a site can scale scanning apart from Wharf: the
 * same router Wharf mounts at /scanner/builtin, here at the root of its own port, reading the OSV database from
 * Wharf's metadata database (the same DATABASE_URL / WHARF_DB_SCHEMA, or WHARF_DATA_DIR for SQLite on one host).
 * Register it in Wharf as any adapter: its URL, auth X-ScannerAdapter-API-Key and the key set here.
 *
 *   WHARF_SCANNER_PORT     port to listen on (default 8081; 0 takes a free one)
 *   WHARF_SCANNER_HOST     address to bind (default 0.0.0.0)
 *   WHARF_SCANNER_API_KEY  the key callers must send (unset: anyone may ask for scans; a warning says so)
 */
async function main() {
	const env = process.env;
	const config = loadConfig(env);
	const logger = pino({ level: config.logLevel });
	const db = await openDatabase({
		dataDir: config.dataDir,
		databaseUrl: config.databaseUrl,
		schema: config.databaseUrl ? config.dbSchema : undefined,
	});
	await migrate(db, config.databaseUrl ? config.dbSchema : undefined);
	const apiKey = env.WHARF_SCANNER_API_KEY || undefined;
	if (!apiKey)
		logger.warn(
			"WHARF_SCANNER_API_KEY is unset: anyone who reaches this port may ask it to pull from any registry",
		);
	const scanner = createBuiltinScanner({
		osv: createOsvStore(db),
		apiKey: () => apiKey,
		logger,
		concurrency: Number(env.WHARF_SCANNER_CONCURRENCY ?? 2),
	});
	const app = express();
	app.disable("x-powered-by");
	app.use(scanner.router);
	const server = http.createServer(app);
	const host = env.WHARF_SCANNER_HOST ?? "0.0.0.0";
	await new Promise<void>((resolve) =>
		server.listen(Number(env.WHARF_SCANNER_PORT ?? 8081), host, resolve),
	);
	const { port } = server.address() as AddressInfo;
	logger.info(
		{ url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}` },
		"built-in scanner listening",
	);
	for (const signal of ["SIGINT", "SIGTERM"] as const)
		process.on(signal, () => {
			scanner.close();
			server.closeAllConnections();
			server.close(() => {
				db.destroy().then(
					() => process.exit(0),
					() => process.exit(1),
				);
			});
		});
}

main().catch((e: unknown) => {
	process.stderr.write(`the scanner did not start: ${(e as Error).stack}\n`);
	process.exit(1);
});
