import { expect, type Page, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	chooseLanguage,
	expectAccessible,
	openUserMenu,
	screenshot,
	sharedProject,
	signIn,
	signOut,
	unique,
} from "./fixtures.ts";

const project = unique("retention");
const developer = { username: unique("dev"), password: "Passw0rd!1" };
const tags = ["v1", "v2", "v3", "v4", "v5"];
const rule =
	"For the repositories matching **, retain the most recently pushed 3 artifacts with tags matching **, untagged included";

sharedProject(project, async ({ api, client }) => {
	// Pushed one after another, oldest first: v1 and v2 are the two that "keep the last 3" does not keep.
	for (const tag of tags) {
		const pushed = await client.pushImage(`${project}/app:${tag}`, {
			layerBytes: 256,
		});
		expect(pushed.ok, pushed.stderr).toBe(true);
	}
	await api.createUser(developer.username, developer.password);
	await api.addMember(project, developer.username, 2);
});

const retention = (page: Page) =>
	page.getByRole("region", { name: "Tag retention" });

/** The newest run, once it has ended as `status`. */
async function newestRun(page: Page, status: string) {
	const row = retention(page).getByTestId("retention-execution-row").first();
	await expect(row.getByTestId("retention-execution-status")).toHaveText(
		status,
		{ timeout: 30_000 },
	);
	return row;
}

