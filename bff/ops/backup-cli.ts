import path from "node:path";
import { loadConfig } from "../config.ts";
import { backup, restore } from "./backup.ts";

/**
 * `npm run backup -- <file>` and `npm run restore -- <file>`, for the embedded default (SQLite and the data folder):
 * WHARF_DATA_DIR (or WHARF_CONFIG) names the folder, as for the server.
 */
process.umask(0o077);
const [command, file] = process.argv.slice(2);
const fail = (message: string): never => {
	process.stderr.write(`${message}\n`);
	process.exit(2);
};
if ((command !== "backup" && command !== "restore") || !file)
	fail("usage: npm run backup -- <file.tar> | npm run restore -- <file.tar>");
const config = loadConfig();
if (config.databaseUrl)
	fail(
		"the metadata is in Postgres (DATABASE_URL): back it up with pg_dump, and the blobs where they are kept",
	);
if (config.s3)
	fail(
		"the blobs are in S3 (WHARF_STORAGE): back the bucket up with its provider's tools; this command covers the data folder",
	);
const target = path.resolve(file);
try {
	if (command === "backup") {
		const { files } = await backup(config.dataDir, target);
		process.stdout.write(
			`backed up ${config.dataDir} (${files} files) to ${target}\n`,
		);
	} else {
		const { files } = await restore(target, config.dataDir);
		process.stdout.write(
			`restored ${files} files from ${target} into ${config.dataDir}; start Wharf on it\n`,
		);
	}
} catch (e) {
	fail(`${command} failed: ${(e as Error).message}`);
}
