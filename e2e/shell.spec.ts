import { expect, type Page, test } from "@playwright/test";
import {
	adminApi,
	adminBasic,
	chooseLanguage,
	expectAccessible,
	openPalette,
	openUserMenu,
	registryClient,
	screenshot,
	signIn,
	signOut,
	unique,
} from "./fixtures.ts";

const paletteName = "Go to a page, project or repository";
const adminPageNames = [
	"Users",
	"Groups",
	"Robot accounts",
	"Registries",
	"Replications",
	"Scanners",
	"Labels",
	"Project quotas",
	"Garbage collection",
	"Job service",
	"Configuration",
	"Audit log",
	"Audit log purge",
];

const searchBox = (page: Page) =>
	page.getByRole("searchbox", { name: "Search projects and repositories" });
const mainNav = (page: Page) => page.getByRole("navigation", { name: "Main" });

test.describe("the command palette", () => {
	test("Ctrl+K jumps to a project, and ⌘K takes an admin to an admin page, keyboard only", async ({
		page,
		request,
	}) => {
		const project = unique("palette");
		await adminApi(request).createProject(project);
		await page.goto("/sign-in");
		await signIn(page);

		let palette = await openPalette(page, "Control+k");
		// With nothing typed, the palette lists the pages: Projects and, for an admin, the six admin pages.
		await expect(palette.getByRole("option")).toHaveCount(
			1 + adminPageNames.length,
		);
		await page.keyboard.type(project);
		const option = palette.getByRole("option", { name: project, exact: true });
		await expect(option).toHaveAttribute("aria-selected", "true");
		await page.keyboard.press("Enter");
		// The project page opens on its summary tab.
		await expect(page).toHaveURL(new RegExp(`/projects/${project}/summary$`));
		await expect(palette).toBeHidden();

		palette = await openPalette(page, "Meta+k");
		await page.keyboard.type("audit");
		// The audit log comes before its purge, so typing "audit" picks the log.
		await expect(
			palette.getByRole("option", { name: /^Audit log Administration/ }),
		).toHaveAttribute("aria-selected", "true");
		await page.keyboard.press("Enter");
		await expect(page).toHaveURL(/\/admin\/audit-log$/);
		await expect(
			page
				.getByRole("navigation", { name: "Administration" })
				.getByRole("link", { name: "Audit log", exact: true }),
		).toHaveAttribute("aria-current", "page");

		// The top bar's button opens it too; Escape closes it and gives the focus back.
		const trigger = page.getByRole("button", { name: /Go to…/ });
		await expect(trigger).toContainText(/Ctrl K|⌘K/);
		await trigger.click();
		await expect(page.getByRole("dialog", { name: paletteName })).toBeVisible();
		await page.keyboard.press("Escape");
		await expect(page.getByRole("dialog", { name: paletteName })).toBeHidden();
		await expect(trigger).toBeFocused();
	});

	test("a user who is not a system admin sees no Administration, in the top bar or the palette", async ({
		page,
		request,
	}) => {
		const user = await adminApi(request).createUser(unique("plain"));
		await page.goto("/sign-in");
		await signIn(page, user.username, user.password);
		await expect(
			mainNav(page).getByRole("link", { name: "Projects" }),
		).toBeVisible();
		await expect(
			mainNav(page).getByRole("link", { name: "Administration" }),
		).toHaveCount(0);

		const palette = await openPalette(page);
		await expect(palette.getByRole("option")).toHaveText(["Projects"]);
		await page.keyboard.type("audit");
		await expect(
			palette.getByRole("option", { name: /Audit log/ }),
		).toHaveCount(0);
		for (const name of adminPageNames)
			await expect(
				palette.getByRole("option", { name: new RegExp(`^${name}`) }),
			).toHaveCount(0);
		await page.keyboard.press("Escape");

		// A deep link to an admin page says "not found", as for a page that is not there.
		await page.goto("/admin/users");
		await expect(
			page.getByRole("heading", { name: "Not found" }),
		).toBeVisible();
	});
});

