import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	expectAccessible,
	screenshot,
	sharedProject,
	signIn,
	unique,
} from "./fixtures.ts";

const project = unique("immutable");
sharedProject(project, async ({ client }) => {
	const pushed = await client.pushImage(`${project}/app:v1.0`);
	expect(pushed.ok, pushed.stderr).toBe(true);
});

test("a rule is added, edited, disabled and its tag refuses deletion with the reason", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.projectTab.href(project, "policy"));
	// The tab also holds tag retention (retention.spec.ts): this spec looks at the immutability section.
	const section = page.getByRole("region", { name: "Tag immutability" });
	await expect(
		section.getByRole("heading", { name: "Tag immutability" }),
	).toBeVisible();
	await expect(section.getByTestId("empty-state")).toContainText(
		"No immutability rules",
	);

	await section.getByRole("button", { name: "Add rule" }).click();
	const add = page.getByRole("dialog", { name: "Add an immutability rule" });
	await add.getByRole("button", { name: "Add" }).click();
	await expect(add.getByText("Enter a pattern.")).toBeVisible();
	await add.getByLabel("Tag pattern").fill("v*");
	await add.getByRole("button", { name: "Add" }).click();
	await expect(add).toBeHidden();
	const row = page.getByTestId("immutable-rule-row");
	await expect(row).toHaveCount(1);
	await expect(row).toContainText("repositories matching **");
	await expect(row).toContainText("match v*");
	await expect(row.getByTestId("immutable-status")).toHaveText("Enabled");
	await expectAccessible(page);
	await screenshot(page, "immutable-rules-tab");

	// A bad pattern is refused by the server with its reason, in the dialog.
	await row.getByRole("button", { name: /^Edit rule \d+$/ }).click();
	const edit = page.getByRole("dialog", { name: "Edit the immutability rule" });
	await expect(edit.getByLabel("Tag pattern")).toHaveValue("v*");
	await edit.getByLabel("Tag pattern").fill("v[1");
	await edit.getByRole("button", { name: "Save" }).click();
	await expect(edit.getByRole("alert")).toContainText(
		"is not a valid doublestar pattern",
	);
	await edit.getByLabel("Tag pattern").fill("v1.*");
	await edit.getByRole("button", { name: "Save" }).click();
	await expect(edit).toBeHidden();
	await expect(row).toContainText("match v1.*");

	// The matched tag cannot be deleted in the console: the dialog says why, and the tag stays.
	await page.goto(paths.repository.href(project, "app"));
	await expect(page.getByRole("img", { name: /^Immutable/ })).toBeVisible();
	await page.getByRole("button", { name: "Remove tag v1.0" }).click();
	const confirm = page.getByRole("dialog", { name: "Delete tag?" });
	await confirm.getByRole("button", { name: "Delete" }).click();
	await expect(confirm.getByRole("alert")).toContainText(
		`The tag ${project}/app:v1.0 is immutable, cannot be deleted`,
	);
	await confirm.getByRole("button", { name: "Cancel" }).click();
	await expect(
		page.getByRole("button", { name: "Remove tag v1.0" }),
	).toBeVisible();

	// Disabled, the rule no longer holds the tag; deleted, the list is empty again.
	await page.goto(paths.projectTab.href(project, "policy"));
	await row.getByRole("button", { name: /^Disable rule \d+$/ }).click();
	await expect(row.getByTestId("immutable-status")).toHaveText("Disabled");
	await row.getByRole("button", { name: /^Delete rule \d+$/ }).click();
	await page
		.getByRole("dialog", { name: "Delete the immutability rule?" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(row).toHaveCount(0);
});
