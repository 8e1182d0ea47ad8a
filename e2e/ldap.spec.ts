import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import {
	groupDn,
	type LdapServer,
	startLdapServer,
} from "../bff/test/ldap-server.ts";
import { freePort } from "../bff/test/wharf-process.ts";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	adminBasic,
	adminPassword,
	expectAccessible,
	screenshot,
	signIn,
	signOut,
	unique,
} from "./fixtures.ts";

// Other specs share the server and make users, so auth_mode stays db_auth here: the LDAP settings (inert while it
// does) point at a slapd of this spec's own, and what they are read for without it (the ping, groups by DN) is shown.
const ldapKeys = [
	"ldap_url",
	"ldap_search_dn",
	"ldap_base_dn",
	"ldap_filter",
	"ldap_uid",
	"ldap_group_base_dn",
	"ldap_group_search_filter",
	"ldap_group_attribute_name",
	"ldap_group_membership_attribute",
] as const;
let dir: LdapServer;
let before: Record<string, unknown> = {};

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
	dir = await startLdapServer({
		users: [{ uid: "e2e-alice", password: "Alice-Secret-1" }],
		groups: [{ cn: "e2e-devs", members: ["e2e-alice"] }],
	});
	const admin = adminApi(request);
	const config =
		await admin.get<Record<string, { value: unknown }>>("/configurations");
	before = Object.fromEntries(ldapKeys.map((k) => [k, config[k].value]));
	await admin.put("/configurations", dir.settings());
});

test.afterAll(async ({ request }) => {
	await adminApi(request).put("/configurations", {
		...before,
		ldap_search_password: "",
	});
	await dir?.close();
});

test("the configuration tests the LDAP server with the form's values; the search password is write-only", async ({
	page,
	request,
}) => {
	// A user besides admin (other specs make some too): the authentication mode is then fixed, and shown read-only.
	await adminApi(request).createUser(unique("ldap-config"));
	await signIn(page);
	await page.goto(paths.admin.href("configuration"));
	const ldap = page.getByRole("group", { name: "LDAP", exact: true });
	await expect(ldap.getByLabel("LDAP URL")).toHaveValue(dir.url);
	await expect(ldap.getByLabel("Search password")).toHaveValue("");
	// Read-only while users other than admin exist (configuration-readonly.spec.ts shows it closer).
	await expect(
		page.getByLabel("Authentication mode", { exact: true }),
	).toHaveValue("Database");

	await ldap.getByRole("button", { name: "Test LDAP server" }).click();
	await expect(ldap.getByRole("status")).toHaveText(/^Connected/);
	// A password typed and not saved is what the test tries.
	await ldap.getByLabel("Search password").fill("not-the-password");
	await ldap.getByRole("button", { name: "Test LDAP server" }).click();
	await expect(ldap.getByRole("status")).toHaveText(
		/^Failed: .*invalid credentials/,
	);
	await expectAccessible(page);
});

test("Administration → Groups adds an LDAP group by its DN and deletes it", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.admin.href("groups"));
	await expect(
		page.getByRole("heading", { name: "Groups", level: 1 }),
	).toBeVisible();

	await page.getByRole("button", { name: "Add LDAP group" }).click();
	const dialog = page.getByRole("dialog", { name: "Add an LDAP group" });
	await dialog.getByRole("button", { name: "Add" }).click();
	await expect(dialog.getByText("Enter the group's DN.")).toBeVisible();
	await dialog
		.getByLabel("LDAP group DN")
		.fill("cn=nothere,ou=groups,dc=wharf,dc=test");
	await dialog.getByRole("button", { name: "Add" }).click();
	await expect(dialog.getByRole("alert")).toContainText(
		"LDAP group DN is not found",
	);
	await dialog.getByLabel("LDAP group DN").fill(groupDn("e2e-devs"));
	await dialog.getByRole("button", { name: "Add" }).click();
	await expect(dialog).toBeHidden();

	await page.getByLabel("Search groups").fill("e2e-devs");
	const row = page.getByTestId("group-row").filter({ hasText: "e2e-devs" });
	await expect(row).toHaveCount(1);
	await expect(row).toContainText("LDAP");
	await expect(row).toContainText(groupDn("e2e-devs"));
	await expectAccessible(page);
	await screenshot(page, "groups");

	await row.getByRole("button", { name: /Delete/ }).click();
	await page
		.getByRole("dialog", { name: "Delete group" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(
		page.getByTestId("group-row").filter({ hasText: "e2e-devs" }),
	).toHaveCount(0);
});

