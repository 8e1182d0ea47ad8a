import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	adminAuth,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../../harness.ts";

/**
 * goharbor/terraform-provider-harbor's `harbor_config_system` and `harbor_config_auth`, replayed as the provider sends
 * them (client/config.go, models/config.go): Create and Update are one PUT /configurations of a Go struct marshalled
 * with its `omitempty` tags (empty strings and zero numbers left out, false booleans without the tag kept), then the
 * Read that follows is a GET whose values go back into the state. A value read back differently is a diff on every plan.
 */
type Item<T> = { value: T; editable: boolean };
type ConfigResponse = Record<string, Item<string | number | boolean>>;

/** The provider's ConfigBodySystemPost for a resource, in its field order, as Go marshals it. */
function systemBody(r: {
	project_creation_restriction: string;
	read_only: boolean;
	robot_token_expiration: number;
	token_expiration: number;
	session_timeout: number;
	robot_name_prefix: string;
	storage_per_project: number;
	scanner_skip_update_pulltime: boolean;
	audit_log_forward_endpoint: string;
	skip_audit_log_database: boolean;
	banner?: {
		closable: boolean;
		message: string;
		type: string;
		from_date: string;
		to_date: string;
	};
	notification_enable: boolean;
	disabled_audit_log_event_types: string;
}) {
	const body: Record<string, unknown> = {};
	const omitEmpty = (k: string, v: string | number) => {
		if (v !== "" && v !== 0) body[k] = v;
	};
	omitEmpty("project_creation_restriction", r.project_creation_restriction);
	body.read_only = r.read_only;
	omitEmpty("robot_token_duration", r.robot_token_expiration);
	omitEmpty("token_expiration", r.token_expiration);
	omitEmpty("session_timeout", r.session_timeout);
	body.quota_per_project_enable = true;
	omitEmpty("robot_name_prefix", r.robot_name_prefix);
	omitEmpty(
		"storage_per_project",
		r.storage_per_project > 0
			? r.storage_per_project * 1073741824
			: r.storage_per_project,
	);
	body.scanner_skip_update_pulltime = r.scanner_skip_update_pulltime;
	omitEmpty("audit_log_forward_endpoint", r.audit_log_forward_endpoint);
	body.skip_audit_log_database = r.skip_audit_log_database;
	const b = r.banner;
	// fmt.Sprintf, not json.Marshal: the provider writes the banner's JSON by hand in this key order.
	body.banner_message = b
		? `{"closable":${b.closable},"message":"${b.message}","type":"${b.type}","fromDate":"${b.from_date}","toDate":"${b.to_date}"}`
		: "";
	body.notification_enable = r.notification_enable;
	omitEmpty("disabled_audit_log_event_types", r.disabled_audit_log_event_types);
	return body;
}

/** The resource's schema defaults (provider/resource_config_system.go). */
const systemDefaults = {
	project_creation_restriction: "adminonly",
	read_only: false,
	robot_token_expiration: 30,
	token_expiration: 30,
	session_timeout: 60,
	robot_name_prefix: "robot$",
	storage_per_project: -1,
	scanner_skip_update_pulltime: false,
	audit_log_forward_endpoint: "",
	skip_audit_log_database: false,
	notification_enable: true,
	disabled_audit_log_event_types: "",
};

/** What the provider's Read puts into the state from GET /configurations (storage back to GB). */
function systemState(c: ConfigResponse) {
	const storage = c.storage_per_project.value as number;
	return {
		project_creation_restriction: c.project_creation_restriction.value,
		read_only: c.read_only.value,
		robot_token_expiration: c.robot_token_duration.value,
		token_expiration: c.token_expiration.value,
		session_timeout: c.session_timeout.value,
		robot_name_prefix: c.robot_name_prefix.value,
		storage_per_project: storage > 0 ? storage / 1073741824 : storage,
		scanner_skip_update_pulltime: c.scanner_skip_update_pulltime.value,
		audit_log_forward_endpoint: c.audit_log_forward_endpoint.value,
		skip_audit_log_database: c.skip_audit_log_database.value,
		notification_enable: c.notification_enable.value,
		disabled_audit_log_event_types: c.disabled_audit_log_event_types.value,
	};
}

/**
 * The provider's ConfigBodyAuthPost for `auth_mode = "db_auth"`: GetConfigAuth fills nothing, so the zero struct goes out —
 * its booleans and ints without omitempty, and `scan_all_policy`, a struct, which omitempty never leaves out.
 */
