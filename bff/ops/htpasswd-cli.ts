import { readFile } from "node:fs/promises";
import { readSetting } from "../api/configurations/settings.ts";
import { importHtpasswd } from "../auth/htpasswd.ts";
import { loadConfig } from "../config.ts";
import { migrate, openDatabase } from "../db/database.ts";

/**
 * `npm run import-htpasswd -- <file>`: the users of a registry:2 htpasswd file (bcrypt, `htpasswd -B`) become Wharf
 * users who sign in with the same password. The database is the server's (WHARF_DATA_DIR, DATABASE_URL, WHARF_CONFIG as
 * for the server); Wharf may be running meanwhile. Exits 1 when a line was refused, 2 when nothing could be done.
 */
const [file] = process.argv.slice(2);
const fail = (message: string): never => {
	process.stderr.write(`${message}\n`);
	process.exit(2);
};
if (!file) fail("usage: npm run import-htpasswd -- <htpasswd file>");
const text = await readFile(file, "utf8").catch((e: Error) =>
	fail(`cannot read ${file}: ${e.message}`),
);
const config = loadConfig();
const db = await openDatabase({
	dataDir: config.dataDir,
	databaseUrl: config.databaseUrl,
	schema: config.dbSchema,
});
try {
	await migrate(db, config.databaseUrl ? config.dbSchema : undefined);
	const mode = await readSetting(db, "auth_mode");
	// Under LDAP or OIDC local passwords sign nobody in but admin: the users would be stranded.
	if (mode !== "db_auth")
		fail(
			`auth_mode is ${mode}: htpasswd users can be imported only while Wharf signs users in from its own database (db_auth)`,
		);
	const report = await importHtpasswd(db, text);
	const out = [
		...report.imported.map((u) => `imported ${u}`),
		...report.existing.map(
			(e) => `line ${e.line}: ${e.username} exists already: left as it is`,
		),
		...report.refused.map(
			(r) => `line ${r.line}: ${r.username}: not imported: ${r.reason}`,
		),
		`${report.imported.length} imported, ${report.existing.length} existing, ${report.refused.length} refused`,
	];
	process.stdout.write(`${out.join("\n")}\n`);
	process.exitCode = report.refused.length > 0 ? 1 : 0;
} finally {
	await db.destroy();
}
