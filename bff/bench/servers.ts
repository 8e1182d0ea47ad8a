import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import {
	mkdir,
	readdir,
	readFile,
	readlink,
	writeFile,
} from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A registry under test, running as a child process of the benchmark on 127.0.0.1. */
export type Server = {
	label: string;
	pid: number;
	port: number;
	base: string;
	child: ChildProcess;
	logFile: string;
	stop(): Promise<void>;
};

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const { port } = s.address() as net.AddressInfo;
			s.close(() => resolve(port));
		});
	});
}

async function tail(file: string, bytes = 2000): Promise<string> {
	try {
		const t = await readFile(file, "utf8");
		return t.slice(-bytes);
	} catch {
		return "";
	}
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. Bounded in time. */
export async function stopChild(
	child: ChildProcess,
	graceMs = 5000,
): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((r) => child.once("exit", () => r()));
	child.kill("SIGTERM");
	const done = await Promise.race([
		exited.then(() => true),
		sleep(graceMs).then(() => false),
	]);
	if (!done) {
		child.kill("SIGKILL");
		await Promise.race([exited, sleep(2000)]);
	}
}

/** Waits until `GET /v2/` answers (200 or 401) or the child exits; at most `timeoutMs`. */
async function waitReady(
	label: string,
	child: ChildProcess,
	base: string,
	logFile: string,
	timeoutMs = 60_000,
) {
	const deadline = Date.now() + timeoutMs;
	for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`${label} exited during start (${child.exitCode ?? child.signalCode}):\n${await tail(logFile)}`,
			);
		}
		try {
			const r = await fetch(`${base}/v2/`, {
				signal: AbortSignal.timeout(2000),
			});
			await r.arrayBuffer();
			if (r.status === 200 || r.status === 401) return;
		} catch {
			/* not listening yet */
		}
		await sleep(100);
	}
	throw new Error(
		`${label} did not answer on ${base}/v2/ within ${timeoutMs} ms:\n${await tail(logFile)}`,
	);
}

function launch(
	label: string,
	cmd: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	cwd: string,
	logFile: string,
) {
	const log = createWriteStream(logFile);
	const child = spawn(cmd, args, {
		cwd,
		env,
		stdio: ["ignore", "pipe", "pipe"],
	});
	child.stdout!.pipe(log);
	child.stderr!.pipe(log);
	child.once("error", (e) => log.write(`spawn error: ${e.message}\n`));
	if (!child.pid) throw new Error(`could not start ${label} (${cmd})`);
	return child;
}

/**
 * Debian's docker-registry (CNCF distribution 2.8) with filesystem storage, error-level logs, and no auth unless
 * `htpasswd` names a file of bcrypt entries (its only password check).
 */
export async function startDistribution(
	dir: string,
	opts: { htpasswd?: string } = {},
): Promise<Server> {
	await mkdir(path.join(dir, "storage"), { recursive: true });
	const port = await freePort();
	const configFile = path.join(dir, "config.yml");
	// The packaged /etc/docker/registry/config.yml minus auth, with the in-memory blob descriptor cache it ships with.
	await writeFile(
		configFile,
		[
			"version: 0.1",
			"log:",
			"  level: error",
			"  accesslog:",
			"    disabled: true",
			"storage:",
			"  cache:",
			"    blobdescriptor: inmemory",
			"  filesystem:",
			`    rootdirectory: ${path.join(dir, "storage")}`,
			"  delete:",
			"    enabled: true",
			"http:",
			`  addr: 127.0.0.1:${port}`,
			"  secret: wharf-bench-not-a-secret",
			...(opts.htpasswd
				? [
						"auth:",
						"  htpasswd:",
						"    realm: bench",
						`    path: ${opts.htpasswd}`,
					]
				: []),
			"",
		].join("\n"),
	);
	const logFile = path.join(dir, "registry.log");
	const bin = process.env.BENCH_DISTRIBUTION_BIN ?? "/usr/bin/docker-registry";
	const child = launch(
		"docker-registry",
		bin,
		["serve", configFile],
		{ PATH: process.env.PATH, HOME: dir },
		dir,
		logFile,
	);
	const base = `http://127.0.0.1:${port}`;
	const server: Server = {
		label: "docker-registry",
		pid: child.pid!,
		port,
		base,
		child,
		logFile,
		stop: () => stopChild(child),
	};
	try {
		await waitReady(server.label, child, base, logFile);
	} catch (e) {
		await server.stop();
		throw e;
	}
	return server;
}

/**
 * Wharf as `npm start` runs it: `node dist/server/main.mjs`, the bundle `npm run build:server` makes (built here
 * first), started directly so the child's pid is the server's and /proc/<pid>/status measures Wharf itself.
 */
