import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, addUser, login } from "./api-fixtures.ts";
import { clientSandbox } from "./clients.ts";
import { client } from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const exec = promisify(execFile);

/** Debian's `htpasswd` (apache2-utils), as a registry:2 admin made their file. */
const htpasswd = (...args: string[]) => exec("htpasswd", args);

describe.each(engines)("htpasswd import on %s", (engine) => {
	let s: TestServer;
	let dir: string;
	let file: string;
	let run: { code: number; stdout: string; stderr: string };

	const hashOf = async (username: string) =>
		(
			await s.db
				.selectFrom("users")
				.select("password_hash")
				.where("username", "=", username)
				.executeTakeFirst()
		)?.password_hash;

	beforeAll(async () => {
		s = await startTestServer(engine);
		dir = await mkdtemp(path.join(os.tmpdir(), "wharf-htpasswd-"));
		file = path.join(dir, "htpasswd");
		// bob is a Wharf user already, with a password of his own.
		await addUser(s, "bob", "Bob-Local-1");
		await htpasswd("-B", "-c", "-b", file, "carol", "Carol-Pass-1");
		await htpasswd("-B", "-C", "10", "-b", file, "bob", "Bob-Registry-1");
		await htpasswd("-m", "-b", file, "md5user", "Md5-Pass-1");
		await htpasswd("-s", "-b", file, "shauser", "Sha-Pass-1");
		await htpasswd("-B", "-b", file, "dave", "Dave-Pass-1");
		// The command as a user runs it, against this server's database (Wharf keeps running meanwhile).
		try {
			const r = await exec(
				"npm",
				["run", "-s", "import-htpasswd", "--", file],
				{ env: { ...process.env, ...s.env }, timeout: 120_000 },
			);
			run = { code: 0, stdout: r.stdout, stderr: r.stderr };
		} catch (e) {
			const err = e as { code: number; stdout: string; stderr: string };
			run = { code: err.code, stdout: err.stdout, stderr: err.stderr };
		}
	});
	afterAll(async () => {
		await stopTestServer(s);
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	it("imports the bcrypt lines, leaves existing users alone and reports other schemes by line, exiting 1", async () => {
		expect(run.stderr).toBe("");
		expect(run.stdout.trim().split("\n")).toEqual([
			"imported carol",
			"imported dave",
			"line 2: bob exists already: left as it is",
			"line 3: md5user: not imported: unsupported hash scheme: MD5 (htpasswd -m); only bcrypt (htpasswd -B) is imported",
			"line 4: shauser: not imported: unsupported hash scheme: SHA-1 (htpasswd -s); only bcrypt (htpasswd -B) is imported",
			"2 imported, 1 existing, 2 refused",
		]);
		expect(run.code).toBe(1);
		const lines = (await readFile(file, "utf8")).trim().split("\n");
		// The hash is the file's own until the first sign-in.
		expect(await hashOf("carol")).toBe(lines[0].split(":")[1]);
		expect(await hashOf("carol")).toMatch(/^\$2y\$05\$/);
		expect(await hashOf("md5user")).toBeUndefined();
		expect(await hashOf("shauser")).toBeUndefined();
	});

	it("never overwrites an existing user: bob keeps his Wharf password, the file's does not sign him in", async () => {
		expect(await hashOf("bob")).toMatch(/^scrypt\$/);
		expect((await login(s, "bob", "Bob-Local-1")).status).toBe(200);
		expect((await login(s, "bob", "Bob-Registry-1")).status).toBe(401);
	});

	it("lets carol log skopeo in and push with her registry:2 password; the hash becomes Wharf's scrypt; a wrong password is refused", async () => {
		const carol = await s.db
			.selectFrom("users")
			.select("id")
			.where("username", "=", "carol")
			.executeTakeFirstOrThrow();
		await addProject(s, "moved", { members: [[carol.id, 2]] });
		expect(
			(await client(s).call("/v2/", { auth: basic("carol", "Wrong-Pass-1") }))
				.status,
		).toBe(401);
		expect(await hashOf("carol")).toMatch(/^\$2y\$/);
		const c = await clientSandbox();
		try {
			const host = new URL(s.url).host;
			const wrong = await c.skopeoLogin(host, "carol", "Carol-Pass-2");
			expect(wrong.ok).toBe(false);
			const ok = await c.skopeoLogin(host, "carol", "Carol-Pass-1");
			expect(ok.ok, ok.stderr).toBe(true);
			const layout = path.join(c.dir, "layout");
			await makeOciLayout(layout);
			const push = await c.skopeo(
				"copy",
				"--dest-tls-verify=false",
				`oci:${layout}`,
				`docker://${host}/moved/app:v1`,
			);
			expect(push.ok, push.stderr).toBe(true);
		} finally {
			await c.cleanup();
		}
		expect(await hashOf("carol")).toMatch(/^scrypt\$/);
		// The same password after the rehash; the console too.
		expect((await login(s, "carol", "Carol-Pass-1")).status).toBe(200);
		expect((await login(s, "carol", "Carol-Pass-2")).status).toBe(401);
	});

	it("imports nothing new when run again: everyone in the file is there or refused", async () => {
		const again = await exec(
			"npm",
			["run", "-s", "import-htpasswd", "--", file],
			{ env: { ...process.env, ...s.env }, timeout: 120_000 },
		).catch((e: { stdout: string }) => e);
		expect(again.stdout).toMatch(/0 imported, 3 existing, 2 refused/);
		expect(await hashOf("carol")).toMatch(/^scrypt\$/);
	});

	it("refuses to import while users sign in elsewhere (auth_mode ldap_auth), adding no one", async () => {
		const fresh = await startTestServer(engine);
		try {
			const r = await fetch(`${fresh.url}/api/v2.0/configurations`, {
				method: "PUT",
				headers: {
					Authorization: basic("admin", "Harbor12345"),
					"Content-Type": "application/json",
				},
				body: JSON.stringify({ auth_mode: "ldap_auth" }),
			});
			expect(r.status).toBe(200);
			const refused = await exec(
				"npm",
				["run", "-s", "import-htpasswd", "--", file],
				{ env: { ...process.env, ...fresh.env }, timeout: 120_000 },
			).catch((e: { code: number; stderr: string }) => e);
			expect("code" in refused && refused.code).toBe(2);
			expect(refused.stderr).toMatch(/auth_mode is ldap_auth/);
			const users = await fresh.db
				.selectFrom("users")
				.select("username")
				.execute();
			expect(users.map((u) => u.username)).toEqual(["admin"]);
		} finally {
			await stopTestServer(fresh);
		}
	});
});
