import { expect, test } from "@playwright/test";
import {
	adminPassword,
	baseURL,
	expectAccessible,
	screenshot,
	signIn,
	signOut,
} from "./fixtures.ts";

test("signing in returns to the page the user asked for, and signing out ends the session", async ({
	page,
	playwright,
}) => {
	await page.goto("/projects?q=lib");
	await expect(page).toHaveURL(/\/sign-in\?redirect=/);
	await signIn(page);
	await expect(page).toHaveURL(/\/projects\?q=lib$/);
	// The session's cookies as they were before signing out: they answer for the user now...
	const cookies = await page.context().cookies();
	const replay = async () => {
		const ctx = await playwright.request.newContext({
			baseURL,
			storageState: { cookies, origins: [] },
		});
		try {
			return (await ctx.get("/api/v2.0/users/current")).status();
		} finally {
			await ctx.dispose();
		}
	};
	expect(cookies.length).toBeGreaterThan(0);
	expect(await replay()).toBe(200);
	await signOut(page);
	await page.goto("/projects");
	await expect(page).toHaveURL(/\/sign-in/);
	// ...and no longer once signed out: the server ended the session, not just the browser's cookie.
	expect(await replay()).toBe(401);
});

test("a wrong password is said in plain words", async ({ page }) => {
	await page.goto("/sign-in");
	await page.getByLabel("Username").fill("admin");
	await page.getByLabel("Password").fill(`${adminPassword}-wrong`);
	await page.getByRole("button", { name: "Sign in" }).click();
	await expect(page.getByRole("alert")).toHaveText(
		"Sign-in failed: invalid username or password",
	);
});

for (const redirect of [
	"//example.com/steal",
	"/\\example.com/steal",
	"%2F%09%2Fexample.com",
	"https://example.com/",
]) {
	test(`a redirect to another site after sign-in is not followed (${redirect})`, async ({
		page,
	}) => {
		await page.goto(`/sign-in?redirect=${redirect}`);
		await signIn(page);
		await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/projects$/);
	});
}

test("the sign-in page passes an axe scan with no serious violation", async ({
	page,
}) => {
	await page.goto("/sign-in");
	await expectAccessible(page);
	await screenshot(page, "sign-in");
});