const dbAuthBody = {
	oidc_verify_cert: false,
	oidc_auto_onboard: false,
	oidc_logout: false,
	self_registration: false,
	scan_all_policy: { parameter: {} },
	ldap_scope: 0,
	ldap_group_search_scope: 0,
	ldap_verify_cert: false,
};

/** The same struct for `auth_mode = "ldap_auth"` (ldap_scope "subtree" is 2). */
const ldapAuthBody = {
	oidc_verify_cert: false,
	oidc_auto_onboard: false,
	oidc_logout: false,
	ldap_group_search_filter: "(objectclass=groupOfNames)",
	auth_mode: "ldap_auth",
	self_registration: false,
	ldap_search_dn: "cn=admin,dc=example,dc=org",
	scan_all_policy: { parameter: {} },
	ldap_base_dn: "dc=example,dc=org",
	ldap_url: "ldaps://ldap.example.org",
	ldap_uid: "uid",
	ldap_search_password: "Bind-Secret-1",
	ldap_group_membership_attribute: "memberof",
	ldap_scope: 2,
	ldap_group_search_scope: 2,
	ldap_verify_cert: true,
};

const oidcAuthBody = {
	oidc_verify_cert: true,
	oidc_auto_onboard: true,
	oidc_logout: false,
	oidc_user_claim: "preferred_username",
	auth_mode: "oidc_auth",
	self_registration: false,
	oidc_scope: "openid,email",
	scan_all_policy: { parameter: {} },
	oidc_name: "keycloak",
	oidc_client_id: "harbor",
	oidc_endpoint: "https://id.example.org/realms/main",
	oidc_client_secret: "Oidc-Secret-1",
	ldap_scope: 0,
	ldap_group_search_scope: 0,
	ldap_verify_cert: false,
};

