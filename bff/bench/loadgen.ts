import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import { performance } from "node:perf_hooks";

/** One load run's figures. */
export type LoadResult = {
	tool: "wrk" | "node";
	requests: number;
	seconds: number;
	rps: number;
	/** Responses that were not 2xx/3xx, plus socket errors and timeouts. */
	failures: number;
	p50ms?: number;
	p99ms?: number;
};

export type LoadOptions = {
	concurrency: number;
	durationS: number;
	maxRequests: number;
	headers: Record<string, string>;
};

/** wrk processes still running, for the benchmark's cleanup. */
export const activeChildren = new Set<
	import("node:child_process").ChildProcess
>();

export const haveWrk = () =>
	spawnSync("wrk", ["--version"], { stdio: "ignore", timeout: 5000 }).error ===
	undefined;

/** `wrk -t1 -c<concurrency> -d<duration>s --latency`: one load thread, so the server under test keeps most of the CPU. */
export async function wrkLoad(
	url: string,
	o: LoadOptions,
): Promise<LoadResult> {
	const args = [
		"-t1",
		`-c${o.concurrency}`,
		`-d${o.durationS}s`,
		"--timeout",
		"5s",
		"--latency",
	];
	for (const [k, v] of Object.entries(o.headers)) args.push("-H", `${k}: ${v}`);
	args.push(url);
	const out = await new Promise<string>((resolve, reject) => {
		const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
		activeChildren.add(child);
		child.once("exit", () => activeChildren.delete(child));
		let text = "";
		child.stdout.on("data", (c: Buffer) => {
			text += c.toString();
		});
		child.stderr.on("data", (c: Buffer) => {
			text += c.toString();
		});
		const killer = setTimeout(
			() => child.kill("SIGKILL"),
			(o.durationS + 30) * 1000,
		);
		child.once("error", (e) => {
			clearTimeout(killer);
			reject(e);
		});
		child.once("exit", (code) => {
			clearTimeout(killer);
			code === 0
				? resolve(text)
				: reject(new Error(`wrk exited ${code}: ${text}`));
		});
	});
	const num = (re: RegExp) => {
		const m = re.exec(out);
		return m ? Number(m[1]) : 0;
	};
	const ms = (label: string) => {
		const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(out);
		if (!m) return undefined;
		return Number(m[1]) * (m[2] === "us" ? 0.001 : m[2] === "s" ? 1000 : 1);
	};
	const requests = num(/(\d+) requests in/);
	const seconds = (() => {
		const m = /requests in ([\d.]+)(ms|s|m)/.exec(out);
		if (!m) return o.durationS;
		return Number(m[1]) * (m[2] === "ms" ? 0.001 : m[2] === "m" ? 60 : 1);
	})();
	const socketErrors =
		/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
			out,
		);
	const failures =
		num(/Non-2xx or 3xx responses: (\d+)/) +
		(socketErrors
			? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0)
			: 0);
	return {
		tool: "wrk",
		requests,
		seconds,
		rps: num(/Requests\/sec:\s+([\d.]+)/),
		failures,
		p50ms: ms("50"),
		p99ms: ms("99"),
	};
}

/** The same in Node: `concurrency` loops over a keep-alive agent, each bounded by the deadline and the shared count. */
export async function nodeLoad(
	url: string,
	o: LoadOptions,
): Promise<LoadResult> {
	const u = new URL(url);
	const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
	const latencies = new Float64Array(o.maxRequests);
	let sent = 0;
	let done = 0;
	let failures = 0;
	const one = () =>
		new Promise<boolean>((resolve) => {
			const req = http.request(
				{
					host: u.hostname,
					port: u.port,
					path: u.pathname + u.search,
					method: "GET",
					headers: o.headers,
					agent,
				},
				(res) => {
					res.resume();
					res.once("end", () => resolve((res.statusCode ?? 0) < 400));
					res.once("error", () => resolve(false));
				},
			);
			req.setTimeout(5000, () => req.destroy(new Error("timeout")));
			req.once("error", () => resolve(false));
			req.end();
		});
	const start = performance.now();
	const deadline = start + o.durationS * 1000;
	const loop = async () => {
		while (sent < o.maxRequests && performance.now() < deadline) {
			sent++;
			const t0 = performance.now();
			const ok = await one();
			latencies[done++] = performance.now() - t0;
			if (!ok) failures++;
		}
	};
	await Promise.all(Array.from({ length: o.concurrency }, loop));
	const seconds = (performance.now() - start) / 1000;
	agent.destroy();
	const sorted = latencies.slice(0, done).sort();
	const pct = (p: number) =>
		done ? sorted[Math.min(done - 1, Math.floor((p / 100) * done))] : undefined;
	return {
		tool: "node",
		requests: done,
		seconds,
		rps: done / seconds,
		failures,
		p50ms: pct(50),
		p99ms: pct(99),
	};
}

/** The load generator BENCH_LOADGEN names (wrk or node), else wrk when it is installed. */
export const loadgenFromEnv = (): LoadResult["tool"] =>
	process.env.BENCH_LOADGEN === "node"
		? "node"
		: process.env.BENCH_LOADGEN === "wrk"
			? "wrk"
			: haveWrk()
				? "wrk"
				: "node";

export const runLoad = (
	tool: LoadResult["tool"],
	url: string,
	o: LoadOptions,
): Promise<LoadResult> => (tool === "wrk" ? wrkLoad(url, o) : nodeLoad(url, o));

export const describeLoad = (r: LoadResult) =>
	`${r.rps.toFixed(0)} req/s (${r.requests} in ${r.seconds.toFixed(1)} s, ${r.tool}, p50 ${r.p50ms?.toFixed(2) ?? "?"} ms, p99 ${r.p99ms?.toFixed(2) ?? "?"} ms, failures ${r.failures})`;

/** Several runs of one target as one figure: requests over seconds; latency percentiles averaged over the runs. */
export function combineLoads(runs: LoadResult[]): LoadResult {
	const requests = runs.reduce((a, r) => a + r.requests, 0);
	const seconds = runs.reduce((a, r) => a + r.seconds, 0);
	const mean = (xs: (number | undefined)[]) => {
		const v = xs.filter((x): x is number => x !== undefined);
		return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
	};
	return {
		tool: runs[0].tool,
		requests,
		seconds,
		rps: requests / seconds,
		failures: runs.reduce((a, r) => a + r.failures, 0),
		p50ms: mean(runs.map((r) => r.p50ms)),
		p99ms: mean(runs.map((r) => r.p99ms)),
	};
}
