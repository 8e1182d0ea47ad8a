import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import { shortDigest } from "../web/src/components/format.ts";
import {
	adminApi,
	adminPassword,
	expectAccessible,
	expectFilterStaysCleared,
	openPalette,
	registryHost,
	screenshot,
	sharedProject,
	signIn,
	unique,
} from "./fixtures.ts";
import { makeHelmChartLayout } from "./helm-fixture.ts";

const hostileScript = "<script>window.__xss=1</script>";
const hostileImg = '<img src=x onerror="window.__xss=1">';

// One project for the whole file, filled once: a multi-arch image, a single-arch image, a Helm chart.
const project = unique("art");
let multiDigest = "";
let toolDigest = "";
let chartDigest = "";

const shared = sharedProject(project, async ({ api, client }) => {
	const multi = await client.pushImage(`${project}/app:1.0`, {
		platforms: [
			{ os: "linux", architecture: "amd64" },
			{ os: "linux", architecture: "arm64", variant: "v8" },
		],
		layers: 2,
		layerBytes: 32 * 1024,
	});
	expect(multi.ok, multi.stderr).toBe(true);
	multiDigest = multi.digest;
	const tool = await client.pushImage(`${project}/tool:2.0`, {
		layers: 3,
		layerBytes: 48 * 1024,
	});
	expect(tool.ok, tool.stderr).toBe(true);
	toolDigest = tool.digest;

	const chartDir = path.join(client.dir, "chart");
	const chart = await makeHelmChartLayout(chartDir, {
		name: "demo",
		version: "0.1.0",
		readme: `# Demo chart\n\nInstall it with **helm**.\n\n${hostileImg}\n`,
		values: "replicaCount: 2\nimage:\n  repository: nginx\n",
		annotations: {
			"org.opencontainers.image.description": hostileScript,
			"com.example.note": hostileImg,
		},
	});
	chartDigest = chart.digest;
	const pushed = await client.skopeo(
		"copy",
		"--dest-tls-verify=false",
		"--dest-creds",
		`admin:${adminPassword}`,
		`oci:${chartDir}`,
		`docker://${registryHost}/${project}/charts/demo:0.1.0`,
	);
	expect(pushed.ok, pushed.stderr).toBe(true);

	await api.put(`/projects/${project}/repositories/app`, {
		description: `# The app\n\nRuns **fast**.\n\n| Port | Use |\n| --- | --- |\n| 8080 | http |\n\n${hostileScript}\n\n${hostileImg}\n`,
	});
});

const noXss = (page: Page) =>
	expect(
		page.evaluate(() => (window as { __xss?: unknown }).__xss),
	).resolves.toBeUndefined();

test("the repositories tab lists the project's repositories, searches by name in the URL, and opens one", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.projectTab.href(project, "repositories"));
	const rows = page.getByTestId("repository-row");
	await expect(rows).toHaveCount(3);
	await expect(rows.filter({ hasText: "charts/demo" })).toBeVisible();
	await expect(
		rows.filter({ hasText: "tool" }).getByRole("cell").nth(1),
	).toHaveText("1"); // its one artifact
	await expectAccessible(page);
	await screenshot(page, "repositories-tab");

	await page.getByLabel("Search repositories by name").fill("too");
	await expect(page).toHaveURL(/[?&]q=too/);
	await expect(rows).toHaveCount(1);
	await page.reload();
	await expect(page.getByLabel("Search repositories by name")).toHaveValue(
		"too",
	);
	await expect(rows).toHaveCount(1);

	// The tab's link clears the search: the box follows the URL, and the old text is not written back a moment later.
	await page
		.getByRole("navigation", { name: "Project sections" })
		.getByRole("link", { name: "Repositories" })
		.click();
	await expectFilterStaysCleared(
		page,
		page.getByLabel("Search repositories by name"),
		"q",
	);
	await expect(rows).toHaveCount(3);
	await rows.getByRole("link", { name: "tool" }).click();
	await expect(page).toHaveURL(paths.repository.href(project, "tool"));
	await expect(
		page.getByRole("heading", { level: 1, name: "tool" }),
	).toBeVisible();
	await expect(page.getByTestId("artifact-row")).toHaveCount(1);
});

