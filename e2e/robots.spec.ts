import { readFile } from "node:fs/promises";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	expectAccessible,
	expectFilterStaysCleared,
	registryClient,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

let client: Awaited<ReturnType<typeof registryClient>>;
test.beforeAll(async () => {
	client = await registryClient();
});
test.afterAll(async () => {
	await client.cleanup();
});

/** Where `secret` shows on the page: how many input/textarea values hold it, and whether the page's text does. */
const secretOnPage = (page: Page, secret: string) =>
	page.evaluate(
		(s) => ({
			inFields: [...document.querySelectorAll("input, textarea")].filter((e) =>
				(e as HTMLInputElement).value.includes(s),
			).length,
			inText: (document.body.textContent ?? "").includes(s),
		}),
		secret,
	);

/** Reads the name and secret from the "shown once" dialog, then closes it. */
async function takeSecret(page: Page, title: string) {
	const dialog = page.getByRole("dialog", { name: title });
	await expect(dialog).toBeVisible();
	await expect(
		dialog.getByText("this is the only time it is shown"),
	).toBeVisible();
	const name = await dialog
		.getByRole("textbox", { name: "Robot name" })
		.inputValue();
	const secret = await dialog
		.getByRole("textbox", { name: "Secret", exact: true })
		.inputValue();
	expect(secret.length).toBeGreaterThanOrEqual(8);
	// While the dialog is open the secret is in its field: what `expectSecretGone` looks for can be found.
	expect((await secretOnPage(page, secret)).inFields).toBeGreaterThan(0);
	return { dialog, name, secret };
}

/**
 * Once the "shown once" dialog has closed, the secret is nowhere on the page: not in a field's value (where the dialog
 * showed it, and which text matching does not see) nor in any text.
 */
async function expectSecretGone(page: Page, dialog: Locator, secret: string) {
	await expect(dialog).toBeHidden();
	await expect(page.getByText(secret)).toHaveCount(0);
	expect(await secretOnPage(page, secret)).toEqual({
		inFields: 0,
		inText: false,
	});
}