test('"keep the last 3" made in the console: its dry run shows what would go and why, its run deletes it', async ({
	page,
	request,
}) => {
	await signIn(page);
	await page.goto(paths.projectTab.href(project, "policy"));
	const section = retention(page);
	await expect(
		section.getByRole("heading", { name: "Tag retention" }),
	).toBeVisible();
	await expect(section.getByTestId("empty-state").first()).toContainText(
		"No retention rules",
	);
	await expect(section.getByRole("button", { name: "Dry run" })).toBeDisabled();

	// The count is asked for before anything is sent.
	await section.getByRole("button", { name: "Add rule" }).click();
	const add = page.getByRole("dialog", { name: "Add a retention rule" });
	await add.getByRole("button", { name: "Add" }).click();
	await expect(
		add.getByText("Enter a whole number (0 or more)."),
	).toBeVisible();
	await add.getByLabel("Number of artifacts").fill("3");
	await expectAccessible(page);
	await screenshot(page, "retention-rule-editor");
	await add.getByRole("button", { name: "Add" }).click();
	await expect(add).toBeHidden();
	const ruleRow = section.getByTestId("retention-rule-row");
	await expect(ruleRow).toHaveCount(1);
	await expect(ruleRow.getByTestId("retention-rule-text")).toHaveText(rule);
	await expect(ruleRow.getByTestId("retention-rule-status")).toHaveText(
		"Enabled",
	);

	// A pattern the server refuses is said in its words, in the dialog.
	await ruleRow.getByRole("button", { name: "Edit retention rule 1" }).click();
	const edit = page.getByRole("dialog", { name: "Edit the retention rule" });
	await expect(edit.getByLabel("Number of artifacts")).toHaveValue("3");
	await edit.getByLabel("Tag pattern").fill("v[1");
	await edit.getByRole("button", { name: "Save" }).click();
	await expect(edit.getByRole("alert")).toContainText(
		"is not a valid doublestar pattern",
	);
	await edit.getByRole("button", { name: "Cancel" }).click();
	await expect(ruleRow.getByTestId("retention-rule-text")).toHaveText(rule);

	// Dry run: the table says which two would go and why; nothing is deleted.
	await section.getByRole("button", { name: "Dry run" }).click();
	const dry = await newestRun(page, "Succeeded");
	await expect(dry.getByTestId("retention-execution-dry")).toHaveText("Yes");
	await dry.getByRole("button", { name: /^Details of run \d+$/ }).click();
	const details = page.getByRole("dialog", {
		name: /^Dry run \d+: repositories$/,
	});
	await expect(details.getByTestId("retention-task-row")).toHaveCount(1);
	await expect(details.getByTestId("retention-task-row")).toContainText(
		`${project}/app`,
	);
	await expect(details.getByTestId("retention-task-deleted")).toHaveText("2");
	const table = details.getByRole("table", {
		name: `Artifacts of ${project}/app: kept and deleted`,
	});
	await expect(table.getByTestId("retention-row")).toHaveCount(5);
	const deleted = table
		.getByTestId("retention-row")
		.filter({ has: page.locator('[data-action="DEL"]') });
	await expect(deleted).toHaveCount(2);
	await expect(table.locator('[data-action="RETAIN"]')).toHaveCount(3);
	await expect(deleted.nth(0)).toContainText("Would be deleted");
	await expect(deleted.nth(0)).toContainText("retained by no rule");
	expect(
		(await deleted.getByRole("cell").allTextContents())
			.filter((c) => tags.includes(c))
			.sort(),
	).toEqual(["v1", "v2"]);
	const kept = table
		.getByTestId("retention-row")
		.filter({ has: page.locator('[data-action="RETAIN"]') });
	await expect(kept.nth(0)).toContainText(
		"rule 1: retain the most recently pushed 3 artifacts",
	);
	await expectAccessible(page);
	await screenshot(page, "retention-dry-run");
	await details.getByRole("button", { name: "Close" }).click();
	const admin = adminApi(request);
	expect(
		(
			await admin.get<unknown[]>(
				`/projects/${project}/repositories/app/artifacts`,
			)
		).length,
	).toBe(5);

	// The schedule: a preset, and when it runs next.
	const schedule = section.getByTestId("retention-schedule");
	await expect(schedule.getByTestId("retention-next-run")).toHaveText(
		"Not scheduled: runs only when started here.",
	);
	await schedule.getByLabel("Run", { exact: true }).selectOption("Daily");
	await schedule.getByRole("button", { name: "Save schedule" }).click();
	await expect(schedule.getByTestId("retention-next-run")).toContainText(
		"Next run:",
	);
	await schedule.getByLabel("Run", { exact: true }).selectOption("Custom");
	await schedule.getByLabel("Cron").fill("nightly");
	await schedule.getByRole("button", { name: "Save schedule" }).click();
	await expect(schedule.getByRole("alert")).toContainText(
		'invalid cron "nightly"',
	);
	await schedule.getByLabel("Run", { exact: true }).selectOption("None");
	await schedule.getByRole("button", { name: "Save schedule" }).click();
	await expect(schedule.getByTestId("retention-next-run")).toHaveText(
		"Not scheduled: runs only when started here.",
	);

	// Run now asks first, saying that it deletes; then the repository keeps its 3 newest.
	await section.getByRole("button", { name: "Run now", exact: true }).click();
	const confirm = page.getByRole("dialog", {
		name: "Run the retention policy now?",
	});
	await expect(confirm).toContainText("Deleted artifacts cannot be recovered");
	await confirm.getByRole("button", { name: "Run and delete" }).click();
	await expect(confirm).toBeHidden();
	await expect(section.getByTestId("retention-execution-row")).toHaveCount(2);
	const real = await newestRun(page, "Succeeded");
	await expect(real.getByTestId("retention-execution-dry")).toHaveText("No");
	await real.getByRole("button", { name: /^Details of run \d+$/ }).click();
	const ran = page.getByRole("dialog", { name: /^Run \d+: repositories$/ });
	await expect(ran.locator('[data-action="DEL"]')).toHaveCount(2);
	await expect(ran.locator('[data-action="DEL"]').first()).toHaveText(
		/Deleted/,
	);
	await ran.getByRole("button", { name: "Close" }).click();

	await page.goto(paths.repository.href(project, "app"));
	await expect(page.getByTestId("artifact-row")).toHaveCount(3);
	for (const tag of ["v3", "v4", "v5"])
		await expect(
			page.getByTestId("artifact-row").filter({ hasText: tag }),
		).toHaveCount(1);

	// On a phone, and dark: the page does not scroll sideways (tables scroll in their own box) and stays readable.
	await page.goto(paths.projectTab.href(project, "policy"));
	await expect(
		retention(page).getByTestId("retention-execution-row"),
	).toHaveCount(2);
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(
		retention(page).getByRole("button", { name: "Add rule" }),
	).toBeVisible();
	expect(
		await page.evaluate(
			() => document.documentElement.scrollWidth <= window.innerWidth,
		),
	).toBe(true);
	await screenshot(page, "retention-390");
	await openUserMenu(page);
	await page.getByRole("radio", { name: "Dark" }).check();
	await expect(page.locator("html")).toHaveClass(/dark/);
	await page.keyboard.press("Escape");
	await expectAccessible(page);
	await screenshot(page, "retention-390-dark");
	await page.setViewportSize({ width: 1280, height: 720 });
	await (await newestRun(page, "Succeeded"))
		.getByRole("button", { name: /^Details of run \d+$/ })
		.click();
	await expect(
		page
			.getByRole("dialog", { name: /^Run \d+: repositories$/ })
			.locator('[data-action="DEL"]'),
	).toHaveCount(2);
	await expectAccessible(page);
	await screenshot(page, "retention-table-dark");
});

