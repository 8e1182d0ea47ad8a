import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/**
 * skopeo and podman as a user would run them, each sandbox with its own auth file and podman storage, so tests
 * never share client state.
 */
export async function clientSandbox() {
	const dir = await mkdtemp(path.join(os.tmpdir(), "wharf-client-"));
	const authfile = path.join(dir, "auth.json");
	const podmanArgs = [
		"--root",
		path.join(dir, "root"),
		"--runroot",
		path.join(dir, "run"),
		"--storage-driver",
		"vfs",
	];
	const run = async (cmd: string, args: string[], timeout = 120_000) => {
		try {
			const r = await exec(cmd, args, {
				timeout,
				maxBuffer: 16 * 1024 * 1024,
				env: { ...process.env, REGISTRY_AUTH_FILE: authfile },
			});
			return { ok: true, stdout: r.stdout, stderr: r.stderr };
		} catch (e) {
			const err = e as { stdout?: string; stderr?: string; message: string };
			return {
				ok: false,
				stdout: err.stdout ?? "",
				stderr: err.stderr ?? err.message,
			};
		}
	};
	return {
		dir,
		authfile,
		skopeo: (...args: string[]) => run("skopeo", args),
		/** `skopeo login` to a plain-http registry, the credentials kept in this sandbox's auth file. */
		skopeoLogin: (host: string, username: string, password: string) =>
			run("skopeo", [
				"login",
				"--tls-verify=false",
				"-u",
				username,
				"-p",
				password,
				host,
			]),
		podman: (...args: string[]) => run("podman", [...podmanArgs, ...args]),
		/** The digest of the top manifest in an OCI layout. */
		async layoutDigest(layout: string): Promise<string> {
			const index = JSON.parse(
				await readFile(path.join(layout, "index.json"), "utf8"),
			) as { manifests: { digest: string }[] };
			return index.manifests[0].digest;
		},
		cleanup: () => rm(dir, { recursive: true, force: true }),
	};
}

export type ClientSandbox = Awaited<ReturnType<typeof clientSandbox>>;
