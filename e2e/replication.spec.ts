import { expect, test } from "@playwright/test";
import {
	type DistributionServer,
	startDistributionServer,
} from "../bff/test/distribution-server.ts";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	baseURL,
	expectAccessible,
	openUserMenu,
	type RegistryClient,
	registryClient,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

/**
 * The remote is Debian's docker-registry on 127.0.0.1, saved as a `docker-registry` endpoint through the API; the
 * project holds two tags, of which the rule's tag filter takes one. The console creates, runs, edits and deletes the rule.
 */
const project = unique("repl");
const endpoint = unique("dr-site");
let remote: DistributionServer;
let client: RegistryClient;
let endpointId = 0;
const cache = unique("cache");

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ playwright }) => {
	remote = await startDistributionServer();
	const request = await playwright.request.newContext({ baseURL });
	try {
		const api = adminApi(request);
		await api.createProject(project);
		client = await registryClient();
		for (const tag of ["1.0", "2.0"]) {
			const pushed = await client.pushImage(`${project}/app:${tag}`, {
				layers: 1,
				layerBytes: 64 * 1024,
			});
			expect(pushed.ok, pushed.stderr).toBe(true);
		}
		await api.post("/registries", {
			name: endpoint,
			type: "docker-registry",
			url: remote.url,
			insecure: true,
			credential: { type: "basic", access_key: "", access_secret: "" },
		});
		[{ id: endpointId }] = await api.get<{ id: number }[]>(
			`/registries?q=name%3D${endpoint}`,
		);
	} finally {
		await request.dispose();
	}
});

test.afterAll(async ({ playwright }) => {
	const request = await playwright.request.newContext({ baseURL });
	// The rule is gone when the test passed; a failed run may leave it, and it holds the endpoint.
	const api = adminApi(request);
	const left = await api
		.get<{ id: number }[]>(`/replication/policies?name=${project}`)
		.catch(() => []);
	for (const p of left)
		await api.delete(`/replication/policies/${p.id}`).catch(() => undefined);
	// The proxy cache holds the endpoint too.
	await api.delete(`/projects/${cache}`).catch(() => undefined);
	if (endpointId)
		await api.delete(`/registries/${endpointId}`).catch(() => undefined);
	await request.dispose();
	await client?.cleanup();
	await remote?.stop();
});

