import { expect, type Page, test } from "@playwright/test";
import { adminApi, screenshot, signIn, unique } from "./fixtures.ts";

// A phone-sized window: nothing scrolls sideways, and the search box and the page's main button stay on screen.
test.use({ viewport: { width: 390, height: 844 } });

async function expectFits(page: Page, mainButton: string) {
	const search = page.getByRole("banner").getByRole("searchbox");
	const button = page
		.getByRole("main")
		.getByRole("button", { name: mainButton });
	await expect(button).toBeVisible();
	await expect(search).toBeInViewport({ ratio: 1 });
	await expect(
		page
			.getByRole("banner")
			.getByRole("button", { name: "Search", exact: true }),
	).toBeInViewport({ ratio: 1 });
	await expect(button).toBeInViewport({ ratio: 1 });
	// The search box keeps a usable width (it used to shrink to a sliver beside the navigation).
	expect((await search.boundingBox())!.width).toBeGreaterThan(200);
	const { scrollWidth, innerWidth } = await page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth,
	}));
	expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

test("at 390 px wide the projects page, a project tab and an admin page fit the screen", async ({
	page,
	request,
}) => {
	const project = unique("narrow");
	await adminApi(request).createProject(project);
	await page.goto("/sign-in");
	await signIn(page);

	await page.goto("/projects");
	await expect(page.getByRole("table")).toBeVisible();
	await expectFits(page, "New project");
	await screenshot(page, "layout-390-projects");

	await page.goto(`/projects/${project}/members`);
	await expect(page.getByRole("table")).toBeVisible();
	await expectFits(page, "Add member");

	await page.goto("/admin/users");
	await expect(page.getByRole("table")).toBeVisible();
	await expectFits(page, "New user");
	await screenshot(page, "layout-390-admin-users");
	// The administration pages are a row above the content, not a sidebar beside it.
	const adminNav = page.getByRole("navigation", { name: "Administration" });
	const content = page.getByRole("main");
	expect(
		(await adminNav.boundingBox())!.y + (await adminNav.boundingBox())!.height,
	).toBeLessThanOrEqual((await content.boundingBox())!.y + 1);
});
