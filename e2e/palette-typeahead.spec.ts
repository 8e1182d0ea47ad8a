import { expect, test } from "@playwright/test";
import {
	adminApi,
	expectAccessible,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

const paletteName = "Go to a page, project or repository";

test("the palette keeps every key typed right after Ctrl+K, while its code is still loading", async ({
	page,
	request,
}) => {
	const project = unique("typeahead-palette");
	await adminApi(request).createProject(project);
	await signIn(page);
	// A fresh page: the palette's code has never been loaded in it (it loads on first use).
	await page.goto("/projects");
	await expect(page.getByTestId("current-user")).toHaveText("admin");
	const loaded: string[] = [];
	page.on("request", (r) => {
		if (r.url().includes("command-palette")) loaded.push(r.url());
	});

	// No wait between opening and typing: the keys go while the palette's chunk is on its way.
	await page.keyboard.press("Control+K");
	await page.keyboard.type(project);

	const palette = page.getByRole("dialog", { name: paletteName });
	const input = palette.getByRole("combobox");
	await expect(input).toHaveValue(project);
	await expect(input).toBeFocused();
	// The chunk was indeed loaded by this first open, so the keys above raced it.
	expect(loaded).toHaveLength(1);
	// The search finds the project from the query typed ahead; Enter goes there.
	const option = palette.getByRole("option", { name: project, exact: true });
	await expect(option).toHaveAttribute("aria-selected", "true");
	await screenshot(page, "palette-typeahead");
	await expectAccessible(page);
	await page.keyboard.press("Enter");
	await expect(page).toHaveURL(new RegExp(`/projects/${project}/summary$`));
});
