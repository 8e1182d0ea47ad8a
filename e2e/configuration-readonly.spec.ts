import { expect, test } from "@playwright/test";
import {
	adminApi,
	expectAccessible,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

test("a setting the server will not change is shown read-only with the reason, and left out of a save", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	// With a user besides admin the way users sign in is fixed: the API says so (`editable: false`).
	await api.createUser(unique("fixes-auth-mode"));
	const config =
		await api.get<Record<string, { value: unknown; editable: boolean }>>(
			"/configurations",
		);
	expect(config.auth_mode).toEqual({ value: "db_auth", editable: false });
	expect(config.robot_token_duration.editable).toBe(true);

	await signIn(page);
	await page.goto("/admin/configuration");
	const auth = page.getByRole("group", { name: "Authentication" });
	const mode = auth.getByLabel("Authentication mode", { exact: true });
	// Text in a read-only field, not a choice: no list box, nothing to pick, and the reason beside it.
	await expect(auth.getByRole("combobox")).toHaveCount(0);
	await expect(mode).toHaveValue("Database");
	await expect(mode).not.toBeEditable();
	await expect(mode).toHaveAccessibleDescription(
		/Read-only: users other than admin exist/,
	);
	await expect(
		page.getByTestId("fixed-setting").filter({
			has: page.getByLabel("Authentication mode", { exact: true }),
		}),
	).toContainText("read-only");
	// The settings the server lets change stay live fields.
	await expect(page.getByLabel("Robot account expiry")).toBeEditable();
	await expect(page.getByTestId("fixed-setting")).toHaveCount(1);

	// Typing into it changes nothing, and nothing is counted as changed.
	await mode.click();
	await page.keyboard.type("LDAP");
	await expect(mode).toHaveValue("Database");
	await expect(page.getByTestId("settings-status")).toHaveText("");
	await expect(
		page.getByRole("button", { name: "Save", exact: true }),
	).toBeDisabled();

	await mode.scrollIntoViewIfNeeded();
	await screenshot(page, "admin-configuration-read-only");
	await expectAccessible(page);
});
