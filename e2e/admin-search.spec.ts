import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import { expectAccessible, signIn } from "./fixtures.ts";

// Every admin list searches with the one box: above its table, its label on screen, what is typed in the URL once
// typing pauses, kept on reload. (The audit log's filter form is a form of several fields, not a list's search.)
const lists = [
	"users",
	"groups",
	"robots",
	"registries",
	"replications",
	"scanners",
	"labels",
	"quotas",
] as const;

test("each admin list has the same search box in the same place, behaving the same", async ({
	page,
}) => {
	await signIn(page);
	for (const name of lists) {
		await page.goto(paths.admin.href(name));
		const main = page.getByRole("main");
		const box = main.getByRole("searchbox");
		await expect(box, name).toHaveCount(1);
		// Labelled on screen, above the table.
		const label = main
			.locator("label")
			.filter({ has: page.getByRole("searchbox") });
		await expect(label.locator("span").first(), name).toBeVisible();
		const table = main.getByRole("table").first();
		await expect(table, name).toBeVisible();
		const [boxAt, tableAt] = [
			await box.boundingBox(),
			await table.boundingBox(),
		];
		expect(boxAt!.y, name).toBeLessThan(tableAt!.y);

		const typed = "zz-no-such";
		await box.fill(typed);
		await expect(page, name).toHaveURL(new RegExp(`[?&][a-z_]+=${typed}`));
		await page.reload();
		await expect(main.getByRole("searchbox"), name).toHaveValue(typed);
		await expect(main.getByTestId("empty-state"), name).toBeVisible();
	}
	await expectAccessible(page);
});