test("a project robot made with the picker pushes; disabled it is refused; a refreshed secret is shown once and works", async ({
	page,
	request,
}) => {
	const project = unique("robots");
	await adminApi(request).createProject(project);
	await signIn(page);
	await page.goto(paths.projectTab.href(project, "robots"));
	await expect(
		page.getByRole("heading", { name: "Robot accounts", level: 2 }),
	).toBeVisible();
	await expect(page.getByTestId("empty-state")).toContainText(
		"No robot accounts yet",
	);

	await page.getByRole("button", { name: "New robot account" }).click();
	const form = page.getByRole("dialog", { name: "New robot account" });
	await form.getByLabel("Name", { exact: true }).fill("CI");
	await expect(
		form.getByText("Use lower-case letters and digits"),
	).toBeVisible();
	await form.getByLabel("Name", { exact: true }).fill("ci");
	await expect(
		form.getByText(`It signs in as robot$${project}+ci`),
	).toBeVisible();
	await form.getByRole("checkbox", { name: "Repository: Pull" }).check();
	await form.getByRole("checkbox", { name: "Repository: Push" }).check();
	await expect(form.getByText("2 permissions selected")).toBeVisible();
	await form.getByLabel("Days until it expires").fill("7");
	await form.getByLabel("Description").fill("pushes from CI");
	await expectAccessible(page);
	await screenshot(page, "robots-create-dialog");
	await form.getByRole("button", { name: "Create" }).click();

	const created = await takeSecret(page, "Robot account created");
	expect(created.name).toBe(`robot$${project}+ci`);
	const downloading = page.waitForEvent("download");
	await created.dialog
		.getByRole("button", { name: "Download as JSON" })
		.click();
	const file = await downloading;
	expect(file.suggestedFilename()).toBe(`robot$${project}+ci.json`);
	expect(JSON.parse(await readFile(await file.path(), "utf8"))).toEqual({
		name: created.name,
		secret: created.secret,
	});
	await expectAccessible(page);
	await screenshot(page, "robots-secret-dialog");
	await created.dialog.getByRole("button", { name: "I have saved it" }).click();
	// Shown once: once the dialog is closed the secret is nowhere on the page.
	await expectSecretGone(page, created.dialog, created.secret);

	const row = page.getByTestId("robot-row").filter({ hasText: created.name });
	await expect(row).toContainText("Enabled");
	await expect(row).toContainText("Repository: Pull, Push");
	await expect(row).toContainText("pushes from CI");
	await expectAccessible(page);
	await screenshot(page, "robots-project-tab");

	const pushed = await client.pushImage(
		`${project}/app:1`,
		{},
		`${created.name}:${created.secret}`,
	);
	expect(pushed.ok, pushed.stderr).toBe(true);

	await row.getByRole("button", { name: `Disable ${created.name}` }).click();
	await expect(row).toContainText("Disabled");
	const refused = await client.pushImage(
		`${project}/app:2`,
		{},
		`${created.name}:${created.secret}`,
	);
	expect(refused.ok).toBe(false);

	await row
		.getByRole("button", { name: `Refresh secret ${created.name}` })
		.click();
	await page
		.getByRole("dialog", { name: "Refresh secret" })
		.getByRole("button", { name: "Refresh" })
		.click();
	const refreshed = await takeSecret(page, "New secret");
	expect(refreshed.name).toBe(created.name);
	expect(refreshed.secret).not.toBe(created.secret);
	await refreshed.dialog
		.getByRole("button", { name: "I have saved it" })
		.click();
	await expectSecretGone(page, refreshed.dialog, refreshed.secret);

	await row.getByRole("button", { name: `Enable ${created.name}` }).click();
	await expect(row).toContainText("Enabled");
	expect(
		(
			await client.pushImage(
				`${project}/app:3`,
				{},
				`${created.name}:${created.secret}`,
			)
		).ok,
	).toBe(false);
	const again = await client.pushImage(
		`${project}/app:3`,
		{},
		`${created.name}:${refreshed.secret}`,
	);
	expect(again.ok, again.stderr).toBe(true);

	await row.getByRole("button", { name: `Delete ${created.name}` }).click();
	await page
		.getByRole("dialog", { name: "Delete robot account" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(page.getByTestId("robot-row")).toHaveCount(0);
	await expect(page.getByTestId("empty-state")).toBeVisible();
});

test("editing a robot's permissions changes what it may do", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const project = unique("robots-edit");
	await api.createProject(project);
	const made = await api.post("/robots", {
		name: "reader",
		level: "project",
		duration: -1,
		permissions: [
			{
				kind: "project",
				namespace: project,
				access: [{ resource: "repository", action: "pull" }],
			},
		],
	});
	const { name, secret } = (await made.json()) as {
		name: string;
		secret: string;
	};
	expect(
		(await client.pushImage(`${project}/app:1`, {}, `${name}:${secret}`)).ok,
	).toBe(false);

	await signIn(page);
	await page.goto(paths.projectTab.href(project, "robots"));
	const row = page.getByTestId("robot-row").filter({ hasText: name });
	await expect(row).toContainText("Never");
	await row.getByRole("button", { name: `Edit ${name}` }).click();
	const form = page.getByRole("dialog", { name: `Edit ${name}` });
	await expect(
		form.getByRole("checkbox", { name: "Repository: Pull" }),
	).toBeChecked();
	await form.getByRole("button", { name: "Push and pull" }).click();
	await form.getByRole("button", { name: "Save" }).click();
	await expect(form).toBeHidden();
	await expect(row).toContainText("Repository: Pull, Push");
	const pushed = await client.pushImage(
		`${project}/app:1`,
		{},
		`${name}:${secret}`,
	);
	expect(pushed.ok, pushed.stderr).toBe(true);
});

test("a system robot made under Administration for one project pulls from it and from no other", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const covered = unique("sysrobot-in");
	const other = unique("sysrobot-out");
	await api.createProject(covered);
	await api.createProject(other);
	for (const p of [covered, other])
		expect((await client.pushImage(`${p}/base:1`)).ok).toBe(true);

	await signIn(page);
	await page.goto(paths.admin.href("robots"));
	await expect(
		page.getByRole("heading", { name: "System robot accounts", level: 1 }),
	).toBeVisible();
	await page.getByRole("button", { name: "New robot account" }).click();
	const form = page.getByRole("dialog", { name: "New system robot account" });
	const short = unique("puller");
	await form.getByLabel("Name", { exact: true }).fill(short);
	await form.getByRole("radio", { name: "Chosen projects" }).check();
	await form.getByLabel("Find a project").fill(covered);
	await form.getByRole("button", { name: `Add ${covered}` }).click();
	await expect(form.getByText("1 project chosen")).toBeVisible();
	await form.getByRole("button", { name: "Pull only" }).click();
	await expect(
		form.getByRole("checkbox", { name: "Repository: Pull" }),
	).toBeChecked();
	await form.getByRole("button", { name: "Create" }).click();
	const created = await takeSecret(page, "Robot account created");
	expect(created.name).toBe(`robot$${short}`);
	await created.dialog.getByRole("button", { name: "I have saved it" }).click();

	await page.getByLabel("Search robot accounts").fill(short);
	await expect(page).toHaveURL(/name=puller/);
	const row = page.getByTestId("robot-row").filter({ hasText: created.name });
	await expect(row).toContainText(`Project ${covered}`);
	await expect(page.getByTestId("robot-row")).toHaveCount(1);
	await expectAccessible(page);
	await screenshot(page, "robots-system-page");

	// A link to the plain list clears the search: the box follows the URL, and the old text is not written back.
	await page
		.getByRole("navigation", { name: "Administration" })
		.getByRole("link", { name: "Robot accounts" })
		.click();
	await expectFilterStaysCleared(
		page,
		page.getByLabel("Search robot accounts"),
		"name",
	);

	const pulled = await client.pullImage(
		`${covered}/base:1`,
		`${created.name}:${created.secret}`,
	);
	expect(pulled.ok, pulled.stderr).toBe(true);
	expect(
		(
			await client.pullImage(
				`${other}/base:1`,
				`${created.name}:${created.secret}`,
			)
		).ok,
	).toBe(false);
});