test.describe("search", () => {
	test("the top-bar search finds a pushed repository and its project, and links to them", async ({
		page,
		request,
	}) => {
		const project = unique("findme");
		await adminApi(request).createProject(project);
		const repo = `team/${unique("shellrepo")}`;
		const client = await registryClient();
		try {
			const pushed = await client.pushImage(`${project}/${repo}:1.0`);
			expect(pushed.ok, pushed.stderr).toBe(true);
		} finally {
			await client.cleanup();
		}

		await page.goto("/sign-in");
		await signIn(page);
		const short = repo.split("/")[1];
		await searchBox(page).fill(short);
		await searchBox(page).press("Enter");
		await expect(page).toHaveURL(`/search?q=${short}`);
		await expect(page.getByRole("heading", { level: 1 })).toHaveText(
			`Search results for “${short}”`,
		);
		const link = page
			.getByRole("table", { name: "Repositories" })
			.getByRole("link", { name: `${project}/${repo}` });
		await expect(link).toHaveAttribute(
			"href",
			`/projects/${project}/repositories/${encodeURIComponent(repo)}`,
		);
		await expect(page.getByTestId("search-repository")).toHaveCount(1);
		await expect(
			page.getByTestId("search-repository").getByRole("cell").nth(2),
		).toHaveText("1"); // one artifact

		// The query stays in the URL: a reload (or a copied link) shows the same results, and the box keeps the query.
		await page.reload();
		await expect(searchBox(page)).toHaveValue(short);
		await link.click();
		await expect(page).toHaveURL(
			`/projects/${project}/repositories/${encodeURIComponent(repo)}`,
		);

		await searchBox(page).fill(project);
		await searchBox(page).press("Enter");
		const projectLink = page
			.getByRole("table", { name: "Projects" })
			.getByRole("link", { name: project, exact: true });
		await expect(projectLink).toHaveAttribute("href", `/projects/${project}`);
		await expect(
			page
				.getByRole("table", { name: "Repositories" })
				.getByRole("link", { name: `${project}/${repo}` }),
		).toBeVisible();

		const nothing = unique("nothing-here");
		await searchBox(page).fill(nothing);
		await searchBox(page).press("Enter");
		await expect(page.getByTestId("empty-state")).toContainText(
			`Nothing matches “${nothing}”`,
		);
		await expect(
			page.getByRole("link", { name: "Browse all projects" }),
		).toHaveAttribute("href", "/projects");
	});
});

