import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../auth/users.ts";
import { addProject } from "./api-fixtures.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminPassword,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const multiArch = [
	{ os: "linux", architecture: "amd64" },
	{ os: "linux", architecture: "arm64", variant: "v8" },
];

// Each engine with the core embedded, and once with the core behind the BFF's streaming proxy (the scaled-out shape).
const setups = [
	...engines.map((e) => [e, e, {}] as const),
	[
		"sqlite, core behind the proxy",
		"sqlite",
		{ WHARF_CORE_TRANSPORT: "proxy" },
	] as const,
];

describe.each(setups)("real clients against %s", (_name, engine, env) => {
	let s: TestServer;
	let c: ClientSandbox;
	let layout: string;
	let host: string;

	beforeAll(async () => {
		s = await startTestServer(engine, { ...env });
		c = await clientSandbox();
		host = new URL(s.url).host;
		layout = path.join(c.dir, "multiarch");
		await makeOciLayout(layout, { platforms: multiArch });
		// A private project with a developer and a guest.
		const users = createUserService(s.db);
		const dev = await users.create({ username: "dev", password: "Developer1" });
		const guest = await users.create({
			username: "guest",
			password: "Guest1234",
		});
		await addProject(s, "team", {
			members: [
				[dev, 2],
				[guest, 3],
			],
		});
	});
	afterAll(async () => {
		await c?.cleanup();
		await stopTestServer(s);
	});

	it("pushes a multi-arch image with skopeo and pulls back the same digests", async () => {
		const login = await c.skopeo(
			"login",
			"--tls-verify=false",
			host,
			"-u",
			"admin",
			"-p",
			adminPassword,
		);
		expect(login.stderr + login.stdout).toContain("Login Succeeded");
		const push = await c.skopeo(
			"copy",
			"--all",
			`oci:${layout}`,
			`docker://${host}/library/app:1.0`,
			"--dest-tls-verify=false",
		);
		expect(push.stderr).toBe("");
		expect(push.ok).toBe(true);

		const back = path.join(c.dir, "back");
		const pull = await c.skopeo(
			"copy",
			"--all",
			`docker://${host}/library/app:1.0`,
			`oci:${back}`,
			"--src-tls-verify=false",
		);
		expect(pull.ok).toBe(true);
		expect(await c.layoutDigest(back)).toBe(await c.layoutDigest(layout));

		const inspect = await c.skopeo(
			"inspect",
			"--tls-verify=false",
			"--raw",
			`docker://${host}/library/app:1.0`,
		);
		expect(
			JSON.parse(inspect.stdout).manifests.map(
				(m: { platform: { architecture: string } }) => m.platform.architecture,
			),
		).toEqual(["amd64", "arm64"]);
	});

	it("pulls with podman (vfs) the digest skopeo pushed", async () => {
		const pull = await c.podman(
			"pull",
			"--tls-verify=false",
			`${host}/library/app:1.0`,
		);
		expect(pull.ok, pull.stderr).toBe(true);
		const images = await c.podman(
			"images",
			"--format",
			"{{.Digest}}",
			`${host}/library/app:1.0`,
		);
		expect(images.stdout.trim()).toBe(await c.layoutDigest(layout));
	});

	it("lets anyone pull from the public project without logging in", async () => {
		const anon = await clientSandbox();
		try {
			const r = await anon.skopeo(
				"inspect",
				"--tls-verify=false",
				`docker://${host}/library/app:1.0`,
			);
			expect(r.ok, r.stderr).toBe(true);
			const push = await anon.skopeo(
				"copy",
				`oci:${layout}`,
				`docker://${host}/library/anon:1`,
				"--dest-tls-verify=false",
			);
			expect(push.ok).toBe(false);
			expect(push.stderr).toMatch(/unauthorized|authentication required/i);
		} finally {
			await anon.cleanup();
		}
	});

	it("lets a developer push to its project, a guest only pull, and refuses wrong passwords", async () => {
		const dev = await c.skopeo(
			"copy",
			"--all",
			`oci:${layout}`,
			`docker://${host}/team/svc:1`,
			"--dest-tls-verify=false",
			"--dest-creds",
			"dev:Developer1",
		);
		expect(dev.ok, dev.stderr).toBe(true);
		const guestPull = await c.skopeo(
			"inspect",
			"--tls-verify=false",
			"--creds",
			"guest:Guest1234",
			`docker://${host}/team/svc:1`,
		);
		expect(guestPull.ok, guestPull.stderr).toBe(true);
		const guestPush = await c.skopeo(
			"copy",
			"--all",
			`oci:${layout}`,
			`docker://${host}/team/svc:2`,
			"--dest-tls-verify=false",
			"--dest-creds",
			"guest:Guest1234",
		);
		expect(guestPush.ok).toBe(false);
		expect(guestPush.stderr).toMatch(/unauthorized|denied/i);
		const wrong = await c.skopeo(
			"inspect",
			"--tls-verify=false",
			"--creds",
			"dev:nope",
			`docker://${host}/team/svc:1`,
		);
		expect(wrong.ok).toBe(false);
		expect(wrong.stderr).toMatch(
			/401|unauthorized|invalid username or password/i,
		);
		const anonymous = await clientSandbox();
		try {
			const hidden = await anonymous.skopeo(
				"inspect",
				"--tls-verify=false",
				`docker://${host}/team/svc:1`,
			);
			expect(hidden.ok).toBe(false);
		} finally {
			await anonymous.cleanup();
		}
	});

	it("ends consistent when two clients push the same layers and the same tag at once", async () => {
		const other = path.join(c.dir, "other");
		await makeOciLayout(other, { platforms: multiArch });
		const creds = `admin:${adminPassword}`;
		const [a, b, again] = await Promise.all([
			c.skopeo(
				"copy",
				"--all",
				`oci:${layout}`,
				`docker://${host}/library/race:latest`,
				"--dest-tls-verify=false",
				"--dest-creds",
				creds,
			),
			c.skopeo(
				"copy",
				"--all",
				`oci:${other}`,
				`docker://${host}/library/race:latest`,
				"--dest-tls-verify=false",
				"--dest-creds",
				creds,
			),
			c.skopeo(
				"copy",
				"--all",
				`oci:${layout}`,
				`docker://${host}/library/race:same`,
				"--dest-tls-verify=false",
				"--dest-creds",
				creds,
			),
		]);
		expect([a.ok, b.ok, again.ok], a.stderr + b.stderr + again.stderr).toEqual([
			true,
			true,
			true,
		]);
		const back = path.join(c.dir, "race-back");
		const pull = await c.skopeo(
			"copy",
			"--all",
			`docker://${host}/library/race:latest`,
			`oci:${back}`,
			"--src-tls-verify=false",
			"--src-creds",
			creds,
		);
		expect(pull.ok, pull.stderr).toBe(true);
		expect([
			await c.layoutDigest(layout),
			await c.layoutDigest(other),
		]).toContain(await c.layoutDigest(back));
	});

	it("refuses a push into a project that does not exist instead of creating it", async () => {
		const r = await c.skopeo(
			"copy",
			`oci:${path.join(layout)}`,
			`docker://${host}/nosuchproject/app:1`,
			"--dest-tls-verify=false",
			"--dest-creds",
			`admin:${adminPassword}`,
			"--all",
		);
		expect(r.ok).toBe(false);
		expect(r.stderr).toMatch(/not found|unknown/i);
		const project = await s.db
			.selectFrom("projects")
			.select("id")
			.where("name", "=", "nosuchproject")
			.executeTakeFirst();
		expect(project).toBeUndefined();
	});
});