test("a project maintainer sees the robots but is offered nothing to change", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const project = unique("robots-mnt");
	await api.createProject(project);
	await api.post("/robots", {
		name: "ci",
		level: "project",
		duration: 30,
		permissions: [
			{
				kind: "project",
				namespace: project,
				access: [{ resource: "repository", action: "pull" }],
			},
		],
	});
	const maintainer = await api.createUser(unique("maintainer"));
	await api.addMember(project, maintainer.username, 4);

	await page.goto("/sign-in");
	await signIn(page, maintainer.username, maintainer.password);
	await page.goto(paths.projectTab.href(project, "robots"));
	const row = page
		.getByTestId("robot-row")
		.filter({ hasText: `robot$${project}+ci` });
	await expect(row).toContainText("Repository: Pull");
	await expect(row.getByRole("button")).toHaveCount(0);
	await expect(
		page.getByRole("button", { name: "New robot account" }),
	).toHaveCount(0);
});

test("a robot made without choosing an expiry gets the expiry the administrator configured", async ({
	page,
	request,
}) => {
	const admin = adminApi(request);
	const project = unique("robots-expiry");
	const projectId = await admin.createProject(project);
	const original = (
		await admin.get<Record<string, { value: unknown }>>("/configurations")
	).robot_token_duration.value;
	await admin.put("/configurations", { robot_token_duration: 12 });
	try {
		await signIn(page);
		await page.goto(paths.projectTab.href(project, "robots"));
		await page.getByRole("button", { name: "New robot account" }).click();
		const form = page.getByRole("dialog", { name: "New robot account" });
		await form.getByLabel("Name", { exact: true }).fill("nightly");
		await form.getByRole("checkbox", { name: "Repository: Pull" }).check();
		await expect(
			form.getByRole("radio", { name: "System default" }),
		).toBeChecked();
		await form.getByRole("button", { name: "Create" }).click();
		const created = await takeSecret(page, "Robot account created");
		await created.dialog
			.getByRole("button", { name: "I have saved it" })
			.click();

		const robots = await admin.get<{ name: string; duration: number }[]>(
			`/robots?q=${encodeURIComponent(`Level=project,ProjectID=${projectId}`)}`,
		);
		expect(robots.find((r) => r.name === created.name)?.duration).toBe(12);
	} finally {
		await admin.put("/configurations", { robot_token_duration: original });
	}
});
