import { expect, type Page, test } from "@playwright/test";
import { adminApi, expectAccessible, signIn, unique } from "./fixtures.ts";

type SystemInfo = { banner_message?: string; read_only?: boolean };

/** Reloads the page and returns the systeminfo it loads (the banners are drawn from it), once its body has arrived. */
async function reloadWithSystemInfo(page: Page): Promise<SystemInfo> {
	// Wait for the reloaded page's own request: a waiter set before the reload could catch the old page's, whose body is
	// gone once the page navigates (seen as a flaky failure under load).
	await page.reload({ waitUntil: "commit" });
	const info = await page.waitForResponse(
		(r) =>
			new URL(r.url()).pathname === "/api/v2.0/systeminfo" &&
			r.request().method() === "GET",
	);
	expect(info.status()).toBe(200);
	const body = (await info.json()) as SystemInfo;
	// Two frames for the page to draw what it received.
	await page.evaluate(
		() =>
			new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
	);
	return body;
}

/** System settings are shared by every spec: whatever this file turns on, it turns off again. */
test.afterAll(async ({ request }) => {
	await adminApi(request).put("/configurations", {
		banner_message: "",
		read_only: false,
	});
});

test("the administrator's banner shows to every user as text, and a closable one can be dismissed", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const user = await api.createUser(unique("reader"));
	const message = 'Maintenance at 22:00 <img src=x onerror="window.__xss=1">';
	await api.put("/configurations", {
		banner_message: JSON.stringify({
			message,
			type: "warning",
			closable: true,
		}),
	});

	await signIn(page, user.username, user.password);
	const banner = page.getByTestId("system-banner");
	await expect(banner.locator("p")).toHaveText(message);
	await expect(banner.locator("img")).toHaveCount(0);
	expect(
		await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
	).toBeUndefined();
	await expectAccessible(page);
	await banner.getByRole("button", { name: "Dismiss this message" }).click();
	await expect(banner).toHaveCount(0);
	// After a reload the server still sends the banner: it is this browser's dismissal that keeps it hidden.
	const info = await reloadWithSystemInfo(page);
	expect(JSON.parse(info.banner_message ?? "{}")).toMatchObject({
		message,
		closable: true,
	});
	await expect(page.getByTestId("current-user")).toBeVisible();
	await expect(page.getByTestId("system-banner")).toHaveCount(0);
});

test("read-only mode is announced on every page while it is on", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	await signIn(page);
	expect((await reloadWithSystemInfo(page)).read_only).toBe(false);
	await expect(page.getByTestId("read-only-banner")).toHaveCount(0);
	await api.put("/configurations", { read_only: true });
	try {
		await page.reload();
		await expect(page.getByTestId("read-only-banner")).toContainText(
			"read-only mode",
		);
	} finally {
		await api.put("/configurations", { read_only: false });
	}
	expect((await reloadWithSystemInfo(page)).read_only).toBe(false);
	await expect(page.getByTestId("current-user")).toBeVisible();
	await expect(page.getByTestId("read-only-banner")).toHaveCount(0);
});

test("a banner that does not say it is closable has no dismiss button, as in Harbor", async ({
	page,
	request,
}) => {
	const message = unique("Upgrade tonight");
	await adminApi(request).put("/configurations", {
		banner_message: JSON.stringify({ message, type: "info" }),
	});
	await signIn(page);
	const banner = page.getByTestId("system-banner");
	await expect(banner.locator("p")).toHaveText(message);
	await expect(banner.getByRole("button")).toHaveCount(0);
	await adminApi(request).put("/configurations", { banner_message: "" });
});
