import { type ChildProcess, spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

/**
 * Runs a client tool (skopeo, curl) to its end, killed after `timeoutS`; answers its wall time in seconds. The child
 * sits in `tools` while it runs, so a bench's clean-up can kill it.
 */
export async function runTool(
	tools: Set<ChildProcess>,
	cmd: string,
	args: string[],
	timeoutS: number,
	env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
	const started = performance.now();
	await new Promise<void>((resolve, reject) => {
		const child = spawn(cmd, args, {
			stdio: ["ignore", "ignore", "pipe"],
			env,
		});
		tools.add(child);
		let err = "";
		child.stderr.on("data", (c: Buffer) => {
			if (err.length < 8000) err += c.toString();
		});
		const killer = setTimeout(() => child.kill("SIGKILL"), timeoutS * 1000);
		child.once("error", (e) => {
			clearTimeout(killer);
			tools.delete(child);
			reject(e);
		});
		child.once("exit", (code, signal) => {
			clearTimeout(killer);
			tools.delete(child);
			if (code === 0) resolve();
			else
				reject(
					new Error(
						`${cmd} ${args.slice(0, 3).join(" ")} failed (${code ?? signal}): ${err.trim().slice(-2000)}`,
					),
				);
		});
	});
	return (performance.now() - started) / 1000;
}