export async function startWharfProcess(
	dir: string,
	repoRoot: string,
	opts: {
		adminPassword: string;
		nodeArgs?: string[];
		env?: Record<string, string>;
	},
): Promise<Server> {
	const dataDir = path.join(dir, "data");
	await mkdir(dataDir, { recursive: true });
	const port = await freePort();
	const env: NodeJS.ProcessEnv = { ...process.env };
	for (const k of Object.keys(env))
		if (k.startsWith("WHARF_") || k === "DATABASE_URL" || k === "PORT")
			delete env[k];
	Object.assign(env, {
		PORT: String(port),
		WHARF_HOST: "127.0.0.1",
		WHARF_DATA_DIR: dataDir,
		WHARF_ADMIN_PASSWORD: opts.adminPassword,
		WHARF_LOG_LEVEL: "warn",
		NODE_ENV: "production",
		...opts.env,
	});
	const logFile = path.join(dir, "wharf.log");
	await buildServer(repoRoot);
	const args = [
		...(opts.nodeArgs ?? []),
		path.join(repoRoot, "dist", "server", "main.mjs"),
	];
	const child = launch("wharf", process.execPath, args, env, repoRoot, logFile);
	const base = `http://127.0.0.1:${port}`;
	const server: Server = {
		label: "wharf",
		pid: child.pid!,
		port,
		base,
		child,
		logFile,
		stop: () => stopChild(child, 10_000),
	};
	try {
		await waitReady(server.label, child, base, logFile);
	} catch (e) {
		await server.stop();
		throw e;
	}
	return server;
}

/** Bundles the server from the current sources (what `npm start` does before it runs). */
function buildServer(repoRoot: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const npm = spawn("npm", ["run", "build:server", "--silent"], {
			cwd: repoRoot,
			stdio: ["ignore", "ignore", "inherit"],
		});
		npm.once("error", reject);
		npm.once("exit", (code) =>
			code === 0
				? resolve()
				: reject(new Error(`npm run build:server exited with ${code}`)),
		);
	});
}

export type Mem = { rssKiB: number; hwmKiB: number };

/** CPU seconds a process has used so far (user + system), from /proc/<pid>/stat; 0 when it is gone. */
export async function cpuSecondsOf(pid: number): Promise<number> {
	try {
		const s = await readFile(`/proc/${pid}/stat`, "utf8");
		// Fields after the command's closing parenthesis: state is the 3rd field, utime the 14th and stime the 15th.
		const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
		return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
	} catch {
		return 0;
	}
}

/** VmRSS and VmHWM of a process, from /proc/<pid>/status. */
export async function memOf(pid: number): Promise<Mem | null> {
	try {
		const s = await readFile(`/proc/${pid}/status`, "utf8");
		const kib = (key: string) =>
			Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN);
		return { rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM") };
	} catch {
		return null;
	}
}

/** Resets VmHWM to the current RSS (writing 5 to clear_refs, Linux ≥ 4.0); false when the kernel refuses. */
export async function resetPeak(pid: number): Promise<boolean> {
	try {
		await writeFile(`/proc/${pid}/clear_refs`, "5");
		return true;
	} catch {
		return false;
	}
}

/** Samples VmRSS every `everyMs` until stopped, keeping the maximum: a cross-check of VmHWM. */
export function rssSampler(pid: number, everyMs = 50) {
	let max = 0;
	let samples = 0;
	const timer = setInterval(() => {
		void memOf(pid).then((m) => {
			if (m && m.rssKiB > max) max = m.rssKiB;
			samples++;
		});
	}, everyMs);
	return {
		stop() {
			clearInterval(timer);
			return { maxRssKiB: max, samples };
		},
	};
}

/** The 127.0.0.1 TCP ports process `pid` listens on (from /proc/<pid>/fd and /proc/net/tcp). */
export async function listeningPorts(pid: number): Promise<number[]> {
	const inodes = new Set<string>();
	let fds: string[] = [];
	try {
		fds = await readdir(`/proc/${pid}/fd`);
	} catch {
		return [];
	}
	for (const fd of fds.slice(0, 10_000)) {
		try {
			const m = /^socket:\[(\d+)\]$/.exec(
				await readlink(`/proc/${pid}/fd/${fd}`),
			);
			if (m) inodes.add(m[1]);
		} catch {
			/* closed meanwhile */
		}
	}
	const ports: number[] = [];
	const table = await readFile("/proc/net/tcp", "utf8").catch(() => "");
	for (const line of table.split("\n").slice(1)) {
		const f = line.trim().split(/\s+/);
		if (f.length < 10 || f[3] !== "0A" || !inodes.has(f[9])) continue; // 0A: LISTEN
		const [addr, port] = f[1].split(":");
		if (addr === "0100007F") ports.push(parseInt(port, 16));
	}
	return ports;
}