test.describe("the user menu", () => {
	test("a user changes their password, signs out and signs in with the new one", async ({
		page,
		request,
	}) => {
		const user = await adminApi(request).createUser(unique("pw"));
		const fresh = "N3w-passw0rd";
		await page.goto("/sign-in");
		await signIn(page, user.username, user.password);

		await openUserMenu(page);
		await expect(page.getByRole("group", { name: "User menu" })).toContainText(
			`Signed in as ${user.username}`,
		);
		await page.getByRole("button", { name: "Change password" }).click();
		const dialog = page.getByRole("dialog", { name: "Change password" });
		await expect(dialog).toBeVisible();
		const submit = dialog.getByRole("button", { name: "Change password" });

		// Harbor's rule is hinted while typing; nothing is sent until it is met and the confirmation matches.
		await dialog.getByLabel("Current password").fill("Wr0ng-password");
		await dialog.getByLabel("New password", { exact: true }).fill("short");
		const rules = dialog
			.getByRole("list", { name: "Password rules" })
			.getByRole("listitem");
		await expect(rules.and(page.locator('[data-met="false"]'))).toHaveCount(3);
		await expect(submit).toBeDisabled();
		await dialog.getByLabel("New password", { exact: true }).fill(fresh);
		await expect(rules.and(page.locator('[data-met="true"]'))).toHaveCount(4);
		await dialog.getByLabel("Confirm new password").fill(`${fresh}x`);
		await expect(
			dialog.getByText("The two new passwords differ."),
		).toBeVisible();
		await expect(submit).toBeDisabled();
		await dialog.getByLabel("Confirm new password").fill(fresh);

		// The server's refusal, in its words.
		await submit.click();
		await expect(dialog.getByRole("alert")).toContainText(
			"the current password is incorrect",
		);

		await dialog.getByLabel("Current password").fill(user.password);
		await submit.click();
		await expect(dialog.getByRole("status")).toHaveText(
			"Your password was changed. Use the new one next time you sign in.",
		);
		await dialog.getByRole("button", { name: "Close" }).last().click();
		await expect(dialog).toBeHidden();

		await signOut(page);
		await page.getByLabel("Username").fill(user.username);
		await page.getByLabel("Password").fill(user.password);
		await page.getByRole("button", { name: "Sign in" }).click();
		await expect(page.getByRole("alert")).toHaveText(
			"Sign-in failed: invalid username or password",
		);
		await signIn(page, user.username, fresh);
	});

	test("the console in 简体中文: the projects page and the whole shell, with no English left in the shell", async ({
		page,
	}) => {
		await page.goto("/sign-in");
		await signIn(page);
		await page.goto("/projects");
		await chooseLanguage(page, "zh-CN");
		await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");

		await expect(page.getByRole("heading", { level: 1 })).toHaveText("项目");
		const nav = page.getByRole("navigation", { name: "主导航" });
		await expect(nav.getByRole("link", { name: "项目" })).toBeVisible();
		await expect(nav.getByRole("link", { name: "系统管理" })).toBeVisible();
		await expect(
			page.getByRole("searchbox", { name: "搜索项目和镜像仓库" }),
		).toBeVisible();
		await expect(page.getByRole("button", { name: /跳转到…/ })).toBeVisible();
		const menu = page.getByRole("group", { name: "用户菜单" });
		await expect(menu.getByRole("button", { name: "修改密码" })).toBeVisible();
		await expect(menu.getByRole("button", { name: "退出登录" })).toBeVisible();
		await expect(
			menu
				.getByRole("group", { name: "主题" })
				.getByRole("radio", { name: "深色" }),
		).toBeVisible();
		await expect(menu).toContainText("系统管理员");

		// No English in the shell: its text, names and placeholders hold only Chinese, besides the product's name, the
		// username and the shortcut's key name.
		const header = page.locator("header");
		const words = await header.evaluate((el: HTMLElement) => {
			const shown = el.cloneNode(true) as HTMLElement;
			for (const e of shown.querySelectorAll('[aria-hidden="true"]'))
				e.remove(); // the username's initial
			return [
				shown.textContent,
				...[
					...el.querySelectorAll("[aria-label],[placeholder],[title]"),
				].flatMap((e) =>
					["aria-label", "placeholder", "title"].map(
						(a) => e.getAttribute(a) ?? "",
					),
				),
			].join(" ");
		});
		expect(words.replace(/Wharf|admin|Ctrl K|⌘K|English/g, "")).not.toMatch(
			/[A-Za-z]/,
		);
		await screenshot(page, "shell-zh-CN");

		await menu.getByRole("button", { name: "修改密码" }).click();
		const dialog = page.getByRole("dialog", { name: "修改密码" });
		await expect(dialog.getByLabel("当前密码")).toBeVisible();
		await expect(dialog.getByRole("list", { name: "密码规则" })).toContainText(
			"长度为 8 到 128 个字符",
		);
		await dialog.getByRole("button", { name: "取消" }).click();

		await page.keyboard.press("Control+k");
		const palette = page.getByRole("dialog", {
			name: "跳转到页面、项目或镜像仓库",
		});
		await expect(
			palette.getByRole("option", { name: /^审计日志 系统管理/ }),
		).toBeVisible();
		await expect(palette.getByRole("combobox")).toHaveAttribute(
			"placeholder",
			"输入页面、项目或镜像仓库名称…",
		);
		await page.keyboard.press("Escape");
		await chooseLanguage(page, "en");
	});
});

test("the user menu closes when focus leaves it by Tab, and on Escape with focus back on its button", async ({
	page,
}) => {
	await page.goto("/sign-in");
	await signIn(page);
	await expect(page).toHaveTitle("Projects · Wharf");
	const button = page
		.getByRole("button")
		.filter({ has: page.getByTestId("current-user") });
	const panel = page.getByRole("group", { name: "User menu" });
	await openUserMenu(page);
	await page.getByRole("button", { name: "Sign out" }).focus();
	await page.keyboard.press("Tab");
	await expect(panel).toBeHidden();
	await expect(button).toHaveAttribute("aria-expanded", "false");

	await openUserMenu(page);
	await page.getByRole("button", { name: "Sign out" }).focus();
	await page.keyboard.press("Escape");
	await expect(panel).toBeHidden();
	await expect(button).toBeFocused();
});