test("a project admits an LDAP group as a member, by its DN", async ({
	page,
	request,
}) => {
	const project = unique("e2e-ldap");
	await adminApi(request).createProject(project);
	await signIn(page);
	await page.goto(`/projects/${project}/members`);
	await page.getByRole("button", { name: "Add member" }).click();
	const dialog = page.getByRole("dialog", { name: "Add a member" });
	await dialog.getByRole("radio", { name: "LDAP group" }).check();
	await dialog.getByLabel("Group DN or name").fill(groupDn("e2e-devs"));
	await dialog.getByLabel("Role").selectOption({ label: "Guest" });
	await expectAccessible(page);
	await dialog.getByRole("button", { name: "Add" }).click();
	await expect(dialog).toBeHidden();
	const row = page.getByTestId("member-row").filter({ hasText: "e2e-devs" });
	await expect(row).toContainText("Group");
	await expect(row.getByLabel("Role of e2e-devs")).toHaveValue("3");

	// Another project names the group it now knows by its name, picked from the suggestions.
	const second = unique("e2e-ldap");
	await adminApi(request).createProject(second);
	await page.goto(`/projects/${second}/members`);
	await page.getByRole("button", { name: "Add member" }).click();
	await dialog.getByRole("radio", { name: "LDAP group" }).check();
	await dialog.getByLabel("Group DN or name").fill("e2e-de");
	await expect(dialog.locator('datalist option[value="e2e-devs"]')).toHaveCount(
		1,
	);
	await dialog.getByLabel("Group DN or name").fill("e2e-devs");
	await dialog.getByLabel("Role").selectOption({ label: "Developer" });
	await dialog.getByRole("button", { name: "Add" }).click();
	await expect(dialog).toBeHidden();
	await expect(
		page
			.getByTestId("member-row")
			.filter({ hasText: "e2e-devs" })
			.getByLabel("Role of e2e-devs"),
	).toHaveValue("2");
});

// Signing in through LDAP needs auth_mode ldap_auth, which needs a server with no users but admin: a Wharf of this
// test's own (the same build), with its own data folder and port.
test("LDAP users sign in at the console: a group gives the project role, the admin group Administration", async ({
	page,
}) => {
	const dataDir = await mkdtemp(path.join(os.tmpdir(), "wharf-e2e-ldap-"));
	const port = await freePort();
	const child = spawn(
		process.execPath,
		["--enable-source-maps", "dist/server/main.mjs"],
		{
			cwd: path.join(import.meta.dirname, ".."),
			stdio: "ignore",
			env: {
				...process.env,
				PORT: String(port),
				WHARF_HOST: "127.0.0.1",
				WHARF_DATA_DIR: dataDir,
				WHARF_ADMIN_PASSWORD: adminPassword,
				WHARF_LOG_LEVEL: "warn",
			},
		},
	);
	const url = `http://127.0.0.1:${port}`;
	const own = await startLdapServer({
		users: [
			{ uid: "e2e-dev", password: "Dev-Secret-1" },
			{ uid: "e2e-boss", password: "Boss-Secret-1" },
		],
		groups: [
			{ cn: "devs", members: ["e2e-dev"] },
			{ cn: "admins", members: ["e2e-boss"] },
		],
	});
	try {
		await expect
			.poll(
				() =>
					fetch(`${url}/v2/`).then(
						(r) => r.status,
						() => 0,
					),
				{ timeout: 30_000 },
			)
			.toBe(401);
		const call = (p: string, method: string, data: unknown) =>
			fetch(`${url}/api/v2.0${p}`, {
				method,
				headers: {
					Authorization: adminBasic,
					"Content-Type": "application/json",
				},
				body: JSON.stringify(data),
			});
		expect(
			(
				await call("/configurations", "PUT", {
					auth_mode: "ldap_auth",
					...own.settings({ ldap_group_admin_dn: groupDn("admins") }),
				})
			).status,
		).toBe(200);
		expect(
			(
				await call("/projects", "POST", {
					project_name: "ldap-team",
					metadata: { public: "false" },
				})
			).status,
		).toBe(201);
		expect(
			(
				await call("/projects/ldap-team/members", "POST", {
					role_id: 2,
					member_group: { ldap_group_dn: groupDn("devs") },
				})
			).status,
		).toBe(201);

		await page.goto(`${url}/sign-in`);
		await page.getByLabel("Username").fill("e2e-dev");
		await page.getByLabel("Password").fill("wrong");
		await page.getByRole("button", { name: "Sign in" }).click();
		await expect(page.getByText(/invalid username or password/)).toBeVisible();
		await signIn(page, "e2e-dev", "Dev-Secret-1");
		await page.goto(`${url}/projects`);
		const row = page.getByRole("row").filter({ hasText: "ldap-team" });
		await expect(row).toContainText("Developer");
		await expect(
			page
				.getByRole("navigation", { name: "Main" })
				.getByRole("link", { name: "Administration" }),
		).toHaveCount(0);
		await expectAccessible(page);
		await signOut(page);

		await signIn(page, "e2e-boss", "Boss-Secret-1");
		await page
			.getByRole("navigation", { name: "Main" })
			.getByRole("link", { name: "Administration" })
			.click();
		await page.goto(`${url}${paths.admin.href("groups")}`);
		// The groups their sign-ins found are there, named by their DNs.
		await expect(
			page.getByTestId("group-row").filter({ hasText: groupDn("admins") }),
		).toHaveCount(1);
	} finally {
		child.kill("SIGTERM");
		await own.close();
		await rm(dataDir, { recursive: true, force: true });
	}
});
