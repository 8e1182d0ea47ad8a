import { expect, test } from "@playwright/test";
import {
	adminApi,
	expectAccessible,
	registryClient,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

test('a user who is not an admin never sees Administration, and a deep link to it says "not found"', async ({
	page,
	request,
}) => {
	const user = await adminApi(request).createUser(unique("plain"));
	await signIn(page, user.username, user.password);
	await expect(page.getByRole("link", { name: "Projects" })).toBeVisible();
	await expect(page.getByRole("link", { name: "Administration" })).toHaveCount(
		0,
	);
	await page.goto("/admin/users");
	await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
	await expect(page.getByRole("table")).toHaveCount(0);
});

test("an admin creates a user (a weak password hinted before sending), promotes, demotes, resets the password and deletes them", async ({
	page,
	browser,
}) => {
	const name = unique("e2e-user");
	const posts: string[] = [];
	page.on("request", (r) => {
		if (r.method() === "POST" && r.url().endsWith("/api/v2.0/users"))
			posts.push(r.url());
	});

	await signIn(page);
	await page.getByRole("link", { name: "Administration" }).click();
	await expect(page).toHaveURL(/\/admin\/users/);
	await expect(
		page.getByRole("heading", { name: "Users", level: 1 }),
	).toBeVisible();
	await expect(page.getByTestId("user-row").first()).toBeVisible();
	await screenshot(page, "admin-users");
	await expectAccessible(page);

	// The admin's own row offers nothing that the server would refuse (deleting or demoting themself).
	await page
		.getByRole("searchbox", { name: "Search users by name" })
		.fill("admin");
	const me = page
		.getByTestId("user-row")
		.filter({ has: page.getByText("admin", { exact: true }) });
	await expect(me).toContainText("You");
	await expect(me.getByRole("button")).toHaveCount(0);

	await page.getByRole("button", { name: "New user" }).click();
	const dialog = page.getByRole("dialog", { name: "Create a user" });
	await dialog.getByLabel("Username").fill(name);
	await dialog.getByLabel("Email").fill(`${name}@example.com`);
	await dialog.getByLabel("Full name").fill("E2E Person");
	await dialog.getByLabel("Password", { exact: true }).fill("weakpass");
	const rules = dialog.getByTestId("password-rules");
	await expect(rules.getByText("8 to 128 characters")).toHaveAttribute(
		"data-met",
		"true",
	);
	await expect(rules.getByText("an upper-case letter")).toHaveAttribute(
		"data-met",
		"false",
	);
	await expect(rules.getByText("a digit")).toHaveAttribute("data-met", "false");
	await dialog.getByLabel("Confirm password").fill("weakpass");
	await dialog.getByRole("button", { name: "Create" }).click();
	await expect(dialog.getByRole("alert")).toContainText("meets every rule");
	expect(posts).toHaveLength(0); // hinted before anything was sent
	await screenshot(page, "admin-create-user");
	await expectAccessible(page);

	await dialog.getByLabel("Password", { exact: true }).fill("Str0ngPassw0rd");
	await dialog.getByLabel("Confirm password").fill("Str0ngPassw0rd");
	await expect(rules.getByText("an upper-case letter")).toHaveAttribute(
		"data-met",
		"true",
	);
	await dialog.getByRole("button", { name: "Create" }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByRole("status")).toHaveText(
		`User ${name} was created.`,
	);
	expect(posts).toHaveLength(1);

	await page
		.getByRole("searchbox", { name: "Search users by name" })
		.fill(name);
	await expect(page).toHaveURL(new RegExp(`username=${name}`));
	const row = page.getByTestId("user-row");
	await expect(row).toHaveCount(1);
	await expect(row).toContainText(`${name}@example.com`);
	await expect(row).toContainText("User");

	// Each row's buttons are named with the user, so a screen reader tells the rows apart.
	// Making an administrator is asked first, with what it gives; cancelling changes nothing.
	await row
		.getByRole("button", { name: `Make administrator ${name}`, exact: true })
		.click();
	const promote = page.getByRole("dialog", {
		name: `Make ${name} a system administrator?`,
	});
	await expect(promote).toContainText("make other administrators");
	await expectAccessible(page);
	await page.screenshot({ path: "/tmp/polish-sysadmin-confirm.png" });
	await promote.getByRole("button", { name: "Cancel" }).click();
	await expect(row).not.toContainText("Administrator");
	await row
		.getByRole("button", { name: `Make administrator ${name}`, exact: true })
		.click();
	await promote.getByRole("button", { name: "Make administrator" }).click();
	await expect(promote).toBeHidden();
	await expect(row).toContainText("Administrator");
	await expect(page.getByRole("status")).toHaveText(
		`${name} is now an administrator.`,
	);
	await row
		.getByRole("button", { name: `Revoke administrator ${name}`, exact: true })
		.click();
	const demote = page.getByRole("dialog", {
		name: `Revoke ${name}'s administrator rights?`,
	});
	await expect(demote).toContainText("keeps their account");
	await demote.getByRole("button", { name: "Revoke administrator" }).click();
	await expect(
		row.getByRole("button", {
			name: `Make administrator ${name}`,
			exact: true,
		}),
	).toBeVisible();
	await expect(page.getByRole("status")).toHaveText(
		`${name} is no longer an administrator.`,
	);

	await row
		.getByRole("button", { name: `Reset password ${name}`, exact: true })
		.click();
	const reset = page.getByRole("dialog", {
		name: `Reset the password of ${name}`,
	});
	await reset.getByLabel("New password").fill("N3wPassword!");
	await reset.getByLabel("Confirm password").fill("N3wPassword!");
	await reset.getByRole("button", { name: "Reset password" }).click();
	await expect(reset).toBeHidden();
	await expect(page.getByRole("status")).toHaveText(
		`The password of ${name} was reset.`,
	);

	// The user signs in with the new password, in a browser of their own.
	const context = await browser.newContext();
	const theirs = await context.newPage();
	await signIn(theirs, name, "N3wPassword!");
	await context.close();

	await row
		.getByRole("button", { name: `Delete ${name}`, exact: true })
		.click();
	const confirm = page.getByRole("dialog", { name: "Delete user" });
	await expect(confirm).toContainText(name);
	await confirm.getByRole("button", { name: "Delete" }).click();
	await expect(confirm).toBeHidden();
	await expect(page.getByTestId("empty-state")).toContainText(
		`No user name contains “${name}”`,
	);

	// The audit log says what each change of the flag was, not only "update".
	await page.goto(`/admin/audit-log?resource=${name}&operation=update`);
	await expect(page.getByTestId("audit-change")).toHaveText([
		"password reset",
		"sysadmin_flag: true → false",
		"sysadmin_flag: false → true",
	]);
	await page.screenshot({ path: "/tmp/polish-audit-change.png" });
});

test("another admin is offered the built-in admin's actions, and the server's refusal is said in its words", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const other = await api.createUser(unique("admin2"));
	await api.put(`/users/${other.id}/sysadmin`, { sysadmin_flag: true });
	await signIn(page, other.username, other.password);
	await page.goto("/admin/users?username=admin");
	const builtIn = page
		.getByTestId("user-row")
		.filter({ has: page.getByText("admin", { exact: true }) });
	await expect(builtIn).toHaveCount(1);

	// The console does not know which user is built in: the server decides, and says why it refuses.
	await builtIn
		.getByRole("button", { name: "Revoke administrator admin", exact: true })
		.click();
	const demote = page.getByRole("dialog", {
		name: "Revoke admin's administrator rights?",
	});
	await demote.getByRole("button", { name: "Revoke administrator" }).click();
	await expect(demote.getByRole("alert")).toContainText(
		"you cannot change the admin flag of yourself or of the built-in admin",
	);
	await demote.getByRole("button", { name: "Cancel" }).click();
	await expect(builtIn).toContainText("Administrator");

	await builtIn
		.getByRole("button", { name: "Delete admin", exact: true })
		.click();
	const confirm = page.getByRole("dialog", { name: "Delete user" });
	await confirm.getByRole("button", { name: "Delete" }).click();
	await expect(confirm.getByRole("alert")).toContainText(
		"the built-in admin cannot be deleted",
	);
	await confirm.getByRole("button", { name: "Cancel" }).click();
	await expect(builtIn).toHaveCount(1);
});

