import { helpText, loadConfig } from "./config.ts";
import { startWharf } from "./wharf.ts";

// Everything Wharf creates (the SQLite database and its WAL and SHM files, keys, blobs, uploads) is for its own user
// only: 0600 files in 0700 folders, whatever the shell's umask.
process.umask(0o077);

if (process.argv.includes("--help") || process.argv.includes("-h")) {
	process.stdout.write(helpText());
	process.exit(0);
}

const config = loadConfig();
// Signals count from the start: one that arrives while Wharf is still starting stops it once it has started.
const starting = startWharf(config);
let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.on(signal, () => {
		if (closing) process.exit(1);
		closing = true;
		// Past the requests' deadline, the rest (jobs given back, queues, database) has 15 s: a Redis or database that no
		// longer answers must not keep the process from exiting.
		setTimeout(
			() => process.exit(1),
			(config.shutdownSeconds + 15) * 1000,
		).unref();
		starting
			.then(async (wharf) => {
				wharf.logger.info(
					{ signal, deadlineSeconds: config.shutdownSeconds },
					"shutting down: no new connections; requests in flight may finish (a second signal exits at once)",
				);
				await wharf.close();
			})
			.then(
				() => process.exit(0),
				() => process.exit(1),
			);
	});
}

const wharf = await starting;
// SIGHUP: a renewed certificate is taken from WHARF_TLS_CERT and WHARF_TLS_KEY without a restart.
process.on("SIGHUP", () => {
	try {
		if (wharf.reloadTls())
			wharf.logger.info("TLS certificate and key read again");
	} catch (err) {
		wharf.logger.error(
			{ err },
			"TLS certificate not reloaded: still serving the previous one",
		);
	}
});
const external = config.externalUrl ?? wharf.url;
wharf.logger.info(
	{
		url: external,
		dataDir: config.dataDir,
		database: config.databaseUrl ? "postgres" : "sqlite",
	},
	"Wharf is listening",
);
if (wharf.generatedAdminPassword) {
	// Printed once, on the first start only; it is also in <data dir>/initial-admin-password (0600).
	process.stdout.write(
		`\n  Admin login for ${external}: admin / ${wharf.generatedAdminPassword}\n  (also saved in ${config.dataDir}/initial-admin-password)\n\n`,
	);
}
