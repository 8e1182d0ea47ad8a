import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	adminPassword,
	baseURL,
	expectAccessible,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

// The server under test is its own remote: a `harbor` endpoint at its own URL, with admin's credentials.
test("an endpoint is tested, created with its health shown, edited and deleted under Administration", async ({
	page,
	request,
}) => {
	const name = unique("remote");
	await signIn(page);
	await page.goto(paths.admin.href("registries"));
	await expect(
		page.getByRole("heading", { name: "Registries", level: 1 }),
	).toBeVisible();

	await page.getByRole("button", { name: "New endpoint" }).click();
	const form = page.getByRole("dialog", { name: "New registry endpoint" });
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form.getByText("An endpoint needs a name.")).toBeVisible();

	// A fixed-URL provider shows its URL and lets it be; back to Harbor for this endpoint.
	await form.getByLabel("Provider").selectOption("docker-hub");
	await expect(form.getByLabel("Endpoint URL")).toHaveValue(
		"https://hub.docker.com",
	);
	await expect(form.getByLabel("Endpoint URL")).toHaveAttribute("readonly", "");
	await form.getByLabel("Provider").selectOption("harbor");

	await form.getByLabel("Name").fill(name);
	await form.getByLabel("Endpoint URL").fill(baseURL);
	await form.getByLabel("Access ID").fill("admin");
	await form.getByLabel("Access secret").fill("not-the-password");
	await form.getByRole("button", { name: "Test connection" }).click();
	await expect(form.getByRole("alert")).toContainText("Connection failed");
	await expect(form.getByRole("alert")).toContainText(
		"refused the credentials",
	);

	await form.getByLabel("Access secret").fill(adminPassword);
	await form.getByRole("button", { name: "Test connection" }).click();
	await expect(form.getByTestId("ping-result")).toContainText(
		"Connection works",
	);
	await expectAccessible(page);
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form).toBeHidden();

	await page.getByLabel("Search endpoints").fill(name);
	const rows = page.getByTestId("registry-row");
	await expect(rows).toHaveCount(1);
	await expect(rows.getByTestId("registry-status")).toHaveText("Healthy");
	await expect(rows).toContainText(baseURL);
	await expect(page.locator("body")).not.toContainText(adminPassword);
	await expectAccessible(page);
	await screenshot(page, "registries-page");

	// Editing keeps the saved secret when none is typed.
	await rows.getByRole("button", { name: `Edit endpoint ${name}` }).click();
	const edit = page.getByRole("dialog", { name: "Edit registry endpoint" });
	await expect(edit.getByLabel("Access secret")).toHaveAttribute(
		"placeholder",
		"Saved — leave empty to keep it",
	);
	await expect(edit.getByLabel("Access secret")).toHaveValue("");
	await edit.getByLabel("Description").fill("the server itself");
	await edit.getByRole("button", { name: "Save" }).click();
	await expect(edit).toBeHidden();
	const [saved] = await adminApi(request).get<
		{ description: string; status: string }[]
	>(`/registries?q=name%3D${name}`);
	expect(saved).toMatchObject({
		description: "the server itself",
		status: "healthy",
	});

	await rows.getByRole("button", { name: `Delete endpoint ${name}` }).click();
	await page
		.getByRole("dialog", { name: "Delete endpoint" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(rows).toHaveCount(0);
	await expect(page.getByTestId("empty-state")).toContainText(
		"No endpoint matches",
	);
});