test("a multi-arch index opens to its platforms with their own digests and sizes; a hostile description shows as text", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.repository.href(project, "app"));
	const description = page.getByTestId("repository-description");
	await expect(
		description.getByRole("heading", { name: "The app" }),
	).toBeVisible();
	await expect(description).toContainText(hostileScript);
	await expect(description).toContainText(hostileImg);
	// GitHub-style tables render as tables.
	await expect(
		description.getByRole("table").getByRole("cell", { name: "8080" }),
	).toBeVisible();
	await noXss(page);

	const row = page.getByTestId("artifact-row");
	await expect(row).toHaveCount(1);
	await expect(row).toContainText("1.0");
	await expect(row).toContainText("(2 platforms)");
	await row.getByRole("button", { name: /Show or hide 2 platforms/ }).click();
	const platforms = page.getByTestId("platform-row");
	await expect(platforms).toHaveCount(2);
	await expect(platforms.nth(0)).toContainText("linux/amd64");
	await expect(platforms.nth(1)).toContainText("linux/arm64/v8");
	await expect(platforms.nth(0)).toContainText(/\d+(\.\d+)? KiB/);
	await expect(platforms.nth(1)).toContainText(/\d+(\.\d+)? KiB/);
	await expectAccessible(page);
	await screenshot(page, "repository-page");

	// Each platform opens its own artifact page, with its layers.
	await platforms.nth(1).getByRole("link").click();
	await expect(page).toHaveURL(
		/\/artifacts\/sha256%3A[0-9a-f]{64}\?index=sha256%3A[0-9a-f]{64}$/,
	);
	await expect(page.getByTestId("layer-row")).toHaveCount(2);
	await expect(page.getByRole("region", { name: "Overview" })).toContainText(
		"linux/arm64/v8",
	);
	// A platform is deleted with its index: no Delete here, and the way back to the index. The note shows once both the
	// permissions and the parent index are known, the moment a Delete button would otherwise show.
	await expect(page.getByTestId("parent-index")).toContainText(
		`Part of index ${shortDigest(multiDigest)}`,
	);
	await expect(
		page.getByText("A platform of an index is deleted with its index."),
	).toBeVisible();
	await expect(
		page.getByRole("button", { name: "Delete artifact" }),
	).toHaveCount(0);

	// Opened by its own link, without the index in the URL, the platform page still knows its index.
	await page.goto(page.url().split("?")[0]);
	await expect(page.getByTestId("layer-row")).toHaveCount(2);
	await expect(page.getByTestId("parent-index")).toContainText(
		`Part of index ${shortDigest(multiDigest)}`,
	);
	await expect(
		page.getByText("A platform of an index is deleted with its index."),
	).toBeVisible();
	await expect(
		page.getByRole("button", { name: "Delete artifact" }),
	).toHaveCount(0);
	await page.getByRole("link", { name: "(back to the index)" }).click();
	await expect(page.getByRole("heading", { level: 1 })).toHaveText(
		`app@${shortDigest(multiDigest)}`,
	);
});

test("the pull command copied from the page pulls the image with podman", async ({
	page,
	context,
}) => {
	await context.grantPermissions(["clipboard-read", "clipboard-write"]);
	await signIn(page);
	await page.goto(paths.repository.href(project, "app"));
	await page
		.getByTestId("artifact-row")
		.getByRole("button", {
			name: `Pull command ${shortDigest(multiDigest)}`,
			exact: true,
		})
		.click();
	const dialog = page.getByRole("dialog", { name: "Pull command" });
	await expect(dialog).toContainText(
		`docker pull ${registryHost}/${project}/app@${multiDigest}`,
	);
	await dialog
		.getByRole("button", { name: "Copy Podman pull command by tag" })
		.click();
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	// Over plain http podman needs --tls-verify=false: the command says so, for this registry, repository and tag.
	expect(copied).toBe(
		`podman pull --tls-verify=false ${registryHost}/${project}/app:1.0`,
	);

	const login = await shared.client.podman(
		"login",
		"--tls-verify=false",
		"-u",
		"admin",
		"-p",
		adminPassword,
		registryHost,
	);
	expect(login.ok, login.stderr).toBe(true);
	const [tool, ...args] = copied.split(" ");
	expect(tool).toBe("podman");
	const pulled = await shared.client.podman(...args);
	expect(pulled.ok, pulled.stderr).toBe(true);
	const images = await shared.client.podman(
		"images",
		"--format",
		"{{.Repository}}:{{.Tag}}",
	);
	expect(images.stdout).toContain(`${registryHost}/${project}/app:1.0`);
});

