import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	chooseLanguage,
	expectAccessible,
	signIn,
	unique,
} from "./fixtures.ts";

test("a limited guest is told their role hides the members and quota, not that only members see them", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const project = unique("limited");
	await api.createProject(project);
	const user = await api.createUser(unique("lguest"));
	await api.addMember(project, user.username, 5);
	await signIn(page, user.username, user.password);
	await page.goto(paths.projectTab.href(project, "summary"));
	await expect(
		page.getByText(
			"Your role here (Limited guest) does not show who belongs to the project.",
		),
	).toBeVisible();
	await expect(
		page.getByText("Only members see who belongs to the project."),
	).toHaveCount(0);
	await expectAccessible(page);

	// Someone who is no member of a public project is still told it is for members.
	const open = unique("public");
	await api.createProject(open, { public: true });
	await page.goto(paths.projectTab.href(open, "summary"));
	await expect(
		page.getByText("Only members see who belongs to the project."),
	).toBeVisible();
});

test("a refusal reads in plain words and the chosen language, the server's words and the request id in a details line", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const other = await api.createUser(unique("admin3"));
	await api.put(`/users/${other.id}/sysadmin`, { sysadmin_flag: true });
	await signIn(page, other.username, other.password);
	await page.goto("/admin/users?username=admin");
	const builtIn = page
		.getByTestId("user-row")
		.filter({ has: page.getByText("admin", { exact: true }) });
	await builtIn
		.getByRole("button", { name: "Delete admin", exact: true })
		.click();
	const confirm = page.getByRole("dialog", { name: "Delete user" });
	await confirm.getByRole("button", { name: "Delete" }).click();
	const alert = confirm.getByRole("alert");
	await expect(alert.locator("p").first()).toHaveText(
		"The built-in admin account cannot be deleted.",
	);
	const details = alert.getByTestId("error-details");
	await expect(details).not.toHaveAttribute("open");
	await details.locator("summary").click();
	await expect(details).toContainText(
		"The server said: the built-in admin cannot be deleted",
	);
	await expect(details).toContainText(/Request id: \S+/);
	await expectAccessible(page);
	await page.screenshot({ path: "/tmp/polish-error-details.png" });
	await confirm.getByRole("button", { name: "Cancel" }).click();

	// In 简体中文 the same refusal reads in Chinese.
	await chooseLanguage(page, "zh-CN");
	await page.goto("/admin/users?username=admin");
	await builtIn
		.getByRole("button", { name: "删除 admin", exact: true })
		.click();
	const zh = page.getByRole("dialog", { name: "删除用户" });
	await zh.getByRole("button", { name: "删除", exact: true }).click();
	await expect(zh.getByRole("alert").locator("p").first()).toHaveText(
		"内置管理员账户不能删除。",
	);
	await expect(zh.getByTestId("error-details")).toContainText(
		"服务器返回：the built-in admin cannot be deleted",
	);
});