describe.each(engines)(
	"Terraform provider: harbor_config_system and harbor_config_auth against %s",
	(engine) => {
		let s: TestServer;
		// The provider's SendRequest: basic auth, Content-Type on every call, an exact status expected (200 for both).
		const send = (method: "PUT" | "GET", body?: unknown) =>
			fetch(`${s.url}/api/v2.0/configurations`, {
				method,
				headers: {
					Authorization: adminAuth,
					"Content-Type": "application/json",
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
		/** Create/Update: PUT the body, then Read; returns what lands in the state. */
		const apply = async (body: unknown) => {
			const put = await send("PUT", body);
			expect(put.status, await put.clone().text()).toBe(200);
			const get = await send("GET");
			expect(get.status).toBe(200);
			return (await get.json()) as ConfigResponse;
		};

		beforeAll(async () => {
			s = await startTestServer(engine);
		});
		afterAll(() => stopTestServer(s));

		it("applies harbor_config_system with its defaults and reads back the same state (no diff on the next plan)", async () => {
			const body = systemBody(systemDefaults);
			expect(Object.keys(body)).toEqual([
				"project_creation_restriction",
				"read_only",
				"robot_token_duration",
				"token_expiration",
				"session_timeout",
				"quota_per_project_enable",
				"robot_name_prefix",
				"storage_per_project",
				"scanner_skip_update_pulltime",
				"skip_audit_log_database",
				"banner_message",
				"notification_enable",
			]);
			expect(systemState(await apply(body))).toEqual(systemDefaults);
		});

		it("applies every harbor_config_system attribute, and each is in effect or kept as set", async () => {
			const resource = {
				...systemDefaults,
				project_creation_restriction: "everyone",
				robot_token_expiration: 90,
				token_expiration: 15,
				session_timeout: 120,
				robot_name_prefix: "harbor@",
				storage_per_project: 100,
				scanner_skip_update_pulltime: true,
				audit_log_forward_endpoint: "syslog.example.org:514",
				notification_enable: false,
				disabled_audit_log_event_types: "pull_artifact,create_user",
				banner: {
					closable: true,
					message: "Maintenance on Sunday",
					type: "warning",
					from_date: "12/01/2025",
					to_date: "12/31/2025",
				},
			};
			const cfg = await apply(systemBody(resource));
			const { banner, ...plain } = resource;
			expect(systemState(cfg)).toEqual(plain);
			expect(JSON.parse(cfg.banner_message.value as string)).toEqual({
				closable: true,
				message: banner.message,
				type: "warning",
				fromDate: "12/01/2025",
				toDate: "12/31/2025",
			});

			// In effect: the token lifetime and the prefix of a new robot.
			const token = (await (
				await fetch(`${s.url}/service/token?service=harbor-registry`, {
					headers: { Authorization: adminAuth },
				})
			).json()) as { expires_in: number };
			expect(token.expires_in).toBe(15 * 60);
			const robot = await fetch(`${s.url}/api/v2.0/robots`, {
				method: "POST",
				headers: {
					Authorization: adminAuth,
					"Content-Type": "application/json",
				},
				body: JSON.stringify({
					name: "tf",
					level: "system",
					duration: -1,
					permissions: [
						{
							kind: "project",
							namespace: "*",
							access: [{ resource: "repository", action: "pull" }],
						},
					],
				}),
			});
			expect(((await robot.json()) as { name: string }).name).toBe("harbor@tf");

			// Back to the defaults: omitempty leaves the two emptied strings out of the body, so they keep their values (on Harbor
			// too: the provider cannot clear them); everything else is put back.
			const back = systemState(await apply(systemBody(systemDefaults)));
			expect(back).toEqual({
				...systemDefaults,
				audit_log_forward_endpoint: "syslog.example.org:514",
				disabled_audit_log_event_types: "pull_artifact,create_user",
			});
			expect(
				(
					await send("PUT", {
						audit_log_forward_endpoint: "",
						disabled_audit_log_event_types: "",
					})
				).status,
			).toBe(200);
		});

		it("re-applies harbor_config_system while read_only is true (the provider sends read_only on every apply), and lifts it", async () => {
			expect(
				systemState(
					await apply(systemBody({ ...systemDefaults, read_only: true })),
				).read_only,
			).toBe(true);
			expect(
				systemState(
					await apply(
						systemBody({
							...systemDefaults,
							read_only: true,
							session_timeout: 30,
						}),
					),
				),
			).toMatchObject({ read_only: true, session_timeout: 30 });
			expect(systemState(await apply(systemBody(systemDefaults)))).toEqual(
				systemDefaults,
			);
		});

		it("applies harbor_config_auth with auth_mode db_auth and reads back db_auth", async () => {
			const cfg = await apply(dbAuthBody);
			// The provider's Read sets auth_mode and primary_auth_mode, and for db_auth nothing else.
			expect(cfg.auth_mode.value).toBe("db_auth");
			expect(cfg.primary_auth_mode.value).toBe(false);
			expect(cfg).toMatchObject({
				ldap_scope: { value: 0 },
				ldap_group_search_scope: { value: 0 },
				ldap_verify_cert: { value: false },
				oidc_verify_cert: { value: false },
			});
			expect(cfg.scan_all_policy).toEqual({ type: "none", parameter: {} });
		});

		it("applies harbor_config_auth with auth_mode ldap_auth, reads it back without the bind password, and goes back to db_auth", async () => {
			const cfg = await apply(ldapAuthBody);
			expect(cfg.auth_mode.value).toBe("ldap_auth");
			expect(JSON.stringify(cfg)).not.toContain(
				String(
					(ldapAuthBody as Record<string, unknown>).ldap_search_password ??
						"no-password-sent",
				),
			);
			// The provider's db_auth body leaves auth_mode out (omitempty); going back names it.
			expect(
				(await apply({ ...dbAuthBody, auth_mode: "db_auth" })).auth_mode.value,
			).toBe("db_auth");
		});

		it("applies harbor_config_auth with auth_mode oidc_auth, reads it back without the client secret, and goes back to db_auth", async () => {
			const cfg = await apply(oidcAuthBody);
			expect(cfg).toMatchObject({
				auth_mode: { value: "oidc_auth" },
				oidc_name: { value: "keycloak" },
				oidc_endpoint: { value: "https://id.example.org/realms/main" },
				oidc_scope: { value: "openid,email" },
				oidc_user_claim: { value: "preferred_username" },
				oidc_auto_onboard: { value: true },
			});
			expect(JSON.stringify(cfg)).not.toContain(
				oidcAuthBody.oidc_client_secret,
			);
			expect(
				(await apply({ ...dbAuthBody, auth_mode: "db_auth" })).auth_mode.value,
			).toBe("db_auth");
		});
	},
);
