import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";

/**
 * The data folder holds the database, the master key and every blob: only Wharf's own user may enter it (0700). A
 * folder an older version made (0755, files 0644) is tightened on start, with what lies directly in it; closing the
 * folder is what protects the files deeper down, so they are not walked (a blob store has millions).
 */
export function prepareDataDir(dir: string, logger: Logger) {
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	const tighten = (p: string, mode: number) => {
		try {
			chmodSync(p, mode);
		} catch (err) {
			logger.warn(
				{ err, path: p },
				"could not restrict the permissions of the data folder",
			);
		}
	};
	tighten(dir, 0o700);
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		if (entry.isDirectory()) tighten(path.join(dir, entry.name), 0o700);
		else if (entry.isFile()) tighten(path.join(dir, entry.name), 0o600);
	}
}