test("an admin disables a user, who is signed out at once and cannot sign in until enabled again", async ({
	page,
	browser,
	request,
}) => {
	const user = await adminApi(request).createUser(unique("leaver"));
	// The user is at work in a browser of their own.
	const context = await browser.newContext();
	const theirs = await context.newPage();
	await signIn(theirs, user.username, user.password);

	await signIn(page);
	await page.goto(`/admin/users?username=${user.username}`);
	const row = page.getByTestId("user-row");
	await expect(row).toHaveCount(1);
	await row
		.getByRole("button", { name: `Disable ${user.username}`, exact: true })
		.click();
	const confirm = page.getByRole("dialog", { name: "Disable user" });
	await expect(confirm).toContainText("signed out everywhere at once");
	await expectAccessible(page);
	await confirm.getByRole("button", { name: "Disable" }).click();
	await expect(confirm).toBeHidden();
	await expect(page.getByRole("status")).toHaveText(
		`${user.username} is disabled and signed out everywhere.`,
	);
	await expect(row).toContainText("Disabled");
	await screenshot(page, "admin-user-disabled");

	// Their next step lands on the sign-in page, and their password no longer opens it.
	await theirs.reload();
	await expect(theirs.getByRole("button", { name: "Sign in" })).toBeVisible();
	await theirs.getByLabel("Username").fill(user.username);
	await theirs.getByLabel("Password").fill(user.password);
	await theirs.getByRole("button", { name: "Sign in" }).click();
	await expect(theirs.getByRole("alert")).toBeVisible();

	await row
		.getByRole("button", { name: `Enable ${user.username}`, exact: true })
		.click();
	await expect(page.getByRole("status")).toHaveText(
		`${user.username} can sign in again.`,
	);
	await expect(row).not.toContainText("Disabled");
	await signIn(theirs, user.username, user.password);
	await context.close();
});