test("a run still waiting in the queue is stopped from the console and never runs", async ({
	page,
	request,
}) => {
	const admin = adminApi(request);
	await signIn(page);
	await page.goto(paths.projectTab.href(project, "policy"));
	const section = retention(page);
	await expect(section.getByTestId("retention-execution-row")).toHaveCount(2);
	await admin.put("/jobservice/queues/RETENTION", { action: "pause" });
	try {
		await section.getByRole("button", { name: "Run now", exact: true }).click();
		await page
			.getByRole("dialog", { name: "Run the retention policy now?" })
			.getByRole("button", { name: "Run and delete" })
			.click();
		const waiting = await newestRun(page, "Pending");
		await waiting.getByRole("button", { name: /^Stop run \d+$/ }).click();
		await expect(waiting.getByTestId("retention-execution-status")).toHaveText(
			"Stopped",
		);
		await expect(
			waiting.getByRole("button", { name: /^Stop run/ }),
		).toHaveCount(0);
	} finally {
		await admin.put("/jobservice/queues/RETENTION", { action: "resume" });
	}
	// Resumed, the queue does not run it: it stays stopped, with no repository judged.
	const stopped = section.getByTestId("retention-execution-row").first();
	await stopped.getByRole("button", { name: /^Details of run \d+$/ }).click();
	const details = page.getByRole("dialog", { name: /^Run \d+: repositories$/ });
	await expect(details.getByTestId("empty-state")).toHaveText(
		"The run ended before it judged any repository",
	);
	await details.getByRole("button", { name: "Close" }).click();
	await page.reload();
	await expect(
		section
			.getByTestId("retention-execution-row")
			.first()
			.getByTestId("retention-execution-status"),
	).toHaveText("Stopped");
});

test("a developer sees the policy and may dry-run it, but neither change it nor run it for real", async ({
	page,
}) => {
	await signIn(page, developer.username, developer.password);
	await page.goto(paths.projectTab.href(project, "policy"));
	const section = retention(page);
	await expect(section.getByTestId("retention-rule-text")).toHaveText(rule);
	await expect(section.getByTestId("retention-read-only")).toBeVisible();
	// Immutability rules are for project admins and maintainers: the tab shows only retention.
	await expect(
		page.getByRole("heading", { name: "Tag immutability" }),
	).toHaveCount(0);
	await expect(section.getByRole("button", { name: "Add rule" })).toHaveCount(
		0,
	);
	await expect(
		section.getByRole("button", {
			name: /^(Edit|Disable|Delete) retention rule/,
		}),
	).toHaveCount(0);
	await expect(
		section.getByRole("button", { name: "Run now", exact: true }),
	).toHaveCount(0);
	await expect(
		section.getByRole("button", { name: "Save schedule" }),
	).toHaveCount(0);
	await expect(
		section
			.getByTestId("retention-schedule")
			.getByLabel("Run", { exact: true }),
	).toBeDisabled();

	await section.getByRole("button", { name: "Dry run" }).click();
	await expect(section.getByTestId("retention-execution-row")).toHaveCount(4);
	const dry = await newestRun(page, "Succeeded");
	await expect(dry.getByTestId("retention-execution-dry")).toHaveText("Yes");
	await expectAccessible(page);

	// In 简体中文 the rule reads in its words too.
	await chooseLanguage(page, "zh-CN");
	await page.keyboard.press("Escape");
	await expect(
		page
			.getByRole("region", { name: "Tag 保留" })
			.getByTestId("retention-rule-text"),
	).toHaveText(
		"对于匹配 ** 的仓库，保留最近推送的 3 个制品，Tag 匹配 **，包括无 Tag 的制品",
	);
	await screenshot(page, "retention-developer-zh");
	await signOut(page);
});
