import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startDistribution } from "../bench/servers.ts";

export type DistributionServer = {
	url: string;
	dir: string;
	stop(): Promise<void>;
	stopped: boolean;
};

/**
 * Debian's `docker-registry` (CNCF distribution) on a free 127.0.0.1 port in a temporary folder, with basic auth
 * for `user` when given (htpasswd's bcrypt entry, distribution's only password check). `stop` ends it and removes
 * the folder; it may be called twice.
 */
export async function startDistributionServer(user?: {
	username: string;
	password: string;
}): Promise<DistributionServer> {
	const dir = await mkdtemp(path.join(os.tmpdir(), "wharf-distribution-"));
	try {
		let htpasswd: string | undefined;
		if (user) {
			const { stdout } = await promisify(execFile)("htpasswd", [
				"-Bbn",
				user.username,
				user.password,
			]);
			htpasswd = path.join(dir, "htpasswd");
			await writeFile(htpasswd, stdout);
		}
		const server = await startDistribution(dir, { htpasswd });
		const handle: DistributionServer = {
			url: server.base,
			dir,
			stopped: false,
			async stop() {
				if (handle.stopped) return;
				handle.stopped = true;
				await server.stop();
				await rm(dir, { recursive: true, force: true });
			},
		};
		return handle;
	} catch (e) {
		await rm(dir, { recursive: true, force: true });
		throw e;
	}
}