test("an admin edits a project's storage limit and sees the quota bar fill", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const project = unique("e2e-quota");
	await api.createProject(project);
	const client = await registryClient();
	try {
		const pushed = await client.pushImage(`${project}/app:v1`, {
			layers: 1,
			layerBytes: 1_000_000,
		});
		expect(pushed.ok, pushed.stderr).toBe(true);
	} finally {
		await client.cleanup();
	}

	await signIn(page);
	await page.goto("/admin/quotas");
	await expect(
		page.getByRole("heading", { name: "Project quotas", level: 1 }),
	).toBeVisible();
	await expect(page.getByTestId("quota-row").first()).toBeVisible();
	await screenshot(page, "admin-quotas");
	await expectAccessible(page);

	// Sortable by usage, the order kept in the URL: most used first on the second click.
	const usedHeader = page.getByRole("columnheader", { name: /Storage used/ });
	await usedHeader.getByRole("button").click();
	await expect(page).toHaveURL(/sort=used\.storage/);
	await usedHeader.getByRole("button").click();
	await expect(page).toHaveURL(/sort=-used\.storage/);
	await expect(usedHeader).toHaveAttribute("aria-sort", "descending");

	// The same search box as every admin list: part of the name, any case, into the URL once typing pauses.
	const part = project.slice(2).toUpperCase();
	await page
		.getByRole("searchbox", { name: "Search by project name" })
		.fill(part);
	await expect(page).toHaveURL(new RegExp(`project=${part}`));
	const row = page.getByTestId("quota-row");
	await expect(row).toHaveCount(1);
	await expect(row).toContainText("unlimited");

	// About 1 MB used: a 1 MiB limit is over 90 % full, so the bar turns red.
	await row
		.getByRole("button", { name: `Edit the quota of ${project}` })
		.click();
	const dialog = page.getByRole("dialog", {
		name: `Storage limit of ${project}`,
	});
	await dialog.getByLabel("Unlimited").uncheck();
	await dialog.getByLabel("Amount").fill("1");
	await dialog.getByLabel("Unit").selectOption("MiB");
	await dialog.getByRole("button", { name: "Save" }).click();
	await expect(dialog).toBeHidden();
	await expect(row.getByTestId("quota-bar")).toHaveAttribute(
		"data-level",
		"red",
	);
	await expect(row).toContainText("1.00 MiB");

	// A roomier limit turns it green again; the change is the server's, so it holds after a reload.
	await row
		.getByRole("button", { name: `Edit the quota of ${project}` })
		.click();
	await dialog.getByLabel("Amount").fill("2");
	await dialog.getByLabel("Unit").selectOption("GiB");
	await dialog.getByRole("button", { name: "Save" }).click();
	await expect(dialog).toBeHidden();
	await page.reload();
	await expect(
		page.getByTestId("quota-row").getByTestId("quota-bar"),
	).toHaveAttribute("data-level", "green");
	await expect(page.getByTestId("quota-row")).toContainText("2.00 GiB");
});