test("an image's page shows its layers as bars, its build history and its raw manifest and config", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.artifact.href(project, "tool", "2.0"));
	await expect(
		page.getByRole("heading", { level: 1, name: "tool:2.0" }),
	).toBeVisible();
	// An image of its own (no index) is offered for deletion: the control for the platform pages' "no Delete".
	await expect(
		page.getByRole("button", { name: "Delete artifact" }),
	).toBeVisible();
	const overview = page.getByRole("region", { name: "Overview" });
	await expect(overview).toContainText(toolDigest);
	await expect(overview).toContainText("wharf tests");
	await expect(overview).toContainText(
		"application/vnd.oci.image.manifest.v1+json",
	);
	await expect(page.getByTestId("layer-row")).toHaveCount(3);
	const history = page.getByTestId("history-row");
	await expect(history).toHaveCount(3);
	await expect(history.nth(0)).toContainText("test layer 0");

	await page
		.getByText("Manifest (application/vnd.oci.image.manifest.v1+json)")
		.click();
	await expect(page.getByTestId("raw-manifest")).toContainText(
		'"schemaVersion": 2',
	);
	await page.getByText("Config", { exact: true }).click();
	await expect(page.getByTestId("raw-config")).toContainText(
		'"author": "wharf tests"',
	);
	await expectAccessible(page);
	await screenshot(page, "artifact-page-image");

	// The index's page lists its platforms instead of layers.
	await page.goto(paths.artifact.href(project, "app", multiDigest));
	await expect(
		page.getByRole("region", { name: "Platforms" }).getByTestId("platform-row"),
	).toHaveCount(2);
	await expect(page.getByTestId("layer-row")).toHaveCount(0);
});

test("a Helm chart's page shows its README and values, and a hostile annotation as text that runs nothing", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.artifact.href(project, "charts/demo", "0.1.0"));
	await expect(
		page.getByRole("heading", { level: 1, name: "charts/demo:0.1.0" }),
	).toBeVisible();
	await expect(page.getByRole("region", { name: "Overview" })).toContainText(
		chartDigest,
	);
	await expect(page.getByRole("region", { name: "Overview" })).toContainText(
		"A demo chart",
	);
	await expect(
		page
			.getByTestId("chart-readme")
			.getByRole("heading", { name: "Demo chart" }),
	).toBeVisible();
	await expect(page.getByTestId("chart-readme")).toContainText(
		"Install it with helm.",
	);
	// The README's raw <img onerror> is dropped: no image in it.
	await expect(page.getByTestId("chart-readme").locator("img")).toHaveCount(0);
	await expect(page.getByTestId("chart-values")).toContainText(
		"replicaCount: 2",
	);
	await expect(
		page.getByRole("region", { name: "Pull command" }),
	).toContainText(
		`helm pull oci://${registryHost}/${project}/charts/demo --version 0.1.0 --plain-http`,
	);
	const annotations = page.getByTestId("annotations");
	await expect(annotations).toContainText(hostileScript);
	await expect(annotations).toContainText(hostileImg);
	await noXss(page);
	await expectAccessible(page);
	await screenshot(page, "artifact-page-chart");
});