test("a push rule with filters is created, run to success with its tasks and log, edited (a bad cron refused), and deleted", async ({
	page,
}) => {
	const rule = `${project}-push`;
	await signIn(page);
	await page.goto(paths.admin.href("replications"));
	await expect(
		page.getByRole("heading", { name: "Replications", level: 1 }),
	).toBeVisible();

	await page.getByRole("button", { name: "New rule" }).click();
	const form = page.getByRole("dialog", { name: "New replication rule" });
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form.getByText("A rule needs a name.")).toBeVisible();
	await expect(form.getByText("Choose where to push to.")).toBeVisible();

	await form.getByLabel("Name", { exact: true }).fill(rule);
	await form
		.getByLabel("Destination registry")
		.selectOption({ label: `${endpoint} — ${remote.url}` });
	// A pull from this endpoint offers what its /info says: name and tag filters, no event trigger.
	await form.getByRole("radio", { name: /^Pull-based/ }).check();
	await expect(form.getByLabel("Source registry")).toBeVisible();
	await expect(form.getByLabel("Trigger mode").getByRole("option")).toHaveText([
		"Manual",
		"Scheduled",
	]);
	await expect(form.getByLabel("Label", { exact: true })).toHaveCount(0);
	await form.getByRole("radio", { name: /^Push-based/ }).check();
	await form.getByLabel("Repository name").fill(`${project}/**`);
	await form.getByLabel("Tag", { exact: true }).fill("1.*");
	await expect(
		form.getByLabel("Keep or drop what the Tag filter names"),
	).toHaveValue("matches");
	// Wharf's own content is the source of a push: its label and resource filters are offered, and event triggers.
	await expect(form.getByLabel("Label", { exact: true })).toBeVisible();
	await expect(form.getByRole("radio", { name: "Image" })).toBeVisible();
	await expect(form.getByLabel("Trigger mode").getByRole("option")).toHaveText([
		"Manual",
		"Scheduled",
		"Event based",
	]);
	await form.getByLabel("Namespace").fill("mirror");
	await form.getByLabel("Flattening").selectOption({ label: "No flattening" });
	await expect(form.getByTestId("flatten-example")).toHaveText(
		"a/b/c/d/img becomes mirror/a/b/c/d/img",
	);
	await expectAccessible(page);
	await screenshot(page, "replication-rule-dialog");
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form).toBeHidden();

	await page.getByLabel("Search rules").fill(rule);
	const row = page.getByTestId("rule-row").filter({ hasText: rule });
	await expect(row).toHaveCount(1);
	await expect(row).toContainText("Enabled");
	await expect(row).toContainText(`Local → ${endpoint}`);
	await expect(row).toContainText("Push-based");
	await expect(row).toContainText("Manual");
	await expect(row).toContainText("Never run");

	// The same name again: the server's 409, in the dialog.
	await page.getByRole("button", { name: "New rule" }).click();
	const again = page.getByRole("dialog", { name: "New replication rule" });
	await again.getByLabel("Name", { exact: true }).fill(rule);
	await again
		.getByLabel("Destination registry")
		.selectOption({ label: `${endpoint} — ${remote.url}` });
	await again.getByRole("button", { name: "Create" }).click();
	await expect(again.getByRole("alert")).toContainText("already exists");
	await again.getByRole("button", { name: "Cancel" }).click();
	await expect(again).toBeHidden();

	await row.getByRole("button", { name: `Replicate ${rule} now` }).click();
	const confirm = page.getByRole("dialog", { name: "Replicate now?" });
	await confirm.getByRole("button", { name: "Replicate" }).click();
	await expect(confirm).toBeHidden();
	const executions = page.getByRole("table", { name: `Executions of ${rule}` });
	const execution = executions.getByTestId("execution-row");
	await expect(execution).toHaveCount(1);
	// The list follows the run without a reload.
	await expect(execution.getByTestId("execution-status")).toHaveText(
		"Succeeded",
		{ timeout: 45_000 },
	);
	await expect(execution.getByTestId("execution-counts")).toContainText(
		"100% of 1 succeeded",
	);
	await expect(row.getByTestId("rule-last-status")).toHaveText("Succeeded");
	// Selecting the rule once it started kept the search typed before it.
	await expect(page).toHaveURL(new RegExp(`[?&]name=${rule}(&|$)`));
	await expect(page).toHaveURL(/[?&]rule=\d+/);

	await execution.getByRole("button", { name: /^Tasks of execution/ }).click();
	const task = page.getByTestId("task-row");
	await expect(task).toHaveCount(1);
	await expect(task.getByTestId("task-status")).toHaveText("Succeeded");
	// Harbor writes a task's resources as `repo:[tags]`: the repository and the tag are what the user looks for.
	await expect(task).toContainText(`${project}/app`);
	await expect(task).toContainText("1.0");
	await expect(task).not.toContainText("2.0");
	await expect(task).toContainText(`mirror/${project}/app`);
	await expectAccessible(page);
	await screenshot(page, "replications-page");
	await task.getByRole("button", { name: /^Log of task/ }).click();
	const log = page.getByRole("dialog", { name: /^Log of task/ });
	await expect(log.getByTestId("task-log")).not.toHaveText(
		/^(Loading…|The task has written nothing yet\.)?$/,
	);
	await log.getByRole("button", { name: "Close" }).click();
	await expect(log).toBeHidden();

	// A phone-sized window: the page does not scroll sideways (wide tables scroll in their own box) and its button stays on screen.
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(page.getByRole("button", { name: "New rule" })).toBeInViewport({
		ratio: 1,
	});
	expect(
		await page.evaluate(
			() => document.documentElement.scrollWidth <= window.innerWidth,
		),
	).toBe(true);
	await screenshot(page, "layout-390-replications");
	await page.setViewportSize({ width: 1280, height: 720 });

	// What the filters chose is what the remote holds: 1.0, not 2.0, under the namespace.
	const tags = (await (
		await fetch(`${remote.url}/v2/mirror/${project}/app/tags/list`)
	).json()) as { tags: string[] };
	expect(tags.tags).toEqual(["1.0"]);

	await row.getByRole("button", { name: `Edit rule ${rule}` }).click();
	const edit = page.getByRole("dialog", { name: "Edit replication rule" });
	await expect(edit.getByLabel("Repository name")).toHaveValue(`${project}/**`);
	await expect(edit.getByLabel("Tag", { exact: true })).toHaveValue("1.*");
	await expect(edit.getByLabel("Flattening")).toHaveValue("0");
	await edit.getByLabel("Trigger mode").selectOption("scheduled");
	await edit.getByLabel("Schedule (cron)").fill("every night");
	await edit.getByRole("button", { name: "Save" }).click();
	await expect(edit.getByRole("alert")).toContainText(
		'invalid cron "every night"',
	);
	await edit.getByLabel("Schedule (cron)").fill("0 0 3 * * *");
	await edit.getByRole("button", { name: "Save" }).click();
	await expect(edit).toBeHidden();
	await expect(row).toContainText("Scheduled");
	await expect(row).toContainText("0 0 3 * * *");

	await row.getByRole("button", { name: `Delete rule ${rule}` }).click();
	await page
		.getByRole("dialog", { name: "Delete replication rule" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(row).toHaveCount(0);
	await expect(page.getByTestId("empty-state")).toContainText(
		"No rule matches",
	);
	await expect(executions).toHaveCount(0);
});

