import type { ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { sleep } from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import { adminPassword } from "./harness.ts";
import { freePort, startWharfChild } from "./wharf-process.ts";

const startProcess = async (dataDir: string, port: number) =>
	(await startWharfChild(dataDir, {}, port)).child;

async function uploadsInFlight(dataDir: string): Promise<boolean> {
	const dir = path.join(dataDir, "storage", "uploads");
	const names = await readdir(dir).catch(() => [] as string[]);
	for (const n of names)
		if ((await stat(path.join(dir, n)).catch(() => null))?.size) return true;
	return false;
}

describe("a crash mid-push", () => {
	let dataDir: string;
	let c: ClientSandbox;
	let layout: string;
	let child: ChildProcess | undefined;

	beforeAll(async () => {
		dataDir = await mkdtemp(path.join(os.tmpdir(), "wharf-crash-"));
		c = await clientSandbox();
		layout = path.join(c.dir, "big");
		await makeOciLayout(layout, { layers: 3, layerBytes: 24 * 1024 * 1024 });
	});
	afterAll(async () => {
		child?.kill("SIGKILL");
		await c?.cleanup();
		await rm(dataDir, { recursive: true, force: true });
	});

	it("loses nothing: after kill -9 and a restart the same push completes and every digest verifies", async () => {
		const port = await freePort();
		child = await startProcess(dataDir, port);
		const target = `docker://127.0.0.1:${port}/library/crash:1`;
		const creds = `admin:${adminPassword}`;

		const push = c.skopeo(
			"copy",
			`oci:${layout}`,
			target,
			"--dest-tls-verify=false",
			"--dest-creds",
			creds,
		);
		const deadline = Date.now() + 60_000;
		while (!(await uploadsInFlight(dataDir)) && Date.now() < deadline)
			await sleep(20);
		child.kill("SIGKILL");
		const interrupted = await push;
		expect(interrupted.ok).toBe(false);

		// Nothing half-written is visible: the tag does not exist yet.
		child = await startProcess(dataDir, port);
		const before = await c.skopeo(
			"inspect",
			"--tls-verify=false",
			"--creds",
			creds,
			target,
		);
		expect(before.ok).toBe(false);
		expect(before.stderr).toMatch(/manifest unknown/i);

		const again = await c.skopeo(
			"copy",
			`oci:${layout}`,
			target,
			"--dest-tls-verify=false",
			"--dest-creds",
			creds,
		);
		expect(again.ok, again.stderr).toBe(true);
		// skopeo verifies every blob's digest as it pulls.
		const back = path.join(c.dir, "back");
		const pull = await c.skopeo(
			"copy",
			target,
			`oci:${back}`,
			"--src-tls-verify=false",
			"--src-creds",
			creds,
		);
		expect(pull.ok, pull.stderr).toBe(true);
		expect(await c.layoutDigest(back)).toBe(await c.layoutDigest(layout));
	});
});
