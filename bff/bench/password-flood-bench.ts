/**
 * Issue 9, finding 8, measured: 32 clients hammer a real user's name with wrong Basic passwords while a 32 MiB blob
 * is pulled; the pull's median time under the flood is compared with its idle time, for Wharf and for Debian's
 * docker-registry with htpasswd (bcrypt) auth, side by side. The bound: Wharf's pull stays within 2× its idle time.
 *
 *   npm run bench:flood        (needs `apt-get install docker-registry apache2-utils`; BENCH_FLOODERS, BENCH_PULLS)
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
	type Server,
	startDistribution,
	startWharfProcess,
} from "./servers.ts";

const repoRoot = path.resolve(
	path.dirname(fileURLToPath(import.meta.url)),
	"..",
	"..",
);
const flooders = Number(process.env.BENCH_FLOODERS ?? 32);
const pulls = Number(process.env.BENCH_PULLS ?? 15);
const password = "Bench-Harbor12345";
const basic = (user: string, pw: string) =>
	`Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`;
const repo = "library/flood";
const blob = randomBytes(32 * 1024 * 1024);
const digest = `sha256:${createHash("sha256").update(blob).digest("hex")}`;

const median = (xs: number[]) =>
	[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** How each registry is pulled from: Wharf with a bearer token (no password check per request), docker-registry with Basic (its only way). */
type Subject = { server: Server; pullAuth: string; victim: string };

/** A session, then one PUT with the whole blob: what both registries take (docker-registry 2.8 has no one-request POST). */
async function pushBlob(base: string, auth: string) {
	const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, {
		method: "POST",
		headers: { Authorization: auth },
	});
	if (start.status !== 202)
		throw new Error(`upload start: ${start.status} ${await start.text()}`);
	const location = new URL(start.headers.get("location")!, base);
	location.searchParams.set("digest", digest);
	const r = await fetch(location, {
		method: "PUT",
		body: new Uint8Array(blob),
		headers: {
			Authorization: auth,
			"Content-Type": "application/octet-stream",
		},
	});
	if (r.status !== 201)
		throw new Error(`blob push: ${r.status} ${await r.text()}`);
}

async function timePulls(s: Subject): Promise<number> {
	const times: number[] = [];
	for (let i = 0; i < pulls; i++) {
		const t0 = performance.now();
		const r = await fetch(`${s.server.base}/v2/${repo}/blobs/${digest}`, {
			headers: { Authorization: s.pullAuth },
		});
		const got = (await r.arrayBuffer()).byteLength;
		if (r.status !== 200 || got !== blob.length)
			throw new Error(`pull: ${r.status}, ${got} bytes`);
		times.push(performance.now() - t0);
	}
	return median(times);
}

/**
 * Runs `flooders` loops of wrong passwords for the victim in a process of their own (so the pulls' timing is not the
 * flood's event loop), until stopped; returns how many attempts were answered.
 */
function flood(s: Subject) {
	const script = `
    const [base, victim, n] = process.argv.slice(1);
    let stop = false, attempts = 0;
    process.on('message', () => { stop = true; });
    const basic = (u, p) => 'Basic ' + Buffer.from(u + ':' + p).toString('base64');
    Promise.all(Array.from({ length: Number(n) }, async (_, k) => {
      for (let i = 0; !stop; i++) {
        const r = await fetch(base + '/v2/', { headers: { Authorization: basic(victim, 'Wrong-' + k + '-' + i) } }).catch(() => null);
        await r?.arrayBuffer();
        attempts += 1;
      }
    })).then(() => process.send(attempts, () => process.exit(0)));`;
	const child = spawn(
		process.execPath,
		["-e", script, s.server.base, s.victim, String(flooders)],
		{ stdio: ["ignore", "inherit", "inherit", "ipc"] },
	);
	return {
		async end(): Promise<number> {
			const done = new Promise<number>((resolve) =>
				child.once("message", (m) => resolve(Number(m))),
			);
			child.send("stop");
			return done;
		},
	};
}

