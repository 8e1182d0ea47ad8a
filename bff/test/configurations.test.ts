import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSetting } from "../api/configurations/settings.ts";
import { createUserService } from "../auth/users.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { loadSwagger } from "./contract/swagger.ts";
import { client, sleep } from "./distribution-helpers.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminAuth,
	adminPassword,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

describe.each(engines)(
	"system configuration and read-only mode on %s",
	(engine) => {
		let s: TestServer;
		let c: ClientSandbox;
		let layout: string;
		const dev = basic("dev", "Developer1");

		const api = (
			p: string,
			init: { method?: string; body?: unknown; auth?: string | null } = {},
		) =>
			fetch(`${s.url}/api/v2.0${p}`, {
				method: init.method ?? "GET",
				headers: {
					...(init.auth === null
						? {}
						: { Authorization: init.auth ?? adminAuth }),
					...(init.body === undefined
						? {}
						: { "Content-Type": "application/json" }),
				},
				body: init.body === undefined ? undefined : JSON.stringify(init.body),
			});
		const put = (body: unknown, auth?: string) =>
			api("/configurations", { method: "PUT", body, auth });
		const errorOf = async (r: Response) =>
			((await r.json()) as { errors: { code: string; message: string }[] })
				.errors[0];

		beforeAll(async () => {
			s = await startTestServer(engine);
			await createUserService(s.db).create({
				username: "dev",
				password: "Developer1",
			});
			c = await clientSandbox();
			layout = path.join(c.dir, "image");
			await makeOciLayout(layout);
		});
		afterAll(async () => {
			await c?.cleanup();
			await stopTestServer(s);
		});

		it("answers every key of Harbor's ConfigurationsResponse but the secrets, as {value, editable}, with Harbor's defaults", async () => {
			const r = await api("/configurations");
			expect(r.status).toBe(200);
			const cfg = (await r.json()) as Record<string, unknown>;
			const keys = Object.keys(
				loadSwagger().definitions.ConfigurationsResponse.properties as object,
			);
			expect(keys).toHaveLength(56);
			// uaa_client_secret is in Harbor's answer schema, but it is a secret: sealed and never answered, as the other two.
			expect(Object.keys(cfg).sort()).toEqual(
				keys.filter((k) => k !== "uaa_client_secret").sort(),
			);
			expect(cfg).toMatchObject({
				// `dev` exists, so the way users sign in is fixed (Harbor's rule and answer); see the test below.
				auth_mode: { value: "db_auth", editable: false },
				primary_auth_mode: { value: false, editable: true },
				ldap_scope: { value: 2, editable: true },
				ldap_uid: { value: "cn", editable: true },
				ldap_verify_cert: { value: true, editable: true },
				oidc_extra_redirect_parms: { value: "{}", editable: true },
				project_creation_restriction: { value: "everyone", editable: true },
				self_registration: { value: false, editable: true },
				robot_token_duration: { value: 30, editable: true },
				read_only: { value: false, editable: true },
				notification_enable: { value: true, editable: true },
				quota_per_project_enable: { value: true, editable: true },
				storage_per_project: { value: -1, editable: true },
				banner_message: { value: "", editable: true },
				token_expiration: { value: 30, editable: true },
				session_timeout: { value: 60, editable: true },
				robot_name_prefix: { value: "robot$", editable: true },
				skip_audit_log_database: { value: false, editable: true },
				scanner_skip_update_pulltime: { value: false, editable: true },
				disabled_audit_log_event_types: { value: "", editable: true },
				scan_all_policy: { type: "none" },
			});
			for (const secret of [
				"ldap_search_password",
				"oidc_client_secret",
				"uaa_client_secret",
			])
				expect(cfg).not.toHaveProperty(secret);
		});

		it("keeps the configuration to system admins", async () => {
			expect((await api("/configurations", { auth: null })).status).toBe(401);
			expect((await api("/configurations", { auth: dev })).status).toBe(403);
			const r = await put({ self_registration: true }, dev);
			expect(r.status).toBe(403);
			expect((await errorOf(r)).code).toBe("FORBIDDEN");
			expect((await api("/internalconfig")).status).toBe(403);
			expect((await api("/internalconfig", { auth: null })).status).toBe(401);
		});

		it("saves changes, reads them back, and records them in the audit log", async () => {
			const r = await put({
				project_creation_restriction: "adminonly",
				self_registration: true,
				robot_token_duration: 7,
				storage_per_project: 1 << 30,
				banner_message:
					'{"message":"maintenance at noon","type":"warning","closable":true}',
				// Settings of features still to come are kept as given.
				ldap_url: "ldaps://ldap.example.com",
				ldap_group_search_scope: 1,
				oidc_verify_cert: false,
				scanner_skip_update_pulltime: true,
				audit_log_forward_endpoint: "syslog.example.com:514",
				scan_all_policy: { type: "daily", parameter: { daily_time: 3600 } },
			});
			expect(r.status, await r.clone().text()).toBe(200);
			const cfg = await (await api("/configurations")).json();
			expect(cfg).toMatchObject({
				project_creation_restriction: { value: "adminonly" },
				self_registration: { value: true },
				robot_token_duration: { value: 7 },
				storage_per_project: { value: 1 << 30 },
				banner_message: {
					value:
						'{"message":"maintenance at noon","type":"warning","closable":true}',
				},
				ldap_url: { value: "ldaps://ldap.example.com" },
				ldap_group_search_scope: { value: 1 },
				oidc_verify_cert: { value: false },
				scanner_skip_update_pulltime: { value: true },
				audit_log_forward_endpoint: { value: "syslog.example.com:514" },
				scan_all_policy: { type: "daily", parameter: { daily_time: 3600 } },
			});
			expect(await readSetting(s.db, "robot_token_duration")).toBe(7);
			const info = await (await api("/systeminfo", { auth: null })).json();
			expect(info).toMatchObject({
				self_registration: true,
				banner_message: expect.stringContaining("maintenance"),
			});

			let logs: { username: string; resource: string; operation: string }[] =
				[];
			for (let i = 0; i < 50 && logs.length === 0; i++) {
				await sleep(100);
				logs = await (
					await api("/audit-logs?q=resource_type=configuration")
				).json();
			}
			expect(logs[0]).toMatchObject({
				username: "admin",
				operation: "update",
				resource: expect.stringContaining("self_registration"),
			});
			await put({
				project_creation_restriction: "everyone",
				self_registration: false,
				robot_token_duration: 30,
				storage_per_project: -1,
				banner_message: "",
				ldap_url: "ldap://x",
				ldap_group_search_scope: 2,
				oidc_verify_cert: true,
				scanner_skip_update_pulltime: false,
				audit_log_forward_endpoint: "",
				scan_all_policy: { type: "none" },
			});
		});

		it.each([
			// Harbor's modes that Wharf cannot sign anyone in with yet: refused, not stored.
			[
				{ auth_mode: "uaa_auth" },
				"auth_mode: uaa_auth is not available yet: Wharf signs users in from its own database (db_auth), LDAP (ldap_auth) or OIDC (oidc_auth)",
			],
			[
				{ auth_mode: "oidc_auth" },
				"auth_mode: oidc_auth needs oidc_name, oidc_endpoint and oidc_client_id",
			],
			[
				{ oidc_group_filter: "([a-z" },
				"oidc_group_filter: must be a regular expression",
			],
			[{ auth_mode: "foo" }, "auth_mode"],
			[
				{ skip_audit_log_database: true },
				"skip_audit_log_database: audit_log_forward_endpoint must be set first",
			],
			[
				{ audit_log_forward_endpoint: "syslog.example.com" },
				"audit_log_forward_endpoint: must be host:port",
			],
			[
				{ project_creation_restriction: "nobody" },
				"project_creation_restriction",
			],
			[{ self_registration: "yes" }, "self_registration"],
			[{ robot_token_duration: 0 }, "robot_token_duration"],
			[{ storage_per_project: -2 }, "storage_per_project"],
			[
				{ storage_per_project: 0 },
				"storage_per_project: must be -1 or more than 0",
			],
			[{ banner_message: "plain text" }, "banner_message"],
			[{ token_expiration: 0 }, "token_expiration"],
			[{ token_expiration: 10_000_000_000 }, "token_expiration"],
			[{ session_timeout: 0 }, "session_timeout"],
			[{ session_timeout: 1.5 }, "session_timeout"],
			[{ robot_name_prefix: "   " }, "robot_name_prefix: must not be empty"],
			[
				{ robot_name_prefix: "bot:" },
				'robot_name_prefix: must not contain ":"',
			],
			[{ ldap_scope: 3 }, "ldap_scope"],
			[{ oidc_extra_redirect_parms: '{"a":1}' }, "oidc_extra_redirect_parms"],
			[
				{ disabled_audit_log_event_types: "create user" },
				"disabled_audit_log_event_types",
			],
			[{ scan_all_policy: { type: "weekly" } }, "scan_all_policy"],
			[
				{ read_only: true, no_such_key: 1 },
				"no_such_key: not a Harbor setting",
			],
		])(
			"refuses %j with a 400 that names the setting, and changes nothing",
			async (body, message) => {
				const before = await (await api("/configurations")).json();
				const r = await put(body);
				expect(r.status).toBe(400);
				const e = await errorOf(r);
				expect(e.code).toBe("BAD_REQUEST");
				expect(e.message).toContain(message);
				expect(await (await api("/configurations")).json()).toEqual(before);
			},
		);

		it.each([
			[{ auth_mode: "db_auth" }],
			[{ token_expiration: 1 }],
			[{ token_expiration: 9_999_999_999 }],
			[{ session_timeout: 1 }],
			[{ skip_audit_log_database: false }],
			[{ storage_per_project: 1 }],
			[{ robot_name_prefix: "  robot$ " }],
		])("accepts %j, the edge of what it allows", async (body) => {
			const r = await put(body);
			expect(r.status, await r.clone().text()).toBe(200);
			await put({
				token_expiration: 30,
				session_timeout: 60,
				storage_per_project: -1,
				robot_name_prefix: "robot$",
			});
		});

		it("trims the robot name prefix as Harbor does", async () => {
			expect((await put({ robot_name_prefix: "  ci$ " })).status).toBe(200);
			expect(
				(await (await api("/configurations")).json()).robot_name_prefix.value,
			).toBe("ci$");
			expect((await put({ robot_name_prefix: "robot$" })).status).toBe(200);
		});

		it("refuses a body that is not an object", async () => {
			expect((await put([1, 2])).status).toBe(400);
			const r = await fetch(`${s.url}/api/v2.0/configurations`, {
				method: "PUT",
				headers: {
					Authorization: adminAuth,
					"Content-Type": "application/json",
				},
				body: "{",
			});
			expect(r.status).toBe(400);
		});

		it("blocks pushes, deletes and API writes in read-only mode, and lifting it restores them", async () => {
			const host = new URL(s.url).host;
			const reg = client(s);
			const before = await reg.pushImage("library/ro", "before");
			expect((await put({ read_only: true })).status).toBe(200);
			expect((await (await api("/systeminfo")).json()).read_only).toBe(true);

			// A raw push: the blob upload is refused with DENIED.
			const blob = await reg.call("/v2/library/ro/blobs/uploads/", {
				method: "POST",
			});
			expect(blob.status).toBe(403);
			expect(await blob.json()).toEqual({
				errors: [
					{ code: "DENIED", message: "the registry is in read-only mode" },
				],
			});
			const del = await reg.call(`/v2/library/ro/manifests/${before.digest}`, {
				method: "DELETE",
			});
			expect(del.status).toBe(403);
			// Pulls go on.
			expect((await reg.call("/v2/library/ro/manifests/before")).status).toBe(
				200,
			);

			const skopeo = await c.skopeo(
				"copy",
				`oci:${layout}`,
				`docker://${host}/library/ro:skopeo`,
				"--dest-tls-verify=false",
				"--dest-creds",
				`admin:${adminPassword}`,
			);
			expect(skopeo.ok).toBe(false);
			expect(skopeo.stderr).toMatch(/read-only mode/);

			// Every API write, other settings included, until read_only is turned off.
			const write = await api("/users", {
				method: "POST",
				body: {
					username: "newbie",
					password: "Newbie123",
					email: "n@example.com",
					realname: "N",
				},
			});
			expect(write.status).toBe(403);
			expect(await errorOf(write)).toEqual({
				code: "FORBIDDEN",
				message: "the registry is in read-only mode",
			});
			// Settings stay changeable, as in Harbor: a tool re-applying its configuration (read_only included) is not refused.
			expect(
				(await put({ read_only: true, self_registration: true })).status,
			).toBe(200);
			expect((await api("/configurations")).status).toBe(200);

			expect((await put({ read_only: false })).status).toBe(200);
			const again = await c.skopeo(
				"copy",
				`oci:${layout}`,
				`docker://${host}/library/ro:skopeo`,
				"--dest-tls-verify=false",
				"--dest-creds",
				`admin:${adminPassword}`,
			);
			expect(again.ok, again.stderr).toBe(true);
			expect(
				(
					await reg.call(`/v2/library/ro/manifests/${before.digest}`, {
						method: "DELETE",
					})
				).status,
			).toBe(202);
			expect((await put({ self_registration: false })).status).toBe(200);
		});
	},
);

describe.each(engines)("auth_mode's editable flag on %s", (engine) => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer(engine);
	});
	afterAll(async () => {
		await stopTestServer(s);
	});
	const editable = async () => {
		const r = await fetch(`${s.url}/api/v2.0/configurations`, {
			headers: { Authorization: adminAuth },
		});
		expect(r.status).toBe(200);
		const cfg = (await r.json()) as Record<string, { editable?: boolean }>;
		return Object.fromEntries(
			Object.entries(cfg)
				.filter(([, v]) => "editable" in v)
				.map(([k, v]) => [k, v.editable]),
		);
	};

	it("is true while admin is the only user and false from the first other user on; every other key stays editable", async () => {
		const before = await editable();
		expect(before.auth_mode).toBe(true);
		expect(Object.values(before).every((e) => e === true)).toBe(true);
		await createUserService(s.db).create({
			username: "first-user",
			password: "First-User1",
		});
		const after = await editable();
		expect(after.auth_mode).toBe(false);
		expect(
			Object.entries(after)
				.filter(([, e]) => e !== true)
				.map(([k]) => k),
		).toEqual(["auth_mode"]);
	});
});
