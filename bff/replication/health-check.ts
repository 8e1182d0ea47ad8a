import type { Logger } from "pino";

/**
 * The background health check of registry endpoints: every `intervalMs`, one round of pings that records each
 * endpoint's status (Harbor checks every 5 minutes). A plain timer for now; the job system's scheduler takes it over.
 * A round never overlaps the previous one.
 */
export function startHealthChecks(deps: {
	checkAll(): Promise<void>;
	intervalMs: number;
	logger: Logger;
}) {
	let running: Promise<void> | null = null;
	const round = () => {
		running ??= deps
			.checkAll()
			.catch((err) => deps.logger.warn({ err }, "registry health check failed"))
			.finally(() => {
				running = null;
			});
	};
	const timer = setInterval(round, deps.intervalMs);
	timer.unref();
	return {
		/** Stops the timer and waits for a round in flight. */
		async stop() {
			clearInterval(timer);
			await running;
		},
	};
}
