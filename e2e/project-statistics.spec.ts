import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import { formatBytes } from "../web/src/components/format.ts";
import {
	adminApi,
	expectAccessible,
	signIn,
	signOut,
	unique,
} from "./fixtures.ts";

type Statistics = Record<
	| "private_project_count"
	| "public_project_count"
	| "total_project_count"
	| "private_repo_count"
	| "public_repo_count"
	| "total_repo_count"
	| "total_storage_consumption",
	number
>;

test("the project list shows the statistics: a system admin the totals and storage, a user what they see", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const mine = unique("statsown");
	await api.createProject(mine, { public: true });
	const before = await api.get<Statistics>("/statistics");
	await signIn(page);
	await page.goto(paths.projects.href());
	const card = page.getByRole("region", { name: "Statistics" });
	await expect(card.getByTestId("stat-public-projects")).toHaveText(
		String(before.public_project_count),
	);
	await expect(card.getByTestId("stat-private-projects")).toHaveText(
		String(before.private_project_count),
	);
	await expect(card.getByTestId("stat-total-projects")).toHaveText(
		String(before.total_project_count),
	);
	await expect(card.getByTestId("stat-total-repos")).toHaveText(
		String(before.total_repo_count),
	);
	await expect(card.getByTestId("stat-storage")).toHaveText(
		formatBytes(before.total_storage_consumption),
	);
	await expectAccessible(page);
	await page.screenshot({ path: "/tmp/polish-projects-stats.png" });

	// Creating a project from the page counts it at once.
	const made = unique("statsnew");
	await page.getByRole("button", { name: "New project" }).click();
	const form = page.getByRole("dialog", { name: "New project" });
	await form.getByLabel("Project name").fill(made);
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form).toBeHidden();
	await expect(card.getByTestId("stat-private-projects")).toHaveText(
		String(before.private_project_count + 1),
	);
	await expect(card.getByTestId("stat-total-projects")).toHaveText(
		String(before.total_project_count + 1),
	);

	// A user without a project of their own sees the public ones only, and no totals or storage.
	const user = await api.createUser(unique("statsuser"));
	await signOut(page);
	await signIn(page, user.username, user.password);
	await page.goto(paths.projects.href());
	await expect(card.getByTestId("stat-public-projects")).toHaveText(
		String(before.public_project_count),
	);
	await expect(card.getByTestId("stat-private-projects")).toHaveText("0");
	await expect(card.getByTestId("stat-total-projects")).toHaveCount(0);
	await expect(card.getByTestId("stat-storage")).toHaveCount(0);
});
