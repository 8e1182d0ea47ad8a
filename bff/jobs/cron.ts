import { Cron } from "croner";

/** A cron Harbor's API would refuse; routes answer it with 400. */
export class CronError extends Error {}

/**
 * Harbor's cron: six fields, seconds first ("0 0 2 * * *" is 02:00 every day), read in UTC so every replica agrees.
 * Returns the first fire time after `after`.
 */
export function nextFire(cron: string, after: Date): Date {
	let pattern: Cron;
	try {
		pattern = new Cron(cron.trim(), {
			mode: "6-part",
			timezone: "UTC",
			paused: true,
		});
	} catch (e) {
		throw new CronError(
			`invalid cron "${cron}": ${(e as Error).message.replace(/^CronPattern: /, "")} (Harbor's cron has six fields, seconds first: "0 0 2 * * *")`,
		);
	}
	const next = pattern.nextRun(after);
	if (!next) throw new CronError(`invalid cron "${cron}": it never fires`);
	return next;
}