test("a slow run shows in progress, cannot be deleted while it runs, stops, and its stopped task is retried", async ({
	page,
	request,
}) => {
	const rule = `${project}-slow`;
	// 1 KB/s over a 64 KiB layer: the run lasts about a minute unless stopped.
	await adminApi(request).post("/replication/policies", {
		name: rule,
		description: "",
		dest_registry: { id: endpointId },
		dest_namespace: "slow",
		dest_namespace_replace_count: 0,
		filters: [
			{ type: "name", value: `${project}/**` },
			{ type: "tag", value: "2.0" },
		],
		trigger: { type: "manual", trigger_settings: {} },
		enabled: true,
		override: true,
		replicate_deletion: false,
		speed: 1,
		copy_by_chunk: false,
	});
	await signIn(page);
	await page.goto(`${paths.admin.href("replications")}?name=${rule}`);
	const row = page.getByTestId("rule-row").filter({ hasText: rule });
	await row.getByRole("button", { name: `Replicate ${rule} now` }).click();
	await page
		.getByRole("dialog", { name: "Replicate now?" })
		.getByRole("button", { name: "Replicate" })
		.click();
	const execution = page
		.getByRole("table", { name: `Executions of ${rule}` })
		.getByTestId("execution-row");
	await expect(execution.getByTestId("execution-status")).toHaveText(
		"In progress",
	);
	await expect(row.getByTestId("rule-last-status")).toHaveText("In progress");
	await execution.getByRole("button", { name: /^Tasks of execution/ }).click();
	await expect(
		page.getByTestId("task-row").getByTestId("task-status"),
	).toHaveText("In progress");

	await row.getByRole("button", { name: `Delete rule ${rule}` }).click();
	const refuse = page.getByRole("dialog", { name: "Delete replication rule" });
	await refuse.getByRole("button", { name: "Delete" }).click();
	await expect(refuse.getByRole("alert")).toContainText(
		"has an execution in progress: stop it first",
	);
	await refuse.getByRole("button", { name: "Cancel" }).click();
	await expect(row).toHaveCount(1);

	await execution.getByRole("button", { name: /^Stop execution/ }).click();
	await expect(execution.getByTestId("execution-status")).toHaveText(
		"Stopped",
		{ timeout: 20_000 },
	);
	await expect(
		page.getByTestId("task-row").getByTestId("task-status"),
	).toHaveText("Stopped");
	await expectAccessible(page);

	await execution
		.getByRole("button", { name: /^Retry failed tasks of execution/ })
		.click();
	await expect(page.getByTestId("retry-result")).toHaveText(
		"1 task runs again.",
	);
	await expect(execution.getByTestId("execution-status")).toHaveText(
		"In progress",
	);
	await execution.getByRole("button", { name: /^Stop execution/ }).click();
	await expect(execution.getByTestId("execution-status")).toHaveText(
		"Stopped",
		{ timeout: 20_000 },
	);

	// A link to the rule shows its executions, even where the list's search would not show the rule.
	const [{ id }] = await adminApi(request).get<{ id: number }[]>(
		`/replication/policies?name=${rule}`,
	);
	await page.goto(
		`${paths.admin.href("replications")}?name=no-such-rule&rule=${id}`,
	);
	await expect(page.getByTestId("empty-state")).toContainText(
		"No rule matches",
	);
	await expect(
		page
			.getByRole("table", { name: `Executions of ${rule}` })
			.getByTestId("execution-status"),
	).toHaveText("Stopped");

	// Dark, the statuses and panels keep their contrast.
	await openUserMenu(page);
	await page.getByRole("radio", { name: "Dark" }).check();
	await expect(page.locator("html")).toHaveClass(/dark/);
	await page.keyboard.press("Escape");
	await expectAccessible(page);
});

