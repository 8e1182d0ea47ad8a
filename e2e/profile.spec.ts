import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	chooseLanguage,
	expectAccessible,
	openUserMenu,
	signIn,
	unique,
} from "./fixtures.ts";

test("a user edits their own profile from the user menu; the username stays, the server keeps the rest", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const user = await api.createUser(unique("profile"));
	await signIn(page, user.username, user.password);
	await openUserMenu(page);
	await page.getByRole("button", { name: "User profile" }).click();
	const dialog = page.getByRole("dialog", { name: "User profile" });
	await expect(dialog.getByLabel("Username")).toHaveValue(user.username);
	await expect(dialog.getByLabel("Username")).toBeDisabled();
	await expect(dialog.getByLabel("Email")).toHaveValue(
		`${user.username}@example.com`,
	);
	await expectAccessible(page);

	await dialog.getByLabel("Email").fill("not-an-address");
	await dialog.getByRole("button", { name: "Save" }).click();
	await expect(
		dialog.getByText("An email address looks like name@example.com."),
	).toBeVisible();

	await dialog.getByLabel("Email").fill(`${user.username}@new.example.com`);
	await dialog.getByLabel("Full name").fill("Ada Lovelace");
	await dialog.getByLabel("Comment").fill("builds the CI images");
	await page.screenshot({ path: "/tmp/polish-profile.png" });
	await dialog.getByRole("button", { name: "Save" }).click();
	await expect(dialog).toBeHidden();

	const saved = await api.get<{
		email: string;
		realname: string;
		comment: string;
	}>(`/users/${user.id}`);
	expect(saved).toMatchObject({
		email: `${user.username}@new.example.com`,
		realname: "Ada Lovelace",
		comment: "builds the CI images",
	});
	await openUserMenu(page);
	await page.getByRole("button", { name: "User profile" }).click();
	await expect(dialog.getByLabel("Full name")).toHaveValue("Ada Lovelace");
});

test("About names the version and build and links to the API explorer, which lists Harbor's operations from /swagger.yaml", async ({
	page,
	request,
}) => {
	const version = (
		await adminApi(request).get<{ harbor_version: string }>("/systeminfo")
	).harbor_version;
	await signIn(page);
	await openUserMenu(page);
	await page.getByRole("button", { name: "About Wharf" }).click();
	const about = page.getByRole("dialog", { name: "About Wharf" });
	await expect(about.getByTestId("about-build")).toHaveText(version);
	await expect(about.getByTestId("about-version")).toHaveText(
		version.replace(/^.*-wharf-/, ""),
	);
	await expect(
		about.getByRole("link", { name: "API explorer" }),
	).toHaveAttribute("href", paths.apiExplorer.href());
	await expectAccessible(page);
	await page.screenshot({ path: "/tmp/polish-about.png" });

	const file = await request.get("/swagger.yaml");
	expect(file.ok()).toBe(true);
	expect(await file.text()).toContain("basePath: /api/v2.0");

	// Nothing is fetched from anywhere but this server.
	const elsewhere: string[] = [];
	page.on("request", (r) => {
		if (!r.url().startsWith(new URL(page.url()).origin))
			elsewhere.push(r.url());
	});
	await page.goto(paths.apiExplorer.href());
	await expect(
		page.getByRole("heading", { name: "API explorer", level: 1 }),
	).toBeVisible();
	const ops = page.getByTestId("api-operation");
	await expect(ops.first()).toBeVisible();
	await page.getByLabel("Filter operations").fill("listProjects");
	await expect(ops).toHaveCount(1);
	await ops.first().locator("summary").click();
	await expect(ops.first()).toContainText("/api/v2.0/projects");
	await expect(ops.first().getByRole("table")).toContainText("page_size");
	await expect(ops.first()).toContainText("array of Project");
	await expectAccessible(page);
	await page.screenshot({ path: "/tmp/polish-explorer.png" });
	expect(elsewhere).toEqual([]);

	await chooseLanguage(page, "zh-CN");
	await expect(
		page.getByRole("heading", { name: "API 浏览器", level: 1 }),
	).toBeVisible();
	await chooseLanguage(page, "en");
});
