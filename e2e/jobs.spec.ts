import path from "node:path";
import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import { paths } from "../web/src/app/paths.ts";
import { expectAccessible, screenshot, signIn, unique } from "./fixtures.ts";

/**
 * No job type runs work yet that a spec could start through the API (replication, scans and GC come later), so the
 * fixture writes what another replica would have queued straight into the server's database: two pending jobs of a
 * type this server does not run, and one running on "another replica" with its progress and log. Removed afterwards.
 */
function seedJobs(type: string) {
	const db = new Database(path.join(process.env.E2E_DATA_DIR!, "wharf.db"));
	db.pragma("busy_timeout = 5000");
	const t = new Date().toISOString();
	const insert =
		db.prepare(`insert into jobs (type, payload, status, progress, attempts, max_attempts, backoff_ms, run_after,
    worker_id, lease_until, creation_time, start_time) values (?, '{}', ?, ?, ?, 1, 1000, ?, ?, ?, ?, ?)`);
	insert.run(type, "pending", 0, 0, t, null, null, t, null);
	insert.run(type, "pending", 0, 0, t, null, null, t, null);
	const lease = new Date(Date.now() + 3600_000).toISOString();
	const running = insert.run(
		type,
		"running",
		30,
		1,
		t,
		"another-replica",
		lease,
		t,
		t,
	).lastInsertRowid;
	db.prepare("insert into job_logs (job_id, line) values (?, ?)").run(
		running,
		"copying layer 1 of 3",
	);
	return {
		runningId: String(running),
		remove() {
			db.prepare("delete from jobs where type = ?").run(type);
			db.prepare("delete from job_queues where type = ?").run(type);
			db.close();
		},
	};
}

test("the job service page shows queues and running jobs with progress and log; pauses, resumes and stops a queue and the schedules", async ({
	page,
}) => {
	const type = unique("E2E").toUpperCase().replace(/-/g, "_");
	const seeded = seedJobs(type);
	try {
		await signIn(page);
		await page.goto(paths.admin.href("jobs"));
		await expect(
			page.getByRole("heading", { name: "Job service", level: 1 }),
		).toBeVisible();

		const queue = page.getByTestId("job-queue-row").filter({ hasText: type });
		await expect(queue).toContainText("Active");
		await expect(queue.getByRole("cell").nth(1)).toHaveText("2");
		const running = page
			.getByTestId("running-job-row")
			.filter({ hasText: type });
		await expect(running).toContainText("30%");
		await expect(
			running.getByRole("progressbar", {
				name: `Progress of job ${seeded.runningId}`,
			}),
		).toHaveAttribute("value", "30");
		await screenshot(page, "admin-jobs");
		await expectAccessible(page);

		await running
			.getByRole("button", { name: `Log of job ${seeded.runningId}` })
			.click();
		const log = page.getByRole("dialog", {
			name: `Log of job ${seeded.runningId}`,
		});
		await expect(log.getByTestId("job-log")).toHaveText("copying layer 1 of 3");
		await log.getByRole("button", { name: "Close" }).click();
		await expect(log).toBeHidden();

		await queue.getByRole("button", { name: `Pause ${type}` }).click();
		await expect(queue).toContainText("Paused");
		await queue.getByRole("button", { name: `Resume ${type}` }).click();
		await expect(queue).toContainText("Active");

		await queue.getByRole("button", { name: `Stop ${type}` }).click();
		const confirm = page.getByRole("dialog", {
			name: `Stop the ${type} queue?`,
		});
		await confirm.getByRole("button", { name: "Stop" }).click();
		await expect(confirm).toBeHidden();
		await expect(queue.getByRole("cell").nth(1)).toHaveText("0");

		const scheduler = page.getByTestId("scheduler");
		await expect(scheduler).toContainText("Schedules fire as planned.");
		await scheduler.getByRole("button", { name: "Pause schedules" }).click();
		await expect(scheduler).toContainText("Schedules are paused");
		await scheduler.getByRole("button", { name: "Resume schedules" }).click();
		await expect(scheduler).toContainText("Schedules fire as planned.");
	} finally {
		seeded.remove();
	}
});
