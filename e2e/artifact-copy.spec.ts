import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	expectAccessible,
	registryHost,
	sharedProject,
	signIn,
	unique,
} from "./fixtures.ts";

// One source project with `app` tagged 1.0 and stable (one artifact), and a target project to copy into.
const project = unique("copysrc");
const target = unique("copydst");
let digest = "";

sharedProject(project, async ({ api, client }) => {
	const pushed = await client.pushImage(`${project}/app:1.0`, {
		layers: 1,
		layerBytes: 1024,
	});
	expect(pushed.ok, pushed.stderr).toBe(true);
	digest = pushed.digest;
	await api.post(`/projects/${project}/repositories/app/artifacts/1.0/tags`, {
		name: "stable",
	});
	await api.createProject(target);
});

test("an artifact is copied into another project from the list, under a new repository and tag, and the copy opens", async ({
	page,
	request,
}) => {
	await signIn(page);
	await page.goto(paths.repository.href(project, "app"));
	const row = page.getByTestId("artifact-row");
	await row.getByRole("button", { name: /^Copy sha256:/ }).click();
	const dialog = page.getByRole("dialog", { name: "Copy artifact" });
	await dialog.getByLabel("Target project").fill(target);
	await expect(dialog.getByLabel("Repository", { exact: true })).toHaveValue(
		"app",
	);
	await dialog.getByLabel("Repository", { exact: true }).fill("mirror/app");
	await dialog.getByLabel("Tag (optional)").fill("copied");
	await expectAccessible(page);
	await page.screenshot({ path: "/tmp/polish-copy-dialog.png" });
	await dialog.getByRole("button", { name: "Copy", exact: true }).click();
	await expect(dialog.getByRole("status")).toContainText(
		`Copied to ${target}/mirror/app:copied.`,
	);

	const copied = await adminApi(request).get<{
		digest: string;
		tags: { name: string }[];
	}>(
		`/projects/${target}/repositories/mirror%252Fapp/artifacts/copied?with_tag=true`,
	);
	expect(copied.digest).toBe(digest);
	expect(copied.tags.map((t) => t.name)).toEqual(["copied"]);

	await dialog.getByRole("link", { name: "Open the copy" }).click();
	await expect(page).toHaveURL(
		paths.artifact.href(target, "mirror/app", "copied"),
	);
	await expect(page.getByRole("heading", { level: 1 })).toHaveText(
		"mirror/app:copied",
	);
});

test("the artifact page copies too, and a refusal (no such project) shows in the dialog", async ({
	page,
	request,
}) => {
	await signIn(page);
	await page.goto(paths.artifact.href(project, "app", "stable"));
	await page.getByRole("button", { name: /^Copy sha256:/ }).click();
	const dialog = page.getByRole("dialog", { name: "Copy artifact" });
	await dialog.getByLabel("Target project").fill(`${target}-missing`);
	await dialog.getByRole("button", { name: "Copy", exact: true }).click();
	await expect(dialog.getByRole("alert")).toBeVisible();
	await dialog.getByLabel("Target project").fill(target);
	await dialog.getByRole("button", { name: "Copy", exact: true }).click();
	await expect(dialog.getByRole("status")).toContainText(
		`Copied to ${target}/app.`,
	);
	const list = await adminApi(request).get<{ digest: string }[]>(
		`/projects/${target}/repositories/app/artifacts`,
	);
	expect(list.map((a) => a.digest)).toEqual([digest]);
});

test("the pull command on an artifact opened by a tag offers that tag first", async ({
	page,
}) => {
	await signIn(page);
	for (const tag of ["1.0", "stable"]) {
		await page.goto(paths.artifact.href(project, "app", tag));
		await expect(
			page.getByRole("combobox", { name: "Tag", exact: true }),
		).toHaveValue(tag);
		await expect(
			page.getByText(`docker pull ${registryHost}/${project}/app:${tag}`, {
				exact: true,
			}),
		).toBeVisible();
	}
});