test.describe("sessions", () => {
	test("when the session has expired, the next request answering 401 leads to sign-in and back to the same page", async ({
		page,
		context,
	}) => {
		await page.goto("/sign-in");
		await signIn(page);
		await page.goto("/search?q=library");
		await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
		await page.waitForLoadState("networkidle"); // nothing of the page's own still in flight when the cookies go

		await context.clearCookies();
		// The admin's user list answers 401 to a caller without a session.
		await mainNav(page).getByRole("link", { name: "Administration" }).click();
		await expect(page).toHaveURL(/\/sign-in\?redirect=%2Fadmin%2Fusers$/);
		await expect(page.getByRole("status")).toHaveText(
			"Your session has ended. Sign in to continue.",
		);
		// The notice travels in the page's history entry, so a reload keeps it (and the way back).
		await page.reload();
		await expect(page.getByRole("status")).toHaveText(
			"Your session has ended. Sign in to continue.",
		);
		await signIn(page);
		await expect(page).toHaveURL(/\/admin\/users$/);
	});

	test("when the session has expired, even a request anonymous callers may make leads to sign-in and back", async ({
		page,
		context,
	}) => {
		await page.goto("/sign-in");
		await signIn(page);
		const project = unique("expiry");
		await searchBox(page).fill("lib");
		await searchBox(page).press("Enter");
		await expect(page).toHaveURL("/search?q=lib");
		// Let the page's own requests finish first: one answered after the cookies are gone would (rightly) end the session
		// before the user acts.
		await page.waitForLoadState("networkidle");

		await context.clearCookies();
		// Search answers anonymous callers too (public projects only): without the session's token on the answer, the
		// console knows the session is gone instead of quietly showing less.
		await searchBox(page).fill(project);
		await searchBox(page).press("Enter");
		await expect(page).toHaveURL(
			new RegExp(
				`/sign-in\\?redirect=${encodeURIComponent(`/search?q=${project}`)}$`,
			),
		);
		await expect(
			page.getByText("Your session has ended. Sign in to continue."),
		).toBeVisible();
		await signIn(page);
		await expect(page).toHaveURL(`/search?q=${project}`);
		await expect(page.getByTestId("empty-state")).toContainText(
			`Nothing matches “${project}”`,
		);
	});

	test("a write with the session cookie but without the CSRF token is refused and creates nothing; the console's own works", async ({
		page,
		request,
	}) => {
		await page.goto("/sign-in");
		await signIn(page);
		const forged = unique("csrf");
		const answer = await page.evaluate(async (name) => {
			const r = await fetch("/api/v2.0/projects", {
				method: "POST",
				credentials: "same-origin",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify({
					project_name: name,
					metadata: { public: "false" },
				}),
			});
			return { status: r.status, body: await r.text() };
		}, forged);
		expect(answer.status).toBe(403);
		expect(answer.body).toContain("CSRF");
		const lookup = await request.get(`/api/v2.0/projects/${forged}`, {
			headers: { Authorization: adminBasic, "X-Is-Resource-Name": "true" },
		});
		expect(lookup.status()).toBe(404);

		// The console's own create goes through its client, which echoes the token the server gave it.
		const made = unique("csrf-ok");
		await page.goto("/projects");
		await page.getByRole("button", { name: "New project" }).click();
		const dialog = page.getByRole("dialog", { name: "New project" });
		await dialog.getByLabel("Project name").fill(made);
		await dialog.getByRole("button", { name: "Create" }).click();
		await expect
			.poll(async () =>
				(
					await request.get(`/api/v2.0/projects/${made}`, {
						headers: {
							Authorization: adminBasic,
							"X-Is-Resource-Name": "true",
						},
					})
				).status(),
			)
			.toBe(200);
	});
});

test("the shell, search results, palette, user menu and change-password dialog pass an axe scan in light and dark", async ({
	page,
	request,
}) => {
	const project = unique("looks");
	await adminApi(request).createProject(project);
	await page.goto("/sign-in");
	await signIn(page);
	for (const theme of ["Light", "Dark"] as const) {
		const name = theme.toLowerCase();
		await openUserMenu(page);
		await page.getByRole("radio", { name: theme }).check();
		if (theme === "Dark")
			await expect(page.locator("html")).toHaveClass(/dark/);
		else await expect(page.locator("html")).not.toHaveClass(/dark/);
		await page.keyboard.press("Escape");

		await page.goto("/projects");
		await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
		await expectAccessible(page);
		await screenshot(page, `shell-${name}`);

		await page.goto(`/search?q=${project}`);
		await expect(
			page
				.getByRole("table", { name: "Projects" })
				.getByRole("link", { name: project }),
		).toBeVisible();
		await expectAccessible(page);
		await screenshot(page, `search-${name}`);

		const palette = await openPalette(page);
		await page.keyboard.type(project);
		await expect(
			palette.getByRole("option", { name: project, exact: true }),
		).toBeVisible();
		await expectAccessible(page);
		await screenshot(page, `palette-${name}`);
		await page.keyboard.press("Escape");

		await openUserMenu(page);
		await expectAccessible(page);
		await screenshot(page, `user-menu-${name}`);
		await page.getByRole("button", { name: "Change password" }).click();
		const dialog = page.getByRole("dialog", { name: "Change password" });
		await dialog.getByLabel("New password", { exact: true }).fill("abc");
		await expectAccessible(page);
		await screenshot(page, `change-password-${name}`);
		await dialog.getByRole("button", { name: "Cancel" }).click();
	}
});
