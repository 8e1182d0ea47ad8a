import type { Logger } from "pino";
import type { Jobs } from "../../jobs/jobs.ts";
import { downloadAndImport } from "./osv-import.ts";
import type { OsvStore } from "./osv-store.ts";

export const osvSyncJobType = "OSV_SYNC";
/** Daily at 03:00 UTC, as Harbor's Trivy refreshes its database daily. */
export const defaultOsvSyncCron = "0 0 3 * * *";

/**
 * The scheduled download of OSV's exports (OSV_SYNC jobs): each configured ecosystem's `all.zip` from the source URL,
 * imported incrementally. The schedule is made on the first start (an admin may change or remove it); a download that
 * cannot reach its source fails the job, saying which URL.
 */
export async function registerOsvSync(deps: {
	jobs: Jobs;
	osv: OsvStore;
	logger: Logger;
	tmpDir: string;
}) {
	deps.jobs.register(osvSyncJobType, {
		concurrency: 1,
		async handler(ctx) {
			const results = await downloadAndImport(deps.osv, {
				signal: ctx.signal,
				tmpDir: deps.tmpDir,
				log: (line) => ctx.log(line),
			});
			deps.logger.info({ results }, "OSV database updated");
		},
	});
	const { rows } = await deps.jobs.schedules.list({ offset: 0, limit: 1000 });
	const mine = rows.filter((r) => r.vendor_type === osvSyncJobType);
	const settings = await deps.osv.settingsRow();
	// Only on the very first start: a schedule an admin removed stays removed.
	if (mine.length === 0 && !settings)
		await deps.jobs.schedules.set(osvSyncJobType, 0, defaultOsvSyncCron);
	if (!settings) await deps.osv.saveSettings(await deps.osv.settings());
}