async function measure(s: Subject) {
	await timePulls(s); // warm up
	const idle = await timePulls(s);
	const f = flood(s);
	const t0 = performance.now();
	const flooded = await timePulls(s);
	const attempts = await f.end();
	return {
		idle,
		flooded,
		ratio: flooded / idle,
		attemptsPerSecond: attempts / ((performance.now() - t0) / 1000),
	};
}

/** Runs a subject's setup on a started server, stopping the server if the setup fails (a bench leaves nothing running). */
async function settingUp(
	server: Server,
	setup: () => Promise<Omit<Subject, "server">>,
): Promise<Subject> {
	try {
		return { server, ...(await setup()) };
	} catch (e) {
		await server.stop();
		throw e;
	}
}

async function wharf(dir: string): Promise<Subject> {
	const server = await startWharfProcess(dir, repoRoot, {
		adminPassword: password,
	});
	return settingUp(server, () => setUpWharf(server));
}

async function setUpWharf(server: Server): Promise<Omit<Subject, "server">> {
	const admin = basic("admin", password);
	const user = await fetch(`${server.base}/api/v2.0/users`, {
		method: "POST",
		headers: { Authorization: admin, "Content-Type": "application/json" },
		body: JSON.stringify({
			username: "victim",
			password: "Victim-12345",
			email: "victim@example.com",
			realname: "victim",
		}),
	});
	if (user.status !== 201)
		throw new Error(`user: ${user.status} ${await user.text()}`);
	await pushBlob(server.base, admin);
	const t = await fetch(
		`${server.base}/service/token?service=harbor-registry&scope=repository:${repo}:pull`,
		{ headers: { Authorization: admin } },
	);
	const { token } = (await t.json()) as { token: string };
	return { pullAuth: `Bearer ${token}`, victim: "victim" };
}

async function distribution(dir: string): Promise<Subject> {
	const htpasswd = path.join(dir, "htpasswd");
	const entry = (user: string, pw: string) =>
		execFileSync("htpasswd", ["-Bbn", user, pw], { encoding: "utf8" }).trim();
	await writeFile(
		htpasswd,
		`${entry("admin", password)}\n${entry("victim", "Victim-12345")}\n`,
	);
	const server = await startDistribution(dir, { htpasswd });
	const admin = basic("admin", password);
	return settingUp(server, async () => {
		await pushBlob(server.base, admin);
		return { pullAuth: admin, victim: "victim" };
	});
}

async function main() {
	const results: [string, Awaited<ReturnType<typeof measure>>][] = [];
	for (const [label, start] of [
		["wharf", wharf],
		["docker-registry", distribution],
	] as const) {
		const dir = await mkdtemp(path.join(os.tmpdir(), `flood-${label}-`));
		try {
			const s = await start(dir);
			try {
				results.push([label, await measure(s)]);
			} finally {
				await s.server.stop();
			}
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}
	const ms = (x: number) => `${x.toFixed(0)} ms`;
	console.log(
		`32 MiB blob GET, median of ${pulls}, idle and while ${flooders} clients send wrong passwords for one user:`,
	);
	console.log(
		[
			"registry".padEnd(16),
			"idle".padStart(8),
			"flooded".padStart(9),
			"flooded/idle".padStart(13),
			"guesses/s".padStart(10),
		].join(" "),
	);
	for (const [label, r] of results) {
		console.log(
			[
				label.padEnd(16),
				ms(r.idle).padStart(8),
				ms(r.flooded).padStart(9),
				`${r.ratio.toFixed(2)}×`.padStart(13),
				r.attemptsPerSecond.toFixed(0).padStart(10),
			].join(" "),
		);
	}
	const [w, d] = results.map(([, r]) => r);
	console.log(
		`wharf's flooded pull vs docker-registry's: ${(w.flooded / d.flooded).toFixed(2)}× (the bound: wharf within 2× its idle time: ${w.ratio <= 2 ? "met" : "NOT met"})`,
	);
}

await main();
