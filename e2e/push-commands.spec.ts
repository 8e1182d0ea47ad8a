import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	adminPassword,
	baseURL,
	expectAccessible,
	registryHost,
	signIn,
	unique,
} from "./fixtures.ts";

test("an empty project shows where to push, copyable, and the push command helper lists each tool's lines for the project", async ({
	page,
	context,
	request,
}) => {
	const project = unique("push");
	await adminApi(request).createProject(project);
	await context.grantPermissions(["clipboard-read", "clipboard-write"]);
	await signIn(page);
	await page.goto(paths.projectTab.href(project, "repositories"));

	const hint = page.getByTestId("push-hint");
	await expect(hint).toHaveText(`${registryHost}/${project}/REPOSITORY:TAG`);
	await page.getByRole("button", { name: "Copy the push address" }).click();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
		`${registryHost}/${project}/REPOSITORY:TAG`,
	);
	await expectAccessible(page);
	await page.screenshot({ path: "/tmp/polish-push-empty.png", fullPage: true });

	await page.getByRole("button", { name: "Push command" }).click();
	const dialog = page.getByRole("dialog", { name: `Push to ${project}` });
	await expect(dialog).toBeVisible();
	const target = `${registryHost}/${project}/REPOSITORY[:TAG]`;
	await expect(dialog.locator("code")).toHaveText([
		`docker tag SOURCE_IMAGE[:TAG] ${target}`,
		`docker push ${target}`,
		`podman push --tls-verify=false IMAGE_ID ${target}`,
		"helm package CHART_PATH",
		`helm push --plain-http CHART_PACKAGE oci://${registryHost}/${project}`,
		`oras push --plain-http ${registryHost}/${project}/REPOSITORY:TAG FILE[:MEDIA_TYPE]…`,
	]);
	await dialog
		.getByRole("button", { name: "Copy Docker command 2 of 2" })
		.click();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
		`docker push ${target}`,
	);
	await dialog
		.getByRole("button", { name: "Copy the Podman push command" })
		.click();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
		`podman push --tls-verify=false IMAGE_ID ${target}`,
	);
	await expectAccessible(page);
	await page.screenshot({ path: "/tmp/polish-push-dialog.png" });
});

test("a proxy cache project offers no push command, and its empty list says what to pull through it", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const registry = unique("up");
	// Wharf itself is the upstream: an endpoint is saved only once it answers.
	await api.post("/registries", {
		name: registry,
		type: "docker-registry",
		url: baseURL,
		insecure: true,
		credential: {
			type: "basic",
			access_key: "admin",
			access_secret: adminPassword,
		},
	});
	const { id } = (
		await api.get<{ id: number; name: string }[]>(
			`/registries?q=name=${registry}`,
		)
	).find((r) => r.name === registry)!;
	const project = unique("proxy");
	await api.post("/projects", {
		project_name: project,
		registry_id: id,
		metadata: { public: "false" },
		storage_limit: -1,
	});
	await signIn(page);
	await page.goto(paths.projectTab.href(project, "repositories"));
	await expect(page.getByTestId("push-hint")).toHaveText(
		`${registryHost}/${project}/library/alpine:latest`,
	);
	await expect(
		page.getByRole("button", { name: "Copy the pull address" }),
	).toBeVisible();
	await expect(page.getByRole("button", { name: "Push command" })).toHaveCount(
		0,
	);
});