test("an event-based rule made in the console runs by itself when a matching tag is pushed, shown without a reload", async ({
	page,
}) => {
	const rule = `${project}-events`;
	await signIn(page);
	await page.goto(`${paths.admin.href("replications")}?name=${rule}`);
	await page.getByRole("button", { name: "New rule" }).click();
	const form = page.getByRole("dialog", { name: "New replication rule" });
	await form.getByLabel("Name", { exact: true }).fill(rule);
	await form
		.getByLabel("Destination registry")
		.selectOption({ label: `${endpoint} — ${remote.url}` });
	await form.getByLabel("Repository name").fill(`${project}/**`);
	await form.getByLabel("Tag", { exact: true }).fill("3.*");
	await form.getByLabel("Namespace").fill("events");
	// A new rule flattens one level, as Harbor's portal starts it: <project>/app lands as events/app.
	await expect(form.getByLabel("Flattening")).toHaveValue("1");
	await form.getByLabel("Trigger mode").selectOption({ label: "Event based" });
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form).toBeHidden();
	const row = page.getByTestId("rule-row").filter({ hasText: rule });
	await expect(row).toContainText("Event based");
	await row.getByRole("button", { name: rule, exact: true }).click();
	const execution = page
		.getByRole("table", { name: `Executions of ${rule}` })
		.getByTestId("execution-row");
	await expect(page.getByText("Not run yet")).toBeVisible();

	const pushed = await client.pushImage(`${project}/app:3.0`, {
		layers: 1,
		layerBytes: 16 * 1024,
	});
	expect(pushed.ok, pushed.stderr).toBe(true);
	await expect(execution).toHaveCount(1, { timeout: 20_000 });
	await expect(execution).toContainText("Event based");
	await expect(execution.getByTestId("execution-status")).toHaveText(
		"Succeeded",
		{ timeout: 30_000 },
	);
	await expect(row.getByTestId("rule-last-status")).toHaveText("Succeeded");
	const tags = (await (
		await fetch(`${remote.url}/v2/events/app/tags/list`)
	).json()) as { tags: string[] };
	expect(tags.tags).toEqual(["3.0"]);
});

