import {
	type APIRequestContext,
	expect,
	type Page,
	test,
} from "@playwright/test";
import {
	adminApi,
	baseURL,
	basic,
	expectAccessible,
	registryClient,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

/**
 * In a project of its own: the admin pushes app:v1, a developer tags it v2 through the API, the admin pushes app:old
 * and deletes it by digest. Another project gets a push too, which the first project's Logs tab must not show.
 */
const project = unique("e2e-audit");
const other = unique("e2e-elsewhere");
const tagger = unique("e2e-tagger");
let deletedDigest = "";

test.beforeAll(async ({ playwright }) => {
	const request = await playwright.request.newContext({ baseURL });
	const api = adminApi(request);
	await api.createProject(project);
	await api.createProject(other);
	const user = await api.createUser(tagger);
	await api.addMember(project, tagger, 2);
	const client = await registryClient();
	try {
		for (const ref of [`${project}/app:v1`, `${other}/app:v1`]) {
			const r = await client.pushImage(ref);
			expect(r.ok, r.stderr).toBe(true);
		}
		const tagged = await request.post(
			`/api/v2.0/projects/${project}/repositories/app/artifacts/v1/tags`,
			{
				headers: { Authorization: basic(user.username, user.password) },
				data: { name: "v2" },
			},
		);
		expect(tagged.status(), await tagged.text()).toBe(201);
		const old = await client.pushImage(`${project}/app:old`);
		expect(old.ok, old.stderr).toBe(true);
		deletedDigest = old.digest;
		await api.delete(
			`/projects/${project}/repositories/app/artifacts/${deletedDigest}`,
		);
		await auditHas(request, `${project}/app@${deletedDigest}`, "delete");
	} finally {
		await client.cleanup();
		await request.dispose();
	}
});

/** The audit log is written in batches a few times a second: wait until an event is in before a page reads it. */
async function auditHas(
	request: APIRequestContext,
	resource: string,
	operation: string,
) {
	const api = adminApi(request);
	await expect(async () => {
		const found = await api.get<unknown[]>(
			`/audit-logs?q=${encodeURIComponent(`resource=${resource},operation=${operation}`)}`,
		);
		expect(found.length).toBeGreaterThan(0);
	}).toPass({ timeout: 10_000 });
}

const rows = (page: Page) => page.getByTestId("audit-row");
const row = (page: Page, resource: string) =>
	rows(page).filter({ hasText: resource });

/** A datetime-local value (local time, to the minute) `minutes` from now. */
const localMinute = (minutes: number) => {
	const d = new Date(Date.now() + minutes * 60_000);
	return new Date(d.getTime() - d.getTimezoneOffset() * 60_000)
		.toISOString()
		.slice(0, 16);
};

test("the audit log shows the push, the tag and the deletion, and its filters narrow to them and survive a reload", async ({
	page,
}) => {
	await signIn(page);
	await page.goto("/admin/audit-log");
	await expect(
		page.getByRole("heading", { name: "Audit log", level: 1 }),
	).toBeVisible();
	await expect(rows(page).first()).toBeVisible();
	await screenshot(page, "admin-audit-log");
	await expectAccessible(page);

	// By resource: the project's name narrows the log to what happened in it.
	await page
		.getByRole("searchbox", { name: "Resource", exact: true })
		.fill(project);
	await expect(page).toHaveURL(new RegExp(`resource=${project}`));
	const pushed = row(page, `${project}/app:v1`).filter({ hasText: "Artifact" });
	await expect(pushed).toHaveCount(1);
	await expect(pushed).toContainText("Create");
	await expect(pushed).toContainText("admin");
	const tagged = row(page, `${project}/app:v2`);
	await expect(tagged).toHaveCount(1);
	await expect(tagged).toContainText("Create");
	await expect(tagged).toContainText("Tag");
	await expect(tagged).toContainText(tagger);
	const deleted = row(page, deletedDigest);
	await expect(deleted).toHaveCount(1);
	await expect(deleted).toContainText("Delete");
	await expect(deleted).toContainText("Artifact");
	await expect(deleted).toContainText("admin");
	await expect(deleted).toContainText("Succeeded");
	await expect(async () => {
		for (const text of await rows(page).allInnerTexts())
			expect(text).toContain(project);
	}).toPass();

	// By operation, with the resource filter still on; both are in the URL and survive a reload.
	await page.getByLabel("Operation", { exact: true }).selectOption("delete");
	await expect(rows(page)).toHaveCount(1);
	await expect(rows(page)).toContainText(deletedDigest);
	await page.reload();
	await expect(page.getByLabel("Operation", { exact: true })).toHaveValue(
		"delete",
	);
	await expect(
		page.getByRole("searchbox", { name: "Resource", exact: true }),
	).toHaveValue(project);
	await expect(rows(page)).toHaveCount(1);
	await expect(rows(page)).toContainText(deletedDigest);

	// By user: only what the developer did.
	await page.getByLabel("Operation", { exact: true }).selectOption("");
	await page.getByRole("searchbox", { name: "User", exact: true }).fill(tagger);
	// Once the filters are in the URL (the user box writes it after a pause), not while the last list still shows.
	await expect(page).toHaveURL(new RegExp(`[?&]username=${tagger}`));
	await expect(page).not.toHaveURL(/[?&]operation=/);
	await expect(rows(page)).toHaveCount(1);
	await expect(rows(page)).toContainText(`${project}/app:v2`);

	// By time range: a range that ended yesterday has none of it; one around now has it back, also after a reload.
	await page.getByRole("searchbox", { name: "User", exact: true }).fill("");
	await page
		.getByLabel("From", { exact: true })
		.fill(localMinute(-2 * 24 * 60));
	await page.getByLabel("To", { exact: true }).fill(localMinute(-24 * 60));
	await expect(page.getByTestId("empty-state")).toContainText(
		"No entries match these filters",
	);
	await expect(rows(page)).toHaveCount(0);
	await page.getByLabel("From", { exact: true }).fill(localMinute(-30));
	await page.getByLabel("To", { exact: true }).fill(localMinute(1));
	await expect(row(page, deletedDigest)).toHaveCount(1);
	await page.reload();
	await expect(page.getByLabel("From", { exact: true })).toHaveValue(
		localMinute(-30),
	);
	await expect(row(page, `${project}/app:v2`)).toHaveCount(1);
	await expect(row(page, deletedDigest)).toHaveCount(1);

	// Sorted by time: oldest first puts the first push before the deletion.
	await page.getByRole("button", { name: /^Time/ }).click();
	await expect(page).toHaveURL(/sort=op_time/);
	// The rows re-render when the sorted page arrives: read them until they are in order.
	await expect(async () => {
		const texts = await rows(page).allInnerTexts();
		const first = texts.findIndex((t) => t.includes(`${project}/app:v1`));
		const last = texts.findIndex((t) => t.includes(deletedDigest));
		expect(first).toBeGreaterThanOrEqual(0);
		expect(first).toBeLessThan(last);
	}).toPass();
});

test("the project's Logs tab shows only that project's entries", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(`/projects/${project}/logs`);
	await expect(row(page, deletedDigest)).toHaveCount(1);
	await expect(row(page, `${project}/app:v2`)).toHaveCount(1);
	await expect(
		row(page, `${project}/app:v1`).filter({ hasText: "Artifact" }),
	).toHaveCount(1);
	for (const text of await rows(page).allInnerTexts())
		expect(text).not.toContain(other);
	await screenshot(page, "project-logs");
	await expectAccessible(page);

	// The same filters work here, kept in the URL.
	await page.getByLabel("Resource type").selectOption("tag");
	await expect(rows(page)).toHaveCount(1);
	await expect(rows(page)).toContainText(tagger);
	await page.reload();
	await expect(page.getByLabel("Resource type")).toHaveValue("tag");
	await expect(rows(page)).toHaveCount(1);

	// The other project's push is in the system log, so its absence above was the filter at work.
	await page.goto(`/admin/audit-log?resource=${other}`);
	await expect(row(page, `${other}/app:v1`).first()).toBeVisible();
});

