import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { loadConfig } from "../config.ts";
import { startWharf } from "../wharf.ts";
import { samplePassword, seedSampleData } from "./sample-data.ts";

/**
 * `npm run seed`: fills the data folder (WHARF_DATA_DIR, default ./data; or DATABASE_URL's Postgres) with sample
 * projects, users and images, so the console has something to show. It starts Wharf in this process on a free
 * loopback port, seeds it through the API and /v2, and stops it: run it while no other Wharf uses the same folder.
 * Running it again adds only what is missing.
 */
process.umask(0o077); // as main.ts: the data folder is for its owner only
const env: NodeJS.ProcessEnv = {
	...process.env,
	PORT: "0",
	WHARF_HOST: "127.0.0.1",
	WHARF_LOG_LEVEL: process.env.WHARF_LOG_LEVEL ?? "warn",
};
delete env.WHARF_EXTERNAL_URL; // token realms must name the port this process listens on
const config = loadConfig(env);
const passwordFile = path.join(config.dataDir, "initial-admin-password");
const known =
	process.env.WHARF_ADMIN_PASSWORD ??
	(existsSync(passwordFile)
		? readFileSync(passwordFile, "utf8").trim()
		: undefined);

const wharf = await startWharf(config, {
	logger: pino({ level: config.logLevel }),
});
try {
	const password = wharf.generatedAdminPassword ?? known;
	if (!password)
		throw new Error(
			`admin's password is unknown: give it as WHARF_ADMIN_PASSWORD (${passwordFile} is gone)`,
		);
	const url = `http://127.0.0.1:${wharf.port}`;
	await seedSampleData(
		url,
		`Basic ${Buffer.from(`admin:${password}`).toString("base64")}`,
		(line) => console.log(`  ${line}`),
	);
	console.log(
		`\nSeeded ${config.databaseUrl ? "the Postgres database and " : ""}${config.dataDir}.`,
	);
	console.log(
		`  admin / ${wharf.generatedAdminPassword ? `${password} (new; also in ${passwordFile})` : `the password you gave or ${passwordFile} holds`}`,
	);
	console.log(
		`  alice, bob, carol / ${samplePassword} (sample users: developer, guest and admin of team-a)`,
	);
} catch (err) {
	console.error(`seed failed: ${(err as Error).message}`);
	process.exitCode = 1;
} finally {
	await wharf.close();
}
