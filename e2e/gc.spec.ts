import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	adminBasic,
	expectAccessible,
	registryClient,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

/**
 * Garbage collection from the console. The e2e server runs with GC_TIME_WINDOW_HOURS=0 (playwright.config.ts), so a
 * blob is garbage as soon as nothing references it.
 */
test("a dry run shows what a deleted image left behind, a run frees it, and the history shows the freed size and log", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const project = unique("gc");
	await api.createProject(project);
	const client = await registryClient();
	try {
		await client.pushImage(`${project}/app:v1`);
		const [artifact] = await api.get<{ digest: string }[]>(
			`/projects/${project}/repositories/app/artifacts`,
		);
		const manifest = await request.get(`/v2/${project}/app/manifests/v1`, {
			headers: {
				Authorization: adminBasic,
				Accept: "application/vnd.oci.image.manifest.v1+json",
			},
		});
		const config = ((await manifest.json()) as { config: { digest: string } })
			.config.digest;
		const blobStatus = async () =>
			(
				await request.head(`/v2/${project}/app/blobs/${config}`, {
					headers: { Authorization: adminBasic },
				})
			).status();
		await api.delete(
			`/projects/${project}/repositories/app/artifacts/${artifact.digest}`,
		);

		await signIn(page);
		await page.goto(paths.admin.href("gc"));
		await expect(
			page.getByRole("heading", { name: "Garbage collection", level: 1 }),
		).toBeVisible();

		await page.getByRole("button", { name: "Dry run" }).click();
		const dry = page
			.getByTestId("gc-run-row")
			.filter({ hasText: "dry run" })
			.first();
		await expect(dry).toContainText("Succeeded");
		const wouldFree = dry.getByTestId("gc-freed");
		await expect(wouldFree).toContainText(/would be freed \(\d+ blobs?\)/);
		const size = (await wouldFree.textContent())!.replace(
			/ would be freed.*/,
			"",
		);
		await dry.getByRole("button", { name: /^Log of run/ }).click();
		const log = page.getByRole("dialog", {
			name: /^Log of garbage collection/,
		});
		await expect(log.getByTestId("gc-log")).toContainText(
			"would delete blob sha256:",
		);
		await expect(log.getByTestId("gc-log")).toContainText(
			"dry run: nothing is deleted",
		);
		await log.getByRole("button", { name: "Close" }).click();
		// A dry run deletes nothing: the deleted image's config is still there.
		expect(await blobStatus()).toBe(200);

		await page.getByRole("button", { name: "Run garbage collection" }).click();
		const real = page.getByTestId("gc-run-row").first();
		await expect(real).not.toContainText("dry run");
		await expect(real).toContainText("Succeeded");
		await expect(real.getByTestId("gc-freed")).toContainText(`${size} freed`);
		expect(await blobStatus()).toBe(404);
		// A second run finds nothing left; the chart shows what each finished run freed.
		await page.getByRole("button", { name: "Run garbage collection" }).click();
		await expect(page.getByTestId("gc-run-row").first()).toContainText(
			"0 B freed",
		);
		await expect(page.getByTestId("gc-freed-chart")).toContainText(
			`Freed by the`,
		);
		await screenshot(page, "admin-gc");
		await expectAccessible(page);

		await page
			.getByTestId("gc-run-row")
			.nth(1)
			.getByRole("button", { name: /^Log of run/ })
			.click();
		await expect(page.getByTestId("gc-log")).toContainText(/deleted \d+ blobs/);
		await page
			.getByRole("dialog")
			.getByRole("button", { name: "Close" })
			.click();

		// A schedule, saved and shown with its next run, then removed again.
		const schedule = page.getByTestId("gc-schedule");
		await schedule.getByLabel("Runs").selectOption("Custom");
		await schedule.getByLabel("Cron (UTC, seconds first)").fill("0 0 3 * * *");
		await schedule.getByRole("button", { name: "Save schedule" }).click();
		await expect(schedule.getByTestId("gc-next-run")).toContainText(
			"Next run:",
		);
		await page.reload();
		await expect(
			page.getByTestId("gc-schedule").getByLabel("Cron (UTC, seconds first)"),
		).toHaveValue("0 0 3 * * *");
		await page
			.getByTestId("gc-schedule")
			.getByLabel("Runs")
			.selectOption("None");
		await page
			.getByTestId("gc-schedule")
			.getByRole("button", { name: "Save schedule" })
			.click();
		await expect(page.getByTestId("gc-next-run")).toHaveText(
			"No scheduled runs.",
		);
	} finally {
		await api
			.delete(`/projects/${project}/repositories/app`)
			.catch(() => undefined);
		await api.delete(`/projects/${project}`).catch(() => undefined);
		await client.cleanup();
	}
});