test("a tag is added and deleted through the console", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	await signIn(page);
	await page.goto(paths.repository.href(project, "tool"));
	const row = page.getByTestId("artifact-row");
	await row.getByRole("button", { name: `Add tag to ${toolDigest}` }).click();
	const dialog = page.getByRole("dialog", { name: "Add a tag" });
	await dialog.getByLabel("Tag name").fill("-bad");
	await expect(dialog.getByText("A tag uses letters")).toBeVisible();
	await dialog.getByLabel("Tag name").fill("stable");
	await dialog.getByRole("button", { name: "Add tag" }).click();
	await expect(dialog).toBeHidden();
	await expect(row.getByText("stable", { exact: true })).toBeVisible();
	const tags = async () =>
		(
			await api.get<{ name: string }[]>(
				`/projects/${project}/repositories/tool/artifacts/${toolDigest}/tags`,
			)
		)
			.map((t) => t.name)
			.sort();
	expect(await tags()).toEqual(["2.0", "stable"]);

	await row.getByRole("button", { name: "Remove tag stable" }).click();
	await page
		.getByRole("dialog", { name: "Delete tag?" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(row.getByText("stable", { exact: true })).toBeHidden();
	expect(await tags()).toEqual(["2.0"]);
});

test("a project label is added to an artifact from the picker and removed from its chip", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const { projectId } = shared;
	const label = unique("qa");
	await api.post("/labels", {
		name: label,
		color: "#1D7A46",
		scope: "p",
		project_id: projectId,
	});
	await signIn(page);
	await page.goto(paths.repository.href(project, "tool"));
	const row = page.getByTestId("artifact-row");
	await row.getByRole("button", { name: `Labels… for ${toolDigest}` }).click();
	const picker = page.getByRole("dialog", { name: "Labels of this artifact" });
	await picker.getByLabel("Filter labels").fill(label);
	// The box shows what the server holds: it turns checked once the label is added.
	await picker.getByRole("checkbox", { name: new RegExp(label) }).click();
	await expect(
		picker.getByRole("checkbox", { name: new RegExp(label) }),
	).toBeChecked();
	await picker.getByRole("button", { name: "Close" }).click();
	await expect(row.getByText(label)).toBeVisible();
	await row.getByRole("button", { name: `Remove label ${label}` }).click();
	await expect(row.getByText(label)).toBeHidden();
});

test("the tag filter belongs to its repository: moving to another one, or back, shows that one's own filter", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.repository.href(project, "tool"));
	const filter = page.getByLabel("Filter by tag");
	await filter.fill("2.0");
	await expect(page).toHaveURL(/[?&]tag=2\.0/);
	await expect(page.getByTestId("artifact-row")).toHaveCount(1);

	// To the other repository without leaving the page (through the palette): it is not filtered by the first one's tag.
	const palette = await openPalette(page);
	await page.keyboard.type(`${project}/app`);
	await palette
		.getByRole("option", { name: new RegExp(`^${project}/app`) })
		.click();
	// The page's own heading (the description's "The app" heading is level 1 too).
	await expect(
		page.getByRole("heading", { level: 1, name: "app", exact: true }),
	).toBeVisible();
	await expectFilterStaysCleared(page, filter, "tag");
	await expect(page.getByTestId("artifact-row")).toHaveCount(1);
	await expect(page.getByTestId("artifact-row")).toContainText("1.0");

	// Back: the first repository, with its own filter in the box again.
	await page.goBack();
	await expect(
		page.getByRole("heading", { level: 1, name: "tool" }),
	).toBeVisible();
	await expect(page).toHaveURL(/[?&]tag=2\.0/);
	await expect(filter).toHaveValue("2.0");
});

test("the label picker asks the server by name, so any of more than a hundred labels can be attached", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const { projectId } = shared;
	const prefix = unique("many");
	for (let i = 0; i <= 100; i++) {
		await api.post("/labels", {
			name: `${prefix}-${String(i).padStart(3, "0")}`,
			color: "#bfdbfe",
			scope: "p",
			project_id: projectId,
		});
	}
	const last = `${prefix}-100`;
	await signIn(page);
	await page.goto(paths.repository.href(project, "tool"));
	const row = page.getByTestId("artifact-row");
	await row.getByRole("button", { name: `Labels… for ${toolDigest}` }).click();
	const picker = page.getByRole("dialog", { name: "Labels of this artifact" });
	await expect(picker.getByText(/more labels are not listed/)).toBeVisible();
	await expect(
		picker.getByRole("checkbox", { name: new RegExp(last) }),
	).toHaveCount(0);

	await picker.getByLabel("Filter labels").fill(last);
	const box = picker.getByRole("checkbox", { name: new RegExp(last) });
	await expect(picker.getByRole("checkbox")).toHaveCount(1);
	await box.click();
	await expect(box).toBeChecked();
	await picker.getByRole("button", { name: "Close" }).click();
	await expect(row.getByText(last)).toBeVisible();
	const attached = await api.get<{ labels?: { name: string }[] }>(
		`/projects/${project}/repositories/tool/artifacts/${toolDigest}?with_label=true`,
	);
	expect(attached.labels?.map((l) => l.name)).toContain(last);
	await row.getByRole("button", { name: `Remove label ${last}` }).click();
	await expect(row.getByText(last)).toBeHidden();
});

