import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder Wharf is installed in (the one holding its package.json), found from this module whether it runs from
 * source (bff/…) or from the bundled server (dist/server/main.mjs): the two sit at different depths.
 */
function findInstallRoot(from: string): string {
	for (let dir = from; ; dir = path.dirname(dir)) {
		if (existsSync(path.join(dir, "package.json"))) return dir;
		if (path.dirname(dir) === dir)
			throw new Error(`no package.json above ${from}`);
	}
}

export const installRoot = findInstallRoot(
	path.dirname(fileURLToPath(import.meta.url)),
);
