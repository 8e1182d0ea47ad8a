import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox, loadMasterKey } from "../auth/secrets.ts";
import { addUser, api as apiOf, login } from "./api-fixtures.ts";
import { sleep } from "./distribution-helpers.ts";
import {
	adminPassword,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

const pushPull = [
	{ resource: "repository", action: "push" },
	{ resource: "repository", action: "pull" },
];

/** Settings in effect where their features exist: session and token lifetimes, the robot prefix, audit filters, secrets. */
describe.each(engines)("configuration settings in effect on %s", (engine) => {
	let s: TestServer;
	let api: ReturnType<typeof apiOf>;
	const put = async (body: Record<string, unknown>) => {
		const r = await api("/configurations", { method: "PUT", json: body });
		expect(r.status, await r.clone().text()).toBe(200);
	};
	const token = (auth: string) =>
		fetch(`${s.url}/service/token?service=harbor-registry`, {
			headers: { Authorization: auth },
		});
	const createRobot = async (name: string) => {
		const r = await api("/robots", {
			method: "POST",
			json: {
				name,
				level: "system",
				duration: -1,
				permissions: [{ kind: "project", namespace: "*", access: pushPull }],
			},
		});
		expect(r.status, await r.clone().text()).toBe(201);
		return (await r.json()) as { id: number; name: string; secret: string };
	};
	const maxAge = (r: Response) =>
		Number(/Max-Age=(\d+)/.exec(r.headers.getSetCookie().join(";"))?.[1]);

	beforeAll(async () => {
		s = await startTestServer(engine);
		api = apiOf(s);
	});
	afterAll(() => stopTestServer(s));

	it("gives a new console session the session_timeout, and shortens a running one to it", async () => {
		const first = await login(s);
		expect(maxAge(first)).toBe(3600);
		const cookie = first.headers.getSetCookie()[0].split(";")[0];

		await put({ session_timeout: 5 });
		const second = await login(s);
		expect(maxAge(second)).toBe(300);
		// The session made under 60 minutes now lasts at most 5 from its next request.
		const used = await fetch(`${s.url}/api/v2.0/users/current`, {
			headers: { Cookie: cookie },
		});
		expect(used.status).toBe(200);
		expect(maxAge(used)).toBe(300);
		const rows = await s.db
			.selectFrom("sessions")
			.select("expires_at")
			.execute();
		for (const r of rows)
			expect(Date.parse(r.expires_at)).toBeLessThanOrEqual(
				Date.now() + 300_000,
			);
		await put({ session_timeout: 60 });
	});

	it("issues registry tokens that live token_expiration minutes", async () => {
		await put({ token_expiration: 7 });
		const r = await token(basic("admin", adminPassword));
		const body = (await r.json()) as { token: string; expires_in: number };
		expect(body.expires_in).toBe(420);
		const claims = decodeJwt(body.token);
		expect(claims.exp! - claims.iat!).toBe(420);
		await put({ token_expiration: 30 });
	});

	it("names new robots with the new prefix, and robots and users made before a prefix change still sign in", async () => {
		const old = await createRobot("before");
		expect(old.name).toBe("robot$before");
		// A user whose name begins with the prefix to come.
		const user = await addUser(s, "ci-alice", "Alice1234");

		await put({ robot_name_prefix: "ci-" });
		const fresh = await createRobot("after");
		expect(fresh.name).toBe("ci-after");
		// q=name= takes a short name with the current prefix.
		expect(
			(
				(await (await api("/robots?q=name=after")).json()) as { name: string }[]
			).map((x) => x.name),
		).toEqual(["ci-after"]);

		for (const auth of [
			basic(old.name, old.secret),
			basic(fresh.name, fresh.secret),
			user.auth,
		])
			expect((await token(auth)).status).toBe(200);
		// Each still needs its own secret.
		expect((await token(basic(fresh.name, old.secret))).status).toBe(401);
		expect((await token(basic("ci-alice", fresh.secret))).status).toBe(401);
		await put({ robot_name_prefix: "robot$" });
	});

	it("leaves the event types named in disabled_audit_log_event_types out of the audit log", async () => {
		await put({ disabled_audit_log_event_types: "create_robot" });
		const quiet = await createRobot("quiet");
		expect(
			(await api(`/robots/${quiet.id}`, { method: "DELETE" })).status,
		).toBe(200);
		type Log = { resource: string; operation: string };
		let logs: Log[] = [];
		// The deletion came after the creation: once it is in the log, the creation would be too.
		for (
			let i = 0;
			i < 50 && !logs.some((l) => l.operation === "delete");
			i++
		) {
			await sleep(100);
			logs = (await (
				await api(
					`/audit-logs?q=${encodeURIComponent(`resource=${quiet.name}`)}`,
				)
			).json()) as Log[];
		}
		expect(logs.map((l) => l.operation)).toEqual(["delete"]);
		await put({ disabled_audit_log_event_types: "" });
	});

	it("seals secrets at rest and never answers them", async () => {
		await put({
			oidc_client_secret: "oidc-Secret-1",
			ldap_search_password: "ldap-Secret-2",
			uaa_client_secret: "uaa-Secret-3",
		});
		const text = await (await api("/configurations")).text();
		expect(text).not.toMatch(/Secret-\d/);
		const rows = await s.db
			.selectFrom("settings")
			.select(["name", "value"])
			.where("name", "in", [
				"oidc_client_secret",
				"ldap_search_password",
				"uaa_client_secret",
			])
			.execute();
		expect(rows).toHaveLength(3);
		const box = createSecretBox(loadMasterKey(s.dataDir));
		for (const r of rows) {
			expect(r.value).not.toMatch(/Secret-\d/);
			expect(box.open(JSON.parse(r.value) as string)).toMatch(
				/^(oidc|ldap|uaa)-Secret-\d$/,
			);
		}
	});
});

describe.each(engines)("lifetimes from the environment on %s", (engine) => {
	it("takes them on first start only; after that the settings rule", async () => {
		let s = await startTestServer(engine, {
			WHARF_TOKEN_EXPIRY_MINUTES: "7",
			WHARF_SESSION_TIMEOUT_MINUTES: "9",
		});
		try {
			const cfg = async () =>
				(await (await apiOf(s)("/configurations")).json()) as Record<
					string,
					{ value: unknown }
				>;
			expect((await cfg()).token_expiration.value).toBe(7);
			expect((await cfg()).session_timeout.value).toBe(9);
			expect(
				(
					await apiOf(s)("/configurations", {
						method: "PUT",
						json: { token_expiration: 11 },
					})
				).status,
			).toBe(200);
			await stopTestServer(s, { keepData: true });
			s = await startTestServer(
				engine,
				{
					WHARF_TOKEN_EXPIRY_MINUTES: "8",
					WHARF_SESSION_TIMEOUT_MINUTES: "10",
				},
				{ dataDir: s.dataDir, schema: s.schema },
			);
			expect((await cfg()).token_expiration.value).toBe(11);
			expect((await cfg()).session_timeout.value).toBe(9);
		} finally {
			await stopTestServer(s);
		}
	});
});