test("the project's Logs tab also shows the member added, the robot created and disabled, the pull and the tag deleted", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const robotName = unique("ci");
	const created = await api.post("/robots", {
		name: robotName,
		level: "project",
		duration: -1,
		permissions: [
			{
				kind: "project",
				namespace: project,
				access: [{ resource: "repository", action: "pull" }],
			},
		],
	});
	const robot = (await created.json()) as {
		id: number;
		name: string;
		secret: string;
	};
	const client = await registryClient();
	try {
		const pulled = await client.skopeo(
			"inspect",
			"--tls-verify=false",
			"--raw",
			"--creds",
			`${robot.name}:${robot.secret}`,
			`docker://${new URL(baseURL).host}/${project}/app:v1`,
		);
		expect(pulled.ok, pulled.stderr).toBe(true);
	} finally {
		await client.cleanup();
	}
	const current = await api.get<Record<string, unknown>>(`/robots/${robot.id}`);
	await api.put(`/robots/${robot.id}`, { ...current, disable: true });
	await api.delete(
		`/projects/${project}/repositories/app/artifacts/v1/tags/v2`,
	);
	await auditHas(request, `${project}/app:v2`, "delete");

	await signIn(page);
	await page.goto(`/projects/${project}/logs`);
	const member = row(page, `${project}/${tagger}`);
	await expect(member).toHaveCount(1);
	await expect(member).toContainText("Member");
	const robotRows = row(page, robot.name);
	await expect(robotRows.filter({ hasText: "Create" })).toHaveCount(1);
	await expect(robotRows.filter({ hasText: "Disable" })).toHaveCount(1);
	await expect(
		row(page, `${project}/app:v2`).filter({ hasText: "Delete" }),
	).toHaveCount(1);
	const pull = rows(page)
		.filter({ hasText: "Pull" })
		.filter({ hasText: robot.name });
	await expect(pull).toHaveCount(1);
	// And the project's own creation, first of all.
	await expect(
		rows(page).filter({ hasText: "Project" }).filter({ hasText: "Create" }),
	).toHaveCount(1);
});
