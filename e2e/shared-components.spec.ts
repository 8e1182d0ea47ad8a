import { expect, type Page, type Request, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	sharedProject,
	signIn,
	trackRequests,
	unique,
} from "./fixtures.ts";

/** The shared pieces (dialog, table, copy button) and the API layer's cache rules, seen through the pages that use them. */
const project = unique("shared");
let digest = "";

const shared = sharedProject(project, async ({ client }) => {
	const pushed = await client.pushImage(`${project}/tool:1.0`, {
		layers: 1,
		layerBytes: 4 * 1024,
	});
	expect(pushed.ok, pushed.stderr).toBe(true);
	digest = pushed.digest;
});

/** The GET requests the page makes from now on whose path matches. */
function requestsTo(page: Page, pattern: RegExp) {
	const seen: string[] = [];
	const listener = (r: Request) => {
		if (r.method() === "GET" && pattern.test(new URL(r.url()).pathname))
			seen.push(r.url());
	};
	page.on("request", listener);
	return { seen, stop: () => page.off("request", listener) };
}

test("a form dialog takes typing at once, Enter submits it, and the focus goes back to the button that opened it", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.repository.href(project, "tool"));
	const row = page.getByTestId("artifact-row");
	const add = row.getByRole("button", { name: `Add tag to ${digest}` });
	await add.click();
	const dialog = page.getByRole("dialog", { name: "Add a tag" });
	await expect(dialog.getByLabel("Tag name")).toBeFocused();
	// Typed straight away, without clicking into the field; Enter submits rather than closing the dialog.
	await page.keyboard.type("qa");
	await page.keyboard.press("Enter");
	await expect(dialog).toBeHidden();
	await expect(row.getByText("qa", { exact: true })).toBeVisible();
	// That dialog is removed from the page when it closes: the focus still returns.
	await expect(add).toBeFocused();

	// A dialog closed with Escape gives the focus back too.
	const remove = row.getByRole("button", { name: "Remove tag qa" });
	await remove.click();
	await expect(page.getByRole("dialog", { name: "Delete tag?" })).toBeVisible();
	await page.keyboard.press("Escape");
	await expect(page.getByRole("dialog", { name: "Delete tag?" })).toBeHidden();
	await expect(remove).toBeFocused();
});

test("the copy button announces that it copied", async ({ page, context }) => {
	await context.grantPermissions(["clipboard-read", "clipboard-write"]);
	await signIn(page);
	await page.goto(paths.repository.href(project, "tool"));
	const row = page.getByTestId("artifact-row");
	await row.getByRole("button", { name: "Copy digest" }).click();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
		digest,
	);
	// A polite live region says it (the button keeps its name: what it does).
	await expect(row.locator('[aria-live="polite"]')).toHaveText("Copied");
	await expect(row.getByRole("button", { name: "Copy digest" })).toBeVisible();
});

test("a label toggled on the artifact page refreshes the artifact, not its manifest, config or additions", async ({
	page,
	request,
}) => {
	const label = unique("lbl");
	await adminApi(request).post("/labels", {
		name: label,
		color: "#1D7A46",
		scope: "p",
		project_id: shared.projectId,
	});
	await signIn(page);
	await page.goto(paths.artifact.href(project, "tool", "1.0"));
	await expect(page.getByTestId("layer-row")).toHaveCount(1);
	const content = requestsTo(page, /\/(content|additions\/[^/]+)$/);
	const detail = requestsTo(page, /\/artifacts\/1\.0$/);
	const network = trackRequests(page);
	await page.getByRole("button", { name: `Labels… for ${digest}` }).click();
	const picker = page.getByRole("dialog", { name: "Labels of this artifact" });
	await expect(picker.getByLabel("Filter labels")).toBeFocused();
	await page.keyboard.type(label);
	await picker.getByRole("checkbox", { name: new RegExp(label) }).click();
	await expect(
		picker.getByRole("checkbox", { name: new RegExp(label) }),
	).toBeChecked();
	await picker.getByRole("button", { name: "Close" }).click();
	await expect(page.getByRole("main").getByText(label)).toBeVisible();
	// Not the moment the chip shows: once the page's requests have settled, so a late refetch would be seen.
	await network.settled();
	expect(detail.seen.length).toBeGreaterThan(0);
	expect(content.seen).toEqual([]);
	content.stop();
	detail.stop();
	network.stop();
});

test("deleting the tag that names the artifact page moves to its digest without asking for the deleted tag again", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.artifact.href(project, "tool", "qa"));
	await expect(
		page.getByRole("heading", { level: 1, name: "tool:qa" }),
	).toBeVisible();
	const byTag = requestsTo(page, /\/artifacts\/qa(\/.*)?$/);
	const network = trackRequests(page);
	await page.getByRole("button", { name: "Remove tag qa" }).click();
	await page
		.getByRole("dialog", { name: "Delete tag?" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(page).toHaveURL(paths.artifact.href(project, "tool", digest));
	await expect(page.getByRole("heading", { level: 1 })).toContainText(
		"tool@sha256:",
	);
	await expect(
		page.getByRole("button", { name: "Remove tag 1.0" }),
	).toBeVisible();
	await expect(page.getByRole("button", { name: "Remove tag qa" })).toHaveCount(
		0,
	);
	await expect(page.getByRole("alert")).toHaveCount(0);
	await network.settled();
	expect(byTag.seen).toEqual([]);
	byTag.stop();
	network.stop();
});

test("emptying the last page keeps the pagination and offers the way back instead of an empty list", async ({
	page,
	request,
}) => {
	// A project of its own, with three labels: one per page.
	const api = adminApi(request);
	const own = unique("pages");
	const ownId = await api.createProject(own);
	for (const name of ["a", "b", "c"])
		await api.post("/labels", {
			name: unique(name),
			color: "#1D7A46",
			scope: "p",
			project_id: ownId,
		});
	await signIn(page);
	await page.goto(`${paths.projectTab.href(own, "labels")}?page_size=1&page=3`);
	await expect(page.getByTestId("page-indicator")).toHaveText("Page 3 of 3");
	const rows = page.getByRole("table").getByRole("row");
	await expect(rows).toHaveCount(2); // the header and one label
	const deleteButton = page.getByRole("button", { name: /^Delete label / });
	await deleteButton.click();
	await page
		.getByRole("dialog", { name: "Delete label" })
		.getByRole("button", { name: "Delete" })
		.click();

	await expect(page.getByTestId("past-end")).toContainText(
		"This page is past the end of the list.",
	);
	await expect(page.getByTestId("empty-state")).toHaveCount(0);
	await expect(page.getByTestId("page-indicator")).toHaveText("Page 3 of 2");
	await page.getByRole("button", { name: "Show the last page" }).click();
	await expect(page.getByTestId("page-indicator")).toHaveText("Page 2 of 2");
	await expect(rows).toHaveCount(2);
	await expect(page.getByTestId("past-end")).toHaveCount(0);
});
