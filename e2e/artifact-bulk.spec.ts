import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import { shortDigest } from "../web/src/components/format.ts";
import { expectAccessible, sharedProject, signIn, unique } from "./fixtures.ts";

// One project: `many` holds 17 small images (more than a page of 15), `app` three tagged ones, and a project label.
const project = unique("bulk");
const label = unique("reviewed");
const app: Record<string, string> = {};

sharedProject(project, async ({ api, client, projectId }) => {
	const refs = [
		...Array.from({ length: 17 }, (_, i) => `many:v${i + 1}`),
		"app:a1",
		"app:a2",
		"app:a3",
	];
	for (let i = 0; i < refs.length; i += 4) {
		const pushed = await Promise.all(
			refs
				.slice(i, i + 4)
				.map((ref) =>
					client.pushImage(`${project}/${ref}`, { layers: 1, layerBytes: 512 }),
				),
		);
		pushed.forEach((p, j) => {
			expect(p.ok, p.stderr).toBe(true);
			const [repo, tag] = refs[i + j].split(":");
			if (repo === "app") app[tag] = p.digest;
		});
	}
	await api.post("/labels", {
		name: label,
		color: "#1D7A46",
		scope: "p",
		project_id: projectId,
	});
});

test("the artifact list offers 15, 25, 50 or 100 a page, kept in the URL", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.repository.href(project, "many"));
	const rows = page.getByTestId("artifact-row");
	await expect(rows).toHaveCount(15);
	await expect(page.getByTestId("page-indicator")).toHaveText("Page 1 of 2");
	const size = page.getByLabel("Per page");
	await expect(size).toHaveValue("15");
	await expect(size.locator("option")).toHaveText(["15", "25", "50", "100"]);

	await size.selectOption("25");
	await expect(page).toHaveURL(/[?&]page_size=25/);
	await expect(rows).toHaveCount(17);
	await page.reload();
	await expect(rows).toHaveCount(17);
	await expect(page.getByLabel("Per page")).toHaveValue("25");

	// Back to the default: the URL drops it, and a later page goes back to the first.
	await page.getByLabel("Per page").selectOption("15");
	await expect(page).not.toHaveURL(/page_size=/);
	await expect(rows).toHaveCount(15);
	await page.getByRole("button", { name: "Next page" }).click();
	await expect(rows).toHaveCount(2);
	await page.getByLabel("Per page").selectOption("50");
	await expect(page).not.toHaveURL(/[?&]page=/);
	await expect(rows).toHaveCount(17);
});

test("several artifacts get a label at once, the list filters by it (in the URL), and the selection is deleted at once", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.repository.href(project, "app"));
	const rows = page.getByTestId("artifact-row");
	const rowOf = (tag: string) =>
		rows.filter({
			has: page.getByRole("button", { name: `Remove tag ${tag}`, exact: true }),
		});
	await expect(rows).toHaveCount(3);
	await expect(
		page.getByRole("region", { name: "Selected artifacts" }),
	).toHaveCount(0);

	await page
		.getByRole("checkbox", { name: `Select ${shortDigest(app.a1)}` })
		.check();
	await page
		.getByRole("checkbox", { name: `Select ${shortDigest(app.a2)}` })
		.check();
	const bar = page.getByRole("region", { name: "Selected artifacts" });
	await expect(bar.getByTestId("selected-count")).toHaveText(
		"2 artifacts selected",
	);
	await expectAccessible(page);
	await page.screenshot({
		path: "/tmp/polish-artifact-bulk.png",
		fullPage: true,
	});

	await bar.getByRole("button", { name: "Add label" }).click();
	const labelDialog = page.getByRole("dialog", {
		name: "Add a label to 2 artifacts",
	});
	await labelDialog
		.locator("label")
		.filter({ hasText: label })
		.getByRole("radio")
		.check();
	await expectAccessible(page);
	await labelDialog.getByRole("button", { name: "Add to 2 artifacts" }).click();
	await expect(labelDialog.getByRole("status")).toHaveText(
		"The label was added to 2 artifacts.",
	);
	await labelDialog.getByRole("button", { name: "Close" }).last().click();
	await expect(bar).toHaveCount(0);
	for (const tag of ["a1", "a2"])
		await expect(rowOf(tag).getByTestId("label-chip")).toContainText(label);
	await expect(rowOf("a3").getByTestId("label-chip")).toHaveCount(0);

	await page
		.getByLabel("Filter by label")
		.selectOption({ label: `${label} (Project)` });
	await expect(page).toHaveURL(/[?&]label=\d+/);
	await expect(rows).toHaveCount(2);
	await page.reload();
	await expect(rows).toHaveCount(2);
	await expect(page.getByLabel("Filter by label")).toHaveValue(/^\d+$/);

	await page
		.getByRole("checkbox", { name: "Select every artifact on this page" })
		.check();
	await expect(bar.getByTestId("selected-count")).toHaveText(
		"2 artifacts selected",
	);
	await bar.getByRole("button", { name: "Delete" }).click();
	const confirm = page.getByRole("dialog", { name: "Delete 2 artifacts?" });
	await expect(confirm).toContainText(shortDigest(app.a1));
	await expect(confirm).toContainText(
		"2 of them have tags: their tags go too.",
	);
	await confirm.getByRole("button", { name: "Delete" }).click();
	await expect(confirm.getByRole("status")).toHaveText("2 artifacts deleted.");
	await confirm.getByRole("button", { name: "Close" }).last().click();
	await expect(page.getByText("No artifact matches the filters")).toBeVisible();

	await page.getByLabel("Filter by label").selectOption("");
	await expect(page).not.toHaveURL(/label=/);
	await expect(rows).toHaveCount(1);
	await expect(rowOf("a3")).toHaveCount(1);
});
