import { type ChildProcess, spawn } from "node:child_process";
import { readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { runTool } from "./run-tool.ts";
import type { Server } from "./servers.ts";

/** This checkout: where the benches build and start Wharf from unless told otherwise. */
export const repoRoot = path.resolve(
	path.dirname(fileURLToPath(import.meta.url)),
	"..",
	"..",
);

/** The admin the benches start Wharf with, as skopeo's `--creds` and as a Basic header. */
export const adminPassword = "Harbor12345";
export const creds = `admin:${adminPassword}`;
export const basicHeader = `Basic ${Buffer.from(creds).toString("base64")}`;

/** On SIGINT or SIGTERM: the bench's clean-up, then exit 130. */
export function cleanupOnSignals(
	cleanup: () => Promise<void>,
	log: (msg: string) => void,
) {
	for (const sig of ["SIGINT", "SIGTERM"] as const) {
		process.once(sig, () => {
			log(`${sig}: cleaning up`);
			void cleanup().finally(() => process.exit(130));
		});
	}
}

/** A whole-number setting from the environment, held within [min, max]; `dflt` when unset or not a number. */
export const intEnv = (
	name: string,
	dflt: number,
	min = 1,
	max = 1_000_000,
) => {
	const v = Number(process.env[name] ?? dflt);
	return Number.isFinite(v)
		? Math.min(Math.max(Math.round(v), min), max)
		: dflt;
};

/** Progress lines on stderr, each with the seconds since the bench started. */
export function benchClock() {
	const t0 = performance.now();
	const elapsedS = () => (performance.now() - t0) / 1000;
	const log = (msg: string) =>
		process.stderr.write(`[${elapsedS().toFixed(1).padStart(6)} s] ${msg}\n`);
	return { elapsedS, log };
}

/** Megabytes as the benches count them: 10^6 bytes. */
export const MB = 1e6;

export const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const n = s.length;
	return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** Bytes of every blob (layers, config, manifest) in an OCI layout. */
export async function layoutBytes(dir: string): Promise<number> {
	const blobs = path.join(dir, "blobs", "sha256");
	let total = 0;
	for (const f of (await readdir(blobs)).slice(0, 10_000))
		total += (await stat(path.join(blobs, f))).size;
	return total;
}

/**
 * Timed skopeo pushes and pulls of OCI layouts to and from the benches' servers (Wharf with `creds`, docker-registry
 * without), each skopeo with its own empty auth file under `root`; every child sits in `tools` while it runs, so the
 * bench's clean-up can kill it.
 */
export function skopeoTransfers(opts: {
	root: string;
	tools: Set<ChildProcess>;
	creds: string;
}) {
	const { root, tools, creds } = opts;
	let authFiles = 0;
	/** One skopeo call with its own empty auth file; returns its wall time in seconds. */
	async function skopeo(args: string[], timeoutS: number): Promise<number> {
		const authfile = path.join(root, `auth-${++authFiles}.json`);
		await writeFile(authfile, '{"auths":{}}\n');
		return runTool(tools, "skopeo", args, timeoutS, {
			...process.env,
			REGISTRY_AUTH_FILE: authfile,
		});
	}
	const credsFor = (s: Server, flag: string) =>
		s.label === "wharf" ? [flag, creds] : [];
	const hostOf = (s: Server) => `127.0.0.1:${s.port}`;
	return {
		/** Pushes the layout to `library/<repo>:1`; answers the wall time in seconds. */
		push: (s: Server, layout: string, repo: string, timeoutS = 180) =>
			skopeo(
				[
					"copy",
					"--quiet",
					`oci:${layout}`,
					`docker://${hostOf(s)}/library/${repo}:1`,
					"--dest-tls-verify=false",
					...credsFor(s, "--dest-creds"),
				],
				timeoutS,
			),
		/** Pulls `library/<repo>:1` into a layout at `out`; answers the wall time in seconds. */
		pull: (s: Server, repo: string, out: string, timeoutS = 180) =>
			skopeo(
				[
					"copy",
					"--quiet",
					`docker://${hostOf(s)}/library/${repo}:1`,
					`oci:${out}`,
					"--src-tls-verify=false",
					...credsFor(s, "--src-creds"),
				],
				timeoutS,
			),
		/**
		 * `sync` before each timed transfer: dirty pages left by the layout generator or an earlier pull would otherwise
		 * be written back during (and be charged to) whichever transfer comes next, above all to one that fsyncs.
		 */
		flushDisk: () =>
			new Promise<void>((resolve) => {
				const child = spawn("sync", [], { stdio: "ignore" });
				tools.add(child);
				const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
				const done = () => {
					clearTimeout(killer);
					tools.delete(child);
					resolve();
				};
				child.once("exit", done);
				child.once("error", done);
			}),
	};
}
