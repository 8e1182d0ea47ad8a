import { pino } from "pino";
import { loadConfig } from "../../config.ts";
import { migrate, openDatabase } from "../../db/database.ts";
import { importZipFile } from "./osv-import.ts";
import { createOsvStore } from "./osv-store.ts";

/**
 * `npm run osv-import -- FILE.zip…`: imports zips of OSV advisories (OSV's `<ecosystem>/all.zip`) into Wharf's
 * metadata database (the configuration Wharf reads: DATABASE_URL, WHARF_DB_SCHEMA, WHARF_DATA_DIR), incrementally.
 */
async function main(files: string[]) {
	if (files.length === 0 || files.includes("--help")) {
		process.stdout.write("Usage: npm run osv-import -- FILE.zip [FILE.zip…]\n");
		return files.length === 0 ? 2 : 0;
	}
	const config = loadConfig(process.env);
	const logger = pino({ level: config.logLevel });
	const schema = config.databaseUrl ? config.dbSchema : undefined;
	const db = await openDatabase({
		dataDir: config.dataDir,
		databaseUrl: config.databaseUrl,
		schema,
	});
	try {
		await migrate(db, schema);
		const store = createOsvStore(db);
		for (const f of files) {
			const r = await importZipFile(store, f, f);
			logger.info({ file: f, read: r.read, changed: r.changed }, "imported");
			process.stdout.write(
				`${f}: ${r.changed} of ${r.read} advisories new or changed\n`,
			);
		}
		return 0;
	} finally {
		await db.destroy();
	}
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(e: unknown) => {
		process.stderr.write(`osv-import failed: ${(e as Error).message}\n`);
		process.exit(1);
	},
);
