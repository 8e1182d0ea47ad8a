// `npm run dev`: the server under `tsx watch` (it restarts when a file it loads changes) and Vite's dev server (the
// console hot-reloads), which proxies /api, /c, /v2 and /service to the server. A data folder that does not exist yet
// is seeded first (`npm run seed`), so a fresh checkout opens on a living console. Ctrl+C stops both.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const bin = (name) => path.join("node_modules", ".bin", name);
const dataDir = path.resolve(process.env.WHARF_DATA_DIR ?? "data");
const env = {
	...process.env,
	WHARF_DATA_DIR: dataDir,
	PORT: process.env.PORT ?? "8080",
	WHARF_HOST: process.env.WHARF_HOST ?? "127.0.0.1",
};

if (!env.DATABASE_URL && !existsSync(path.join(dataDir, "wharf.db"))) {
	console.log(
		`== ${dataDir} is new: seeding it with sample projects, users and images (npm run seed)`,
	);
	const status = spawnSync(bin("tsx"), ["bff/dev/seed.ts"], {
		stdio: "inherit",
		env,
	}).status;
	if (status !== 0) process.exit(status ?? 1);
}

console.log(
	`== the server on http://127.0.0.1:${env.PORT} (restarts on change), the console on Vite's address below`,
);
console.log(
	`   admin's first password: ${path.join(dataDir, "initial-admin-password")}\n`,
);
const children = [
	spawn(bin("tsx"), ["watch", "--clear-screen=false", "bff/main.ts"], {
		stdio: "inherit",
		env,
	}),
	spawn(bin("vite"), [], { stdio: "inherit", env }),
];
let stopping = false;
const stop = (code) => {
	if (stopping) return;
	stopping = true;
	for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
	void Promise.all(
		children.map((c) =>
			c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null,
		),
	).then(() => process.exit(code));
};
for (const c of children) c.on("exit", (code) => stop(code ?? 1));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(0));
