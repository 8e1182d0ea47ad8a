import { expect, test } from "@playwright/test";
import { type Receiver, startReceiver } from "../bff/test/webhook-receiver.ts";
import {
	adminApi,
	baseURL,
	expectAccessible,
	registryClient,
	registryHost,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

/**
 * A project admin makes a webhook in the console pointing at a receiver this spec runs on 127.0.0.1, pushes an image
 * with skopeo, and follows the delivery: the receiver got Harbor's payload with the auth header, and the console shows
 * the last trigger, the delivered execution and its log; then the webhook is disabled and deleted.
 */
const project = unique("e2e-hooks");
let rx: Receiver;

test.describe.configure({ mode: "serial" });
test.beforeAll(async ({ playwright }) => {
	rx = await startReceiver();
	const request = await playwright.request.newContext({ baseURL });
	try {
		await adminApi(request).createProject(project);
	} finally {
		await request.dispose();
	}
});
test.afterAll(async () => {
	await rx?.close();
});

test("a webhook made in the console delivers a push, and its delivery and log are shown", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(`/projects/${project}/webhooks`);
	await expect(
		page.getByRole("heading", { name: "Webhooks", level: 2 }),
	).toBeVisible();
	await expect(page.getByTestId("empty-state")).toContainText(
		"No webhooks yet",
	);

	await page.getByRole("button", { name: "New webhook" }).click();
	const dialog = page.getByRole("dialog", { name: "New webhook" });
	await dialog.getByLabel("Name").fill("ci");
	// Refused before anything is sent: no address yet.
	await dialog.getByRole("button", { name: "Create" }).click();
	await expect(
		dialog.getByText("Give an http:// or https:// address."),
	).toBeVisible();
	await dialog.getByLabel("Endpoint URL").fill(`${rx.url}/e2e`);
	await dialog.getByLabel("Auth header").fill("Bearer e2e-secret");
	await expect(dialog.getByLabel("Artifact pushed")).toBeChecked();
	await dialog.getByLabel("Artifact deleted").check();
	await expectAccessible(page);
	await dialog.getByRole("button", { name: "Create" }).click();
	await expect(dialog).toBeHidden();
	const row = page.getByTestId("webhook-row").filter({ hasText: "ci" });
	await expect(row).toContainText(`Default → ${rx.url}/e2e`);
	await expect(row.getByTestId("policy-last-trigger")).toHaveText("Never");

	const client = await registryClient();
	try {
		const pushed = await client.pushImage(`${project}/app:v1`);
		expect(pushed.ok, pushed.stderr).toBe(true);
		await expect
			.poll(() => rx.to("/e2e").length, { timeout: 15_000 })
			.toBeGreaterThan(0);
		const delivered = rx.to("/e2e")[0];
		expect(delivered.headers.authorization).toBe("Bearer e2e-secret");
		expect(JSON.parse(delivered.body)).toMatchObject({
			type: "PUSH_ARTIFACT",
			operator: "admin",
			event_data: {
				resources: [
					{
						digest: pushed.digest,
						tag: "v1",
						resource_url: `${registryHost}/${project}/app:v1`,
					},
				],
				repository: {
					name: "app",
					namespace: project,
					repo_full_name: `${project}/app`,
					repo_type: "private",
				},
			},
		});
	} finally {
		await client.cleanup();
	}

	await page.reload();
	await expect(row.getByTestId("policy-last-trigger")).not.toHaveText("Never", {
		timeout: 15_000,
	});
	await row.getByRole("button", { name: "Deliveries of ci" }).click();
	const execution = page.getByTestId("execution-row").first();
	await expect(execution).toContainText("Artifact pushed");
	await expect(execution.getByTestId("execution-status")).toHaveText(
		"Delivered",
	);
	await execution.getByRole("button", { name: /^Details of delivery/ }).click();
	const details = page.getByRole("dialog", { name: /^Delivery \d+$/ });
	await expect(details.getByTestId("task-status")).toHaveText("Delivered");
	await details.getByRole("button", { name: "Show log" }).click();
	await expect(details.getByTestId("task-log")).toContainText(
		/POST http:\/\/127\.0\.0\.1:\d+\/e2e \(http, Default/,
	);
	await expect(details.getByTestId("task-log")).toContainText("answered 200");
	await expect(details.getByTestId("task-log")).not.toContainText("e2e-secret");
	await screenshot(page, "webhooks-delivery");
	await details.getByRole("button", { name: "Close" }).click();

	// A test event, on request: the receiver gets it and the deliveries show it.
	await row.getByRole("button", { name: "Send a test event to ci" }).click();
	await expect
		.poll(
			() =>
				rx.to("/e2e").map((r) => (JSON.parse(r.body) as { type: string }).type),
			{ timeout: 15_000 },
		)
		.toContain("TEST");
	await expect(
		page
			.getByTestId("execution-row")
			.filter({ hasText: "Test event" })
			.getByTestId("execution-status"),
	).toHaveText("Delivered");

	// The edit dialog never shows the saved header; disabling is one click.
	await row.getByRole("button", { name: "Edit ci" }).click();
	const edit = page.getByRole("dialog", { name: "Edit webhook" });
	await expect(edit.getByLabel("Auth header")).toHaveValue("******");
	await edit.getByRole("button", { name: "Cancel" }).click();
	await row.getByRole("button", { name: "Disable ci" }).click();
	await expect(row.getByTestId("policy-enabled")).toHaveText("Disabled");

	await row.getByRole("button", { name: "Delete ci" }).click();
	await page
		.getByRole("dialog", { name: "Delete webhook" })
		.getByRole("button", { name: "Delete" })
		.click();
	await expect(page.getByTestId("empty-state").first()).toContainText(
		"No webhooks yet",
	);
});