test("a non-member of a public project sees a repository's description and counts, with no error", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const outsider = await api.createUser(unique("outsider"));
	await api.put(`/projects/${project}`, { metadata: { public: "true" } });
	try {
		await signIn(page, outsider.username, outsider.password);
		await page.goto(paths.repository.href(project, "app"));
		await expect(
			page
				.getByTestId("repository-description")
				.getByRole("heading", { name: "The app" }),
		).toBeVisible();
		await expect(
			page.getByText(/1 artifact · \d+ pulls? · last modified/),
		).toBeVisible();
		await expect(page.getByTestId("artifact-row")).toHaveCount(1);
		await expect(page.getByRole("alert")).toHaveCount(0);
		await expect(page.getByText(/not allowed/)).toHaveCount(0);
	} finally {
		await api.put(`/projects/${project}`, { metadata: { public: "false" } });
	}
});

test("a guest sees the artifacts and pull commands but no delete, tag or label action", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const guest = await api.createUser(unique("guest"));
	await api.addMember(project, guest.username, 3);
	await signIn(page, guest.username, guest.password);
	// What the page offers follows the guest's permissions in the project: the checks below wait for them.
	const permissions = page.waitForResponse(
		(r) =>
			new URL(r.url()).pathname === "/api/v2.0/users/current/permissions" &&
			(new URL(r.url()).searchParams.get("scope") ?? "").startsWith(
				"/project/",
			),
	);
	await page.goto(paths.repository.href(project, "tool"));
	const granted = (await (await permissions).json()) as {
		resource: string;
		action: string;
	}[];
	expect(granted).toContainEqual({ resource: "repository", action: "pull" });
	expect(granted).not.toContainEqual({
		resource: "artifact",
		action: "delete",
	});
	const row = page.getByTestId("artifact-row");
	await expect(row).toHaveCount(1);
	await expect(
		row.getByRole("button", {
			name: `Pull command ${shortDigest(toolDigest)}`,
			exact: true,
		}),
	).toBeVisible();
	await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
	await expect(page.getByRole("button", { name: /Add tag/ })).toHaveCount(0);
	await expect(page.getByRole("button", { name: /Remove tag/ })).toHaveCount(0);
	await expect(page.getByRole("button", { name: /Labels…/ })).toHaveCount(0);
	await expect(
		page.getByRole("button", { name: "Edit description" }),
	).toHaveCount(0);
	await page.goto(paths.projectTab.href(project, "repositories"));
	await expect(page.getByTestId("repository-row")).toHaveCount(3);
	await expect(page.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
});

test("the description is edited as Markdown, and an artifact and a repository are deleted after confirmation", async ({
	page,
}) => {
	const pushed = await shared.client.pushImage(`${project}/scratch:1`, {
		layers: 1,
		layerBytes: 1024,
	});
	expect(pushed.ok, pushed.stderr).toBe(true);
	await signIn(page);
	await page.goto(paths.repository.href(project, "scratch"));
	await page.getByRole("button", { name: "Edit description" }).click();
	await page
		.getByLabel("Description (Markdown)")
		.fill("## Scratch space\n\nFor **tests**.");
	await page.getByRole("button", { name: "Save" }).click();
	await expect(
		page
			.getByTestId("repository-description")
			.getByRole("heading", { name: "Scratch space" }),
	).toBeVisible();

	await page
		.getByTestId("artifact-row")
		.getByRole("button", {
			name: `Delete ${shortDigest(pushed.digest)}`,
			exact: true,
		})
		.click();
	await page
		.getByRole("dialog", { name: "Delete artifact?" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(page.getByTestId("artifact-row")).toHaveCount(0);
	await expect(page.getByTestId("empty-state")).toContainText(
		"This repository has no artifacts",
	);

	await page.goto(paths.projectTab.href(project, "repositories"));
	await page.getByRole("button", { name: "Delete scratch" }).click();
	await page
		.getByRole("dialog", { name: "Delete repository?" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(page.getByTestId("repository-row")).toHaveCount(3);
	await expect(page.getByRole("link", { name: "scratch" })).toHaveCount(0);
});
