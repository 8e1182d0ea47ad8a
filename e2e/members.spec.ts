import { expect, test } from "@playwright/test";
import {
	adminApi,
	baseURL,
	basic,
	expectAccessible,
	expectFilterStaysCleared,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

test("members are added with a role, changed and removed through the members tab", async ({
	page,
	request,
}) => {
	const admin = adminApi(request);
	const project = unique("e2e-members");
	await admin.createProject(project);
	const dev = await admin.createUser(unique("dev"));
	const other = await admin.createUser(unique("other"));

	await signIn(page);
	await page.goto(`/projects/${project}/members`);
	await expect(page.getByTestId("member-row")).toHaveCount(1);
	await expect(page.getByTestId("member-row")).toContainText("admin");
	// One's own row offers no role change and no removal (no way to lock oneself out).
	const ownRow = page.getByTestId("member-row").filter({ hasText: "admin" });
	await expect(ownRow).toContainText("(you)");
	await expect(ownRow.getByRole("combobox")).toHaveCount(0);
	await expect(ownRow.getByRole("button", { name: /Remove/ })).toHaveCount(0);

	// The username field suggests matching users as one types.
	await page.getByRole("button", { name: "Add member" }).click();
	const dialog = page.getByRole("dialog", { name: "Add a member" });
	await dialog.getByLabel("Username").fill(dev.username.slice(0, 7));
	await expect(
		dialog.locator(`datalist option[value="${dev.username}"]`),
	).toHaveCount(1);
	await dialog.getByLabel("Username").fill(dev.username);
	await dialog.getByLabel("Role").selectOption({ label: "Developer" });
	await dialog.getByRole("button", { name: "Add" }).click();
	await expect(dialog).toBeHidden();
	const devRow = page
		.getByTestId("member-row")
		.filter({ hasText: dev.username });
	await expect(devRow.getByLabel(`Role of ${dev.username}`)).toHaveValue("2");

	// Someone who is already a member: the server's reason, in the dialog.
	await page.getByRole("button", { name: "Add member" }).click();
	await dialog.getByLabel("Username").fill(dev.username);
	await dialog.getByRole("button", { name: "Add" }).click();
	await expect(dialog.getByRole("alert")).toContainText(
		`${dev.username} is already a member of project ${project}`,
	);
	// Editing the name clears the server's old reason.
	await dialog.getByLabel("Username").fill(`${dev.username}x`);
	await expect(dialog.getByText("is already a member")).toHaveCount(0);
	await dialog.getByRole("button", { name: "Cancel" }).click();

	await devRow
		.getByLabel(`Role of ${dev.username}`)
		.selectOption({ label: "Maintainer" });
	await expect
		.poll(
			async () =>
				(
					await admin.get<{ entity_name: string; role_id: number }[]>(
						`/projects/${project}/members?entityname=${dev.username}`,
					)
				)[0]?.role_id,
		)
		.toBe(4);

	await page.getByRole("button", { name: "Add member" }).click();
	await dialog.getByLabel("Username").fill(other.username);
	await dialog.getByRole("button", { name: "Add" }).click();
	await expect(page.getByTestId("member-row")).toHaveCount(3);
	await page
		.getByRole("button", { name: `Remove ${other.username} from the project` })
		.click();
	await page
		.getByRole("dialog", { name: "Remove member" })
		.getByRole("button", { name: "Remove" })
		.click();
	await expect(page.getByTestId("member-row")).toHaveCount(2);
	await expect(page.getByText(other.username)).toHaveCount(0);

	// The search is in the URL; the tab's link clears it, and the old text is not written back a moment later.
	await page.getByLabel("Search members").fill(dev.username);
	await expect(page).toHaveURL(new RegExp(`member=${dev.username}`));
	await expect(page.getByTestId("member-row")).toHaveCount(1);
	await page
		.getByRole("navigation", { name: "Project sections" })
		.getByRole("link", { name: "Members" })
		.click();
	await expectFilterStaysCleared(
		page,
		page.getByLabel("Search members"),
		"member",
	);
	await expect(page.getByTestId("member-row")).toHaveCount(2);

	await screenshot(page, "project-members");
	await expectAccessible(page);
});

test("a guest added through the console sees the narrower view, and the server still refuses what is not offered", async ({
	page,
	browser,
	request,
}) => {
	const admin = adminApi(request);
	const project = unique("e2e-guestview");
	await admin.createProject(project);
	const guest = await admin.createUser(unique("guest"));

	await signIn(page);
	await page.goto(`/projects/${project}/members`);
	await page.getByRole("button", { name: "Add member" }).click();
	const dialog = page.getByRole("dialog", { name: "Add a member" });
	await dialog.getByLabel("Username").fill(guest.username);
	await dialog.getByLabel("Role").selectOption({ label: "Guest" });
	await dialog.getByRole("button", { name: "Add" }).click();
	await expect(
		page.getByTestId("member-row").filter({ hasText: guest.username }),
	).toContainText("Guest");

	// The admin's view, for comparison: every tab and every control.
	const adminTabs = page
		.getByRole("navigation", { name: "Project sections" })
		.getByRole("link");
	await expect(adminTabs).toHaveText([
		"Summary",
		"Repositories",
		"Members",
		"Labels",
		"Policy",
		"Robot accounts",
		"Webhooks",
		"Logs",
		"Configuration",
	]);

	const context = await browser.newContext({ baseURL });
	const guestPage = await context.newPage();
	try {
		await signIn(guestPage, guest.username, guest.password);
		await guestPage.goto(`/projects?q=${project}`);
		const row = guestPage.getByTestId("project-row");
		await expect(row).toContainText("Guest");
		// The quota and the permissions come in one answer: once the quota shows, what is offered is decided.
		await expect(row).toContainText("0 B / unlimited");
		await expect(row.getByRole("button", { name: /Delete/ })).toHaveCount(0);

		await row.getByRole("link", { name: project }).click();
		await expect(guestPage.getByTestId("project-role")).toHaveText(
			"Your role: Guest",
		);
		const tabs = guestPage
			.getByRole("navigation", { name: "Project sections" })
			.getByRole("link");
		await expect(tabs).toHaveText([
			"Summary",
			"Repositories",
			"Members",
			"Labels",
		]);

		await tabs.getByText("Members").click();
		await expect(guestPage.getByTestId("member-row")).toHaveCount(2);
		await expect(
			guestPage.getByRole("button", { name: "Add member" }),
		).toHaveCount(0);
		await expect(guestPage.getByRole("button", { name: /Remove/ })).toHaveCount(
			0,
		);
		await expect(
			guestPage.getByRole("combobox", { name: /Role of/ }),
		).toHaveCount(0);

		// A tab reached by its link is not shown either.
		await guestPage.goto(`/projects/${project}/configuration`);
		await expect(
			guestPage.getByText("This part of the project is not available to you."),
		).toBeVisible();
		await expect(guestPage.getByRole("button", { name: "Save" })).toHaveCount(
			0,
		);
		// A forbidden tab's own request is never sent: the outlet waits for the permissions.
		const logRequests: string[] = [];
		guestPage.on("request", (r) => {
			if (r.url().includes("/auditlog")) logRequests.push(r.url());
		});
		await guestPage.goto(`/projects/${project}/logs`);
		await expect(
			guestPage.getByText("This part of the project is not available to you."),
		).toBeVisible();
		await guestPage.waitForLoadState("networkidle");
		expect(logRequests).toEqual([]);

		// What the console does not offer, the server refuses.
		const auth = { Authorization: basic(guest.username, guest.password) };
		expect(
			(
				await request.delete(`/api/v2.0/projects/${project}`, { headers: auth })
			).status(),
		).toBe(403);
		expect(
			(
				await request.post(`/api/v2.0/projects/${project}/members`, {
					headers: auth,
					data: { role_id: 1, member_user: { username: "admin" } },
				})
			).status(),
		).toBe(403);
		expect(
			(
				await request.put(`/api/v2.0/projects/${project}`, {
					headers: auth,
					data: { metadata: { public: "true" } },
				})
			).status(),
		).toBe(403);
	} finally {
		await context.close();
	}
});