test("an admin changes a configuration setting, and it is kept after a reload", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const before =
		await api.get<Record<string, { value: unknown }>>("/configurations");
	const original = before.robot_token_duration.value as number;
	const changed = original === 45 ? 46 : 45;
	await api.createUser(unique("config-reader"));
	await signIn(page);
	await page.goto("/admin/configuration");
	await expect(
		page.getByRole("heading", { name: "Configuration", level: 1 }),
	).toBeVisible();
	// Users other than admin exist (this spec makes some), so the way users sign in is shown read-only, not as a choice
	// the server would refuse (configuration-readonly.spec.ts shows it closer).
	await expect(
		page.getByLabel("Authentication mode", { exact: true }),
	).toHaveValue("Database");
	await screenshot(page, "admin-configuration");
	await expectAccessible(page);

	try {
		const duration = page.getByLabel("Robot account expiry");
		await expect(duration).toHaveValue(String(original));
		await duration.fill(String(changed));
		const selfReg = page.getByLabel("Allow self-registration");
		const wasChecked = await selfReg.isChecked();
		await selfReg.setChecked(!wasChecked);
		await expect(page.getByTestId("settings-status")).toHaveText(
			"2 unsaved changes",
		);

		const put = page.waitForRequest(
			(r) =>
				r.method() === "PUT" && r.url().endsWith("/api/v2.0/configurations"),
		);
		await page.getByRole("button", { name: "Save", exact: true }).click();
		// One PUT carrying only the changed keys.
		expect(Object.keys((await put).postDataJSON() as object).sort()).toEqual([
			"robot_token_duration",
			"self_registration",
		]);
		await expect(page.getByTestId("settings-status")).toHaveText(
			"Settings saved.",
		);

		await page.reload();
		await expect(page.getByLabel("Robot account expiry")).toHaveValue(
			String(changed),
		);
		await expect(page.getByLabel("Allow self-registration")).toBeChecked({
			checked: !wasChecked,
		});

		// A value the server refuses is said in its words, and nothing is saved.
		await page.getByLabel("Robot account expiry").fill("0");
		await page.getByRole("button", { name: "Save", exact: true }).click();
		await expect(page.getByRole("alert")).toContainText("robot_token_duration");
		const kept =
			await api.get<Record<string, { value: unknown }>>("/configurations");
		expect(kept.robot_token_duration.value).toBe(changed);
		expect(kept.self_registration.value).toBe(!wasChecked);

		// Back as it was, through the page: other specs share this server.
		await page.getByRole("button", { name: "Discard changes" }).click();
		await page.getByLabel("Robot account expiry").fill(String(original));
		await page.getByLabel("Allow self-registration").setChecked(wasChecked);
		await page.getByRole("button", { name: "Save", exact: true }).click();
		await expect(page.getByTestId("settings-status")).toHaveText(
			"Settings saved.",
		);
	} finally {
		await api.put("/configurations", {
			robot_token_duration: original,
			self_registration: before.self_registration.value,
		});
	}
});

test("an admin sets the session and token lifetimes and a write-only secret in the configuration page", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const before =
		await api.get<Record<string, { value: unknown }>>("/configurations");
	await signIn(page);
	await page.goto("/admin/configuration");
	try {
		await expect(page.getByRole("group", { name: "OIDC" })).toContainText(
			"In effect while the authentication mode is OIDC",
		);
		await page.getByLabel("Session timeout").fill("45");
		await page.getByLabel("Registry token expiry").fill("20");
		const secret = page.getByLabel("Client secret", { exact: true });
		await expect(secret).toHaveValue("");
		await secret.fill("Oidc-e2e-Secret");
		await page.getByLabel("Scan all artifacts").selectOption("daily");

		const put = page.waitForRequest(
			(r) =>
				r.method() === "PUT" && r.url().endsWith("/api/v2.0/configurations"),
		);
		await page.getByRole("button", { name: "Save", exact: true }).click();
		expect((await put).postDataJSON()).toEqual({
			session_timeout: 45,
			token_expiration: 20,
			oidc_client_secret: "Oidc-e2e-Secret",
			scan_all_policy: { type: "daily", parameter: { daily_time: 0 } },
		});
		await expect(page.getByTestId("settings-status")).toHaveText(
			"Settings saved.",
		);

		await page.reload();
		await expect(page.getByLabel("Session timeout")).toHaveValue("45");
		await expect(page.getByLabel("Registry token expiry")).toHaveValue("20");
		await expect(page.getByLabel("Scan all artifacts")).toHaveValue("daily");
		// The secret is kept but never shown again.
		await expect(page.getByLabel("Client secret", { exact: true })).toHaveValue(
			"",
		);
		const after = await api.get<Record<string, unknown>>("/configurations");
		expect(after).not.toHaveProperty("oidc_client_secret");
	} finally {
		await api.put("/configurations", {
			session_timeout: before.session_timeout.value,
			token_expiration: before.token_expiration.value,
			oidc_client_secret: "",
			scan_all_policy: { type: "none" },
		});
	}
});
