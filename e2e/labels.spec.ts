import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	expectAccessible,
	expectFilterStaysCleared,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

const hostile = '<img src=x onerror="window.__xss=1">';

test("a global label is created, edited and deleted under Administration", async ({
	page,
}) => {
	const name = unique("release");
	await signIn(page);
	await page.goto(paths.admin.href("labels"));
	await expect(
		page.getByRole("heading", { name: "Global labels", level: 1 }),
	).toBeVisible();

	await page.getByRole("button", { name: "New label" }).click();
	const form = page.getByRole("dialog", { name: "New label" });
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form.getByText("A label needs a name.")).toBeVisible();
	await form.getByLabel("Name").fill(name);
	await form.getByLabel("Description").fill("ready to ship");
	await form.getByRole("radio", { name: "Green" }).check();
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form).toBeHidden();

	// Other specs share the server: search narrows the list to this label, and the search stays in the URL. The server
	// is asked once typing pauses, not once per key.
	const searched: string[] = [];
	page.on("request", (r) => {
		const u = new URL(r.url());
		if (u.pathname === "/api/v2.0/labels" && u.searchParams.has("name"))
			searched.push(u.searchParams.get("name")!);
	});
	await page.getByLabel("Search labels").pressSequentially(name, { delay: 20 });
	await expect(page).toHaveURL(new RegExp(`name=${name}`));
	const rows = page.getByTestId("label-row");
	await expect(rows).toHaveCount(1);
	await expect(rows.getByTestId("label-chip")).toHaveText(name);
	await expect(rows.getByTestId("label-chip")).toHaveCSS(
		"background-color",
		"rgb(29, 122, 70)",
	);
	await expect(rows).toContainText("ready to ship");
	// Typed key by key, 20 ms apart: one request for the whole name (a few at most on a very busy machine), not one per key.
	expect(searched.at(-1)).toBe(name);
	expect(new Set(searched).size).toBeLessThanOrEqual(3);
	await expectAccessible(page);
	await screenshot(page, "labels-global-page");

	await rows.getByRole("button", { name: `Edit label ${name}` }).click();
	const edit = page.getByRole("dialog", { name: "Edit label" });
	await expect(edit.getByLabel("Name")).toHaveValue(name);
	await edit.getByLabel("Name").fill(`${name}-v2`);
	await edit.getByLabel("Description").fill("shipped");
	await edit.getByRole("button", { name: "Save" }).click();
	await expect(edit).toBeHidden();
	await expect(rows.getByTestId("label-chip")).toHaveText(`${name}-v2`);
	await expect(rows).toContainText("shipped");

	await rows.getByRole("button", { name: `Delete label ${name}-v2` }).click();
	await page
		.getByRole("dialog", { name: "Delete label" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(rows).toHaveCount(0);
	await expect(page.getByTestId("empty-state")).toContainText(
		"No label matches",
	);

	// A link to the plain list clears the search: the box follows the URL, and the old text is not written back.
	await page
		.getByRole("navigation", { name: "Administration" })
		.getByRole("link", { name: "Labels" })
		.click();
	await expectFilterStaysCleared(
		page,
		page.getByLabel("Search labels"),
		"name",
	);
});

test("a project label named like an HTML tag shows as text and runs nothing", async ({
	page,
	request,
}) => {
	const project = unique("labels");
	await adminApi(request).createProject(project);
	await signIn(page);
	await page.goto(paths.projectTab.href(project, "labels"));
	await expect(
		page.getByRole("heading", { name: "Labels", level: 2 }),
	).toBeVisible();
	await expect(page.getByTestId("empty-state")).toContainText("No labels yet");

	await page.getByRole("button", { name: "New label" }).click();
	const form = page.getByRole("dialog", { name: "New label" });
	await form.getByLabel("Name").fill(hostile);
	await form.getByLabel("Description").fill("<script>window.__xss=2</script>");
	await expectAccessible(page);
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form).toBeHidden();

	const row = page.getByTestId("label-row");
	await expect(row).toHaveCount(1);
	await expect(row.getByTestId("label-chip")).toHaveText(hostile);
	await expect(row.getByText("<script>window.__xss=2</script>")).toBeVisible();
	await expect(page.locator("main img")).toHaveCount(0);
	expect(
		await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
	).toBeUndefined();
	await expectAccessible(page);
	await screenshot(page, "labels-project-tab");

	await row.getByRole("button", { name: `Edit label ${hostile}` }).click();
	const edit = page.getByRole("dialog", { name: "Edit label" });
	await edit.getByLabel("Name").fill("tested");
	await edit.getByRole("button", { name: "Save" }).click();
	await expect(row.getByTestId("label-chip")).toHaveText("tested");
	await row.getByRole("button", { name: "Delete label tested" }).click();
	await page
		.getByRole("dialog", { name: "Delete label" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(page.getByTestId("empty-state")).toContainText("No labels yet");
	expect(
		await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
	).toBeUndefined();
});

test("a project guest sees the labels but is offered nothing to change", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const project = unique("labels-guest");
	const projectId = await api.createProject(project);
	await api.post("/labels", {
		name: "stable",
		description: "",
		color: "#bfdbfe",
		scope: "p",
		project_id: projectId,
	});
	const guest = await api.createUser(unique("guest"));
	await api.addMember(project, guest.username, 3);

	await page.goto("/sign-in");
	await signIn(page, guest.username, guest.password);
	await page.goto(paths.projectTab.href(project, "labels"));
	const row = page.getByTestId("label-row");
	await expect(row.getByTestId("label-chip")).toHaveText("stable");
	await expect(row.getByRole("button")).toHaveCount(0);
	await expect(page.getByRole("button", { name: "New label" })).toHaveCount(0);
});
