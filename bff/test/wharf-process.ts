import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { adminPassword } from "./harness.ts";

export const freePort = () =>
	new Promise<number>((resolve) => {
		const srv = net.createServer().listen(0, "127.0.0.1", () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});

export type WharfChild = {
	child: ChildProcess;
	port: number;
	url: string;
	stderr: () => string;
};

/**
 * Wharf as its own process (from the sources, as `npm run dev` runs them; `built`: the bundle `npm run build` makes,
 * as `npm start` and the console specs run it), so a test can kill it with SIGKILL as a crash would. `env` adds to the
 * machine's environment; the process is ready once /v2/ answers.
 */
export async function startWharfChild(
	dataDir: string,
	env: Record<string, string> = {},
	port?: number,
	opts: { built?: boolean } = {},
): Promise<WharfChild> {
	port ??= await freePort();
	const entry = opts.built
		? ["--enable-source-maps", "dist/server/main.mjs"]
		: ["--import", "tsx", "bff/main.ts"];
	const child = spawn(process.execPath, entry, {
		cwd: path.join(import.meta.dirname, "..", ".."),
		env: {
			...process.env,
			PORT: String(port),
			WHARF_HOST: "127.0.0.1",
			WHARF_DATA_DIR: dataDir,
			WHARF_ADMIN_PASSWORD: adminPassword,
			WHARF_LOG_LEVEL: "warn",
			...env,
		},
		stdio: ["ignore", "ignore", "pipe"],
	});
	let stderr = "";
	child.stderr!.on("data", (d: Buffer) => {
		stderr = (stderr + d.toString()).slice(-8000);
	});
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (
			await fetch(`${url}/v2/`).then(
				() => true,
				() => false,
			)
		)
			return { child, port, url, stderr: () => stderr };
		if (Date.now() > deadline || child.exitCode !== null) {
			child.kill("SIGKILL");
			throw new Error(`wharf did not start: ${stderr}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}