test("a pull rule made in the console copies from the endpoint into a Wharf project, flattened to its last level", async ({
	page,
	request,
}) => {
	const rule = `${project}-pull`;
	const into = unique("pulled");
	await adminApi(request).createProject(into);
	await signIn(page);
	await page.goto(`${paths.admin.href("replications")}?name=${rule}`);
	await page.getByRole("button", { name: "New rule" }).click();
	const form = page.getByRole("dialog", { name: "New replication rule" });
	await form.getByLabel("Name", { exact: true }).fill(rule);
	await form.getByRole("radio", { name: /^Pull-based/ }).check();
	await form
		.getByLabel("Source registry")
		.selectOption({ label: `${endpoint} — ${remote.url}` });
	// The first test pushed mirror/<project>/app:1.0 there.
	await form.getByLabel("Repository name").fill(`mirror/${project}/**`);
	await form.getByLabel("Namespace").fill(into);
	await form
		.getByLabel("Flattening")
		.selectOption({ label: "Flatten all levels" });
	await expect(form.getByTestId("flatten-example")).toHaveText(
		`a/b/c/d/img becomes ${into}/img`,
	);
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form).toBeHidden();

	const row = page.getByTestId("rule-row").filter({ hasText: rule });
	await expect(row).toContainText(`${endpoint} → Local`);
	await expect(row).toContainText("Pull-based");
	await row.getByRole("button", { name: `Replicate ${rule} now` }).click();
	await page
		.getByRole("dialog", { name: "Replicate now?" })
		.getByRole("button", { name: "Replicate" })
		.click();
	const execution = page
		.getByRole("table", { name: `Executions of ${rule}` })
		.getByTestId("execution-row");
	await expect(execution.getByTestId("execution-status")).toHaveText(
		"Succeeded",
		{ timeout: 45_000 },
	);
	const tags = await adminApi(request).get<{ name: string }[]>(
		`/projects/${into}/repositories/app/artifacts/1.0/tags`,
	);
	expect(tags.map((t) => t.name)).toEqual(["1.0"]);
});

test("a system admin creates a proxy-cache project of an endpoint; the list types it and its page says so", async ({
	page,
	request,
}) => {
	await signIn(page);
	await page.goto(paths.projects.href());
	await page.getByRole("button", { name: "New project" }).click();
	const form = page.getByRole("dialog", { name: "New project" });
	await form.getByLabel("Project name").fill(cache);
	await form.getByRole("switch", { name: /Proxy cache/ }).check();
	await form
		.getByLabel("Endpoint to cache")
		.selectOption({ label: `${endpoint} — ${remote.url}` });
	await form.getByLabel("Upstream bandwidth (KB/s)").fill("0");
	await form.getByRole("button", { name: "Create" }).click();
	await expect(
		form.getByText("A whole number of KB/s, or -1 for unlimited."),
	).toBeVisible();
	await form.getByLabel("Upstream bandwidth (KB/s)").fill("2048");
	await expectAccessible(page);
	await form.getByRole("button", { name: "Create" }).click();
	await expect(form).toBeHidden();

	const saved = await adminApi(request).get<{
		registry_id?: number;
		metadata: Record<string, string>;
	}>(`/projects/${cache}`);
	expect(saved.registry_id).toBe(endpointId);
	expect(saved.metadata.proxy_speed_kb).toBe("2048");

	await page.getByLabel("Search by name").fill(cache);
	const row = page.getByTestId("project-row").filter({ hasText: cache });
	await expect(row.getByTestId("project-type")).toHaveText("Proxy cache");
	await page.getByLabel("Search by name").fill(project);
	await expect(
		page
			.getByTestId("project-row")
			.filter({ hasText: project })
			.getByTestId("project-type"),
	).toHaveText("Project");

	await page.goto(paths.projectTab.href(cache, "repositories"));
	await expect(page.getByTestId("project-proxy-cache")).toHaveText(
		`Proxy cache of ${endpoint}`,
	);
	await expect(page.getByTestId("empty-state")).toContainText(
		`${cache}/library/alpine:latest`,
	);
	await expectAccessible(page);
	await screenshot(page, "proxy-cache-project");
});
