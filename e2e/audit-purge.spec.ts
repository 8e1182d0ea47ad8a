import type { AddressInfo } from "node:net";
import net from "node:net";
import { expect, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	expectAccessible,
	screenshot,
	signIn,
	unique,
} from "./fixtures.ts";

test("a dry run counts old audit records, a purge runs, each with its log; a schedule with its parameters is kept and removed", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	await signIn(page);
	await page.goto(paths.admin.href("audit-purge"));
	await expect(
		page.getByRole("heading", { name: "Audit log purge", level: 1 }),
	).toBeVisible();

	const runNow = page.getByTestId("purge-run-now");
	// Every event type the server lists is offered, checked, with Harbor's "other".
	await expect(runNow.getByLabel("create_project")).toBeChecked();
	await expect(
		runNow.getByLabel("other (every type not listed)"),
	).toBeChecked();
	await runNow.getByLabel("How long records are kept").fill("1");
	await runNow.getByLabel("Unit").selectOption("hours");
	await runNow.getByRole("button", { name: "Dry run" }).click();
	const dry = page
		.getByTestId("purge-run-row")
		.filter({ hasText: "dry run" })
		.first();
	await expect(dry).toContainText("Succeeded");
	await expect(dry.getByTestId("purge-rows")).toContainText(
		/\d+ records? would be deleted/,
	);
	await dry.getByRole("button", { name: /^Log of run/ }).click();
	const log = page.getByRole("dialog", { name: /^Log of audit log purge/ });
	await expect(log.getByTestId("purge-log")).toContainText(
		"dry run: nothing is deleted",
	);
	await expect(log.getByTestId("purge-log")).toContainText(
		"audit log rows older than 1 h",
	);
	await expect(log.getByTestId("purge-log")).toContainText("create_project");
	await log.getByRole("button", { name: "Close" }).click();

	// A purge for real: nothing of this server is older than an hour, so it deletes no record, and says so.
	await runNow.getByRole("button", { name: "Purge", exact: true }).click();
	const real = page.getByTestId("purge-run-row").first();
	await expect(real).not.toContainText("dry run");
	await expect(real).toContainText("Succeeded");
	await expect(real.getByTestId("purge-rows")).toContainText(
		/\d+ records? deleted/,
	);
	await screenshot(page, "admin-audit-purge");
	await expectAccessible(page);

	// A schedule: a week's records kept, pulls not purged; saved, shown after a reload, then removed.
	const schedule = page.getByTestId("purge-schedule");
	await schedule.getByLabel("Runs").selectOption("Custom");
	await schedule.getByLabel("Cron (UTC, seconds first)").fill("0 0 4 * * *");
	await schedule.getByLabel("How long records are kept").fill("7");
	await schedule.getByLabel("Unit").selectOption("days");
	await schedule.getByLabel("pull_artifact").uncheck();
	await schedule.getByRole("button", { name: "Save schedule" }).click();
	await expect(schedule.getByTestId("purge-next-run")).toContainText(
		"Next run:",
	);
	const saved = await api.get<{
		job_parameters: string;
		schedule: { type: string; cron: string };
	}>("/system/purgeaudit/schedule");
	expect(saved.schedule).toMatchObject({ type: "Custom", cron: "0 0 4 * * *" });
	const parameters = JSON.parse(saved.job_parameters) as {
		audit_retention_hour: number;
		include_event_types: string;
		dry_run: boolean;
	};
	expect(parameters).toMatchObject({
		audit_retention_hour: 168,
		dry_run: false,
	});
	expect(parameters.include_event_types.split(",")).toEqual(
		expect.arrayContaining(["create_project", "other"]),
	);
	expect(parameters.include_event_types.split(",")).not.toContain(
		"pull_artifact",
	);
	await page.reload();
	const again = page.getByTestId("purge-schedule");
	await expect(again.getByLabel("Cron (UTC, seconds first)")).toHaveValue(
		"0 0 4 * * *",
	);
	await expect(again.getByLabel("pull_artifact")).not.toBeChecked();
	await expect(again.getByLabel("How long records are kept")).toHaveValue("7");
	await again.getByLabel("Runs").selectOption("None");
	await again.getByRole("button", { name: "Save schedule" }).click();
	await expect(page.getByTestId("purge-next-run")).toHaveText(
		"No scheduled runs.",
	);
});

test("the configuration page sets audit forwarding live: the next audit event reaches a syslog server; skipping the database needs the endpoint", async ({
	page,
	request,
}) => {
	const api = adminApi(request);
	const lines: string[] = [];
	const sockets = new Set<net.Socket>();
	const syslog = net.createServer((socket) => {
		sockets.add(socket);
		socket.setEncoding("utf8");
		socket.on("data", (chunk: string) =>
			lines.push(...chunk.split("\n").filter(Boolean)),
		);
		socket.on("error", () => {});
	});
	await new Promise<void>((resolve) => syslog.listen(0, "127.0.0.1", resolve));
	const endpoint = `127.0.0.1:${(syslog.address() as AddressInfo).port}`;
	const project = unique("fwd");
	try {
		await signIn(page);
		await page.goto(paths.admin.href("configuration"));
		const status = page.getByTestId("settings-status");

		// Skipping the database with no endpoint is refused, and says why.
		await page
			.getByLabel("Keep the audit log only at the forwarding endpoint")
			.check();
		await page.getByRole("button", { name: "Save", exact: true }).click();
		await expect(
			page.getByText(/audit_log_forward_endpoint must be set first/),
		).toBeVisible();
		await page.getByRole("button", { name: "Discard changes" }).click();

		await page.getByLabel("Audit log forwarding endpoint").fill(endpoint);
		await page.getByRole("button", { name: "Save", exact: true }).click();
		await expect(status).toHaveText("Settings saved.");
		await api.createProject(project);
		await expect
			.poll(
				() =>
					lines.filter((l) => l.includes(`action:create, resource:${project},`))
						.length,
				{ timeout: 15_000 },
			)
			.toBe(1);

		await page
			.getByLabel("Keep the audit log only at the forwarding endpoint")
			.check();
		await page.getByRole("button", { name: "Save", exact: true }).click();
		await expect(status).toHaveText("Settings saved.");
		const cfg =
			await api.get<Record<string, { value: unknown }>>("/configurations");
		expect(cfg.skip_audit_log_database.value).toBe(true);
		expect(cfg.audit_log_forward_endpoint.value).toBe(endpoint);
	} finally {
		await api.put("/configurations", {
			skip_audit_log_database: false,
			audit_log_forward_endpoint: "",
		});
		await api.delete(`/projects/${project}`).catch(() => undefined);
		// Wharf keeps its connection open: close it from this side.
		for (const socket of sockets) socket.destroy();
		await new Promise((r) => syslog.close(r));
	}
});
